"""Canned queries reach the tables that grow with the press releases through indexes, never by
reading them in full, so the site stays fast when the package holds millions of rows.

"Large" is derived from datapackage.json: every table but the code lists (keyed by a code, not an
`_id`, and pointing at no other table), which reference.yml and the code fill once, not per press
release. The plans are SQLite's for the built seed database with any ANALYZE statistics removed:
statistics of a seed with a handful of rows per table make full scans look cheap, while without
them SQLite plans every table as if it held about a million rows, as the grown database will.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kz_rule_of_law.curation.rows import REFERENCE_SECTIONS, reference_rows
from kz_rule_of_law.package.descriptor import Table, load_descriptor, tables
from kz_rule_of_law.web.metadata import canned_queries
from kz_rule_of_law.web.plugin import cap_values, register_escape_fts

ROOT = Path(__file__).resolve().parent.parent
QUERIES = canned_queries(tables(load_descriptor(ROOT / "datapackage.json")))
# Real values for each parameter of the canned queries, read from the database.
PARAMETER_VALUES = {
    "table": "SELECT '' UNION ALL SELECT * FROM "
    "(SELECT table_name FROM quotes GROUP BY table_name ORDER BY count(*) DESC LIMIT 1)",
    "record": "SELECT record_id FROM quotes ORDER BY quote_id LIMIT 1",
    "source": "SELECT source_id FROM sources ORDER BY source_id LIMIT 1",
    "q": "SELECT substr(name_en, 1, instr(name_en || ' ', ' ') - 1) FROM organizations "
    "ORDER BY organization_id LIMIT 1",
}
KEYWORDS = (
    "ON",
    "USING",
    "WHERE",
    "JOIN",
    "LEFT",
    "INNER",
    "CROSS",
    "NATURAL",
    "ORDER",
    "GROUP",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "LIMIT",
    "WINDOW",
    "HAVING",
)
SOURCE = re.compile(
    rf"\b(?:FROM|JOIN)\s+\[?(\w+)\]?(?:\s+(?:AS\s+)?(?!(?:{'|'.join(KEYWORDS)})\b)(\w+))?", re.IGNORECASE
)
LOOP = re.compile(r"(SCAN|SEARCH) (\S+)(.*)")
WHOLE_SORT = re.compile(r"USE TEMP B-TREE FOR (ORDER BY|GROUP BY|DISTINCT)")


def is_code_list(table: Table) -> bool:
    """A fixed list of codes: keyed by a code rather than an `_id`, pointing at no other table."""
    return not table.foreign_keys and not any(key.endswith("_id") for key in table.primary_key)


def large_tables(schema: dict[str, Table]) -> set[str]:
    """The tables that grow with the press releases, and their full-text indexes: all but code lists."""
    names = {name for name, table in schema.items() if not is_code_list(table)}
    return names | {f"{name}_fts" for name in names}


@pytest.fixture(scope="module")
def schema(descriptor: dict) -> dict[str, Table]:
    """The descriptor's tables."""
    return tables(descriptor)


@pytest.fixture(scope="module")
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    """The built database, copied into memory without statistics, with the site's SQL functions."""
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    connection = sqlite3.connect(":memory:")
    source.backup(connection)
    source.close()
    stats = connection.execute("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'").fetchall()
    for (name,) in stats:
        connection.execute(f"DROP TABLE [{name}]")
    connection.execute("ANALYZE sqlite_schema")  # reload the statistics: there are none now
    cap_values(connection)
    register_escape_fts(connection)
    yield connection
    connection.close()


def without_literals(sql: str) -> str:
    """SQL without its comments and string literals."""
    return re.sub(r"'(?:[^']|'')*'", "''", re.sub(r"--[^\n]*", "", sql))


def parameters(sql: str) -> list[str]:
    """The names of a query's :parameters, in order of first use."""
    return list(dict.fromkeys(re.findall(r"(?<![:\w]):(\w+)", without_literals(sql))))


def bindings(conn: sqlite3.Connection, sql: str) -> list[dict[str, str]]:
    """Every combination of the real values of the query's parameters."""
    names = parameters(sql)
    values = [[row[0] for row in conn.execute(PARAMETER_VALUES[name])] for name in names]
    return [dict(zip(names, combination)) for combination in itertools.product(*values)]


def outermost(sql: str) -> str:
    """The SQL of the outermost SELECT: comments, strings and parenthesized parts removed."""
    text = without_literals(sql)
    while True:
        shorter = re.sub(r"\([^()]*\)", "", text)
        if shorter == text:
            return text
        text = shorter


def sources(conn: sqlite3.Connection, sql: str) -> tuple[dict[str, set[str]], list[str]]:
    """The tables each name in the query's plan can stand for, and the SQL of the query and its views."""
    names: dict[str, set[str]] = {}
    texts, pending = [], [sql]
    while pending:
        text = pending.pop()
        texts.append(text)
        for table, alias in SOURCE.findall(without_literals(text)):
            names.setdefault(table, set()).add(table)
            if alias:
                names.setdefault(alias, set()).add(table)
            view = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", [table]).fetchone()
            if view and view[0] not in texts + pending:
                pending.append(view[0])
    return names, texts


def code_columns(table: Table, schema: dict[str, Table]) -> set[str]:
    """The columns of `table` holding a code of a code list: each code matches a share of the rows."""
    return {column for fk in table.foreign_keys if is_code_list(schema[fk.resource]) for column in fk.fields}


def read_in_full(
    plan: list[tuple], names: dict[str, set[str]], schema: dict[str, Table], filtered: bool
) -> dict[str, str]:
    """The large tables the plan reads in full, each with the plan line that does it.

    Read in full: a SCAN of the table or of a whole index, a SEARCH by a code only (all rows with
    one of a few codes), an automatic index or a Bloom filter built from it, a full-text table
    scanned without MATCH. The outermost loop may SCAN or SEARCH by a code when the query has no
    WHERE and its rows come out in the order asked (no temporary B-tree for the whole ORDER BY,
    GROUP BY or DISTINCT): Datasette stops after max_returned_rows + 1 rows, so that loop reads
    only the rows it returns.
    """
    large = large_tables(schema)
    top = [row for row in plan if row[1] == 0]
    outer = next((row[0] for row in top if LOOP.match(row[3])), None)
    streams = not filtered and not any(WHOLE_SORT.match(row[3]) for row in top)
    found = {}
    for number, _, _, detail in plan:
        bloom = re.match(r"BLOOM FILTER ON (\S+)", detail)
        loop = LOOP.match(detail)
        if bloom:
            read = {table: True for table in names.get(bloom[1], set()) & large}
        elif loop:
            kind, name, rest = loop.groups()
            listed = number == outer and streams
            constrained = set(re.findall(r"(\w+)[=<>]", rest.partition("(")[2]))
            read = {}
            for table in names.get(name, set()) & large:
                if kind == "SEARCH":
                    by_code = table in schema and constrained <= code_columns(schema[table], schema)
                    read[table] = "AUTOMATIC" in rest or (by_code and not listed)
                elif "VIRTUAL TABLE INDEX" in rest:
                    read[table] = rest.rstrip().endswith(":")
                else:
                    read[table] = not listed
        else:
            continue
        found.update({table: detail for table, full in read.items() if full})
    return found


def unnamed(plan: list[tuple], names: dict[str, set[str]]) -> set[str]:
    """The tables or aliases of the plan that the query's SQL does not name (subqueries aside)."""
    subqueries = {m[1] for row in plan if (m := re.match(r"(?:MATERIALIZE|CO-ROUTINE) (\S+)", row[3]))}
    named = [re.match(r"(?:SCAN|SEARCH|BLOOM FILTER ON) (\S+)", row[3]) for row in plan]
    return {m[1] for m in named if m and not m[1].startswith("(") and m[1] not in {*names, *subqueries}}


def plan_text(plan: list[tuple]) -> str:
    """A query plan, one indented line per step."""
    depth = {0: -1}
    lines = []
    for number, parent, _, detail in plan:
        depth[number] = depth.get(parent, -1) + 1
        lines.append("  " * depth[number] + detail)
    return "\n".join(lines)


def test_code_lists_are_the_tables_no_press_release_fills(schema):
    """The descriptor's code lists are exactly reference.yml's sections and the code-owned tables."""
    assert {name for name, table in schema.items() if is_code_list(table)} == set(REFERENCE_SECTIONS) | set(
        reference_rows()
    )


def test_every_parameter_of_a_canned_query_has_real_values(conn):
    """Each :parameter of a canned query gets values from the database to plan it with."""
    for name, query in QUERIES.items():
        for parameter in parameters(query["sql"]):
            assert parameter in PARAMETER_VALUES, f"{name}: no values for :{parameter}"
            assert all(row[0] is not None for row in conn.execute(PARAMETER_VALUES[parameter]))


@pytest.mark.parametrize("name", list(QUERIES))
def test_canned_query_reads_no_large_table_in_full(name: str, conn: sqlite3.Connection, schema):
    """A canned query reaches every large table through an index (or streams the one it lists)."""
    sql = QUERIES[name]["sql"]
    names, texts = sources(conn, sql)
    filtered = any(re.search(r"\bWHERE\b", outermost(text), re.IGNORECASE) for text in texts)
    found: dict[str, str] = {}
    plans = []
    for params in bindings(conn, sql):
        plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        plans.append(f"{params or ''}\n{plan_text(plan)}")
        assert not unnamed(plan, names), f"{name}: which tables are {unnamed(plan, names)}?\n{plan_text(plan)}"
        found.update(read_in_full(plan, names, schema, filtered))
    report = "\n".join(f"{table}: {detail}" for table, detail in sorted(found.items())) + "\n" + "\n".join(plans)
    assert not found, f"{name} reads large tables in full:\n{report}"
