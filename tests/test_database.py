"""The SQLite database: tables, types, keys, indexes, search and views as datapackage.json says."""

from __future__ import annotations

import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kz_rule_of_law.database.load import write_database
from kz_rule_of_law.errors import InputError
from kz_rule_of_law.package.descriptor import tables
from kz_rule_of_law.validation.tables import check_package

DECLARED = {
    "string": {"TEXT"},
    "date": {"TEXT"},
    "integer": {"INTEGER"},
    "year": {"INTEGER"},
    "boolean": {"INTEGER"},
    "number": {"INTEGER", "REAL"},
}


@pytest.fixture(scope="module")
def conn(db_path: Path):
    """A read-only connection to the built database."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def schema(descriptor: dict):
    """The descriptor's tables."""
    return tables(descriptor)


def table_info(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """PRAGMA table_info rows: (cid, name, type, notnull, default, pk)."""
    return conn.execute(f"PRAGMA table_info([{table}])").fetchall()


def test_every_table_has_the_descriptor_columns_in_order(conn, schema):
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(schema) <= names
    for name, table in schema.items():
        assert [r[1] for r in table_info(conn, name)] == table.columns, name


def test_column_types_come_from_the_descriptor(conn, schema):
    for name, table in schema.items():
        declared = {r[1]: r[2] for r in table_info(conn, name)}
        for field in table.fields:
            assert declared[field.name] in DECLARED[field.type], (name, field.name)


def test_whole_amounts_are_integer_and_shares_real(conn):
    declared = {r[1]: r[2] for r in table_info(conn, "budgets")}
    assert declared["total_budget"] == declared["eu_contribution"] == declared["cofinancing"] == "INTEGER"
    assert declared["eu_share_percent"] == "REAL"
    assert declared == {**declared, "currency": "TEXT", "project_id": "TEXT"}


def test_not_null_is_exactly_the_required_fields(conn, schema):
    for name, table in schema.items():
        not_null = {r[1] for r in table_info(conn, name) if r[3]}
        assert not_null == {f.name for f in table.fields if f.required}, name


def test_primary_keys_match_the_descriptor_including_compound_ones(conn, schema):
    for name, table in schema.items():
        pk = [r[1] for r in sorted(table_info(conn, name), key=lambda r: r[5]) if r[5]]
        assert tuple(pk) == table.primary_key, name
    assert schema["project_organizations"].primary_key == ("project_id", "organization_id", "iati_role")


def test_foreign_keys_match_the_descriptor(conn, schema):
    for name, table in schema.items():
        actual = {(r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list([{name}])")}
        expected = {(fk.fields[0], fk.resource, fk.reference_fields[0]) for fk in table.foreign_keys}
        assert actual == expected, name
    assert ("parent_id", "organizations", "organization_id") in {
        (r[3], r[2], r[4]) for r in conn.execute("PRAGMA foreign_key_list(organizations)")
    }


def test_foreign_key_check_finds_nothing(conn):
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_every_foreign_key_column_leads_an_index(conn, schema):
    for name, table in schema.items():
        leading = {
            conn.execute(f"PRAGMA index_info([{index[1]}])").fetchall()[0][2]
            for index in conn.execute(f"PRAGMA index_list([{name}])")
        }
        for fk in table.foreign_keys:
            assert fk.fields[0] in leading, (name, fk.fields)


def test_every_cell_reads_back_as_published_and_empty_cells_are_null(conn, schema, csv_rows):
    for name, table in schema.items():
        stored = conn.execute(f"SELECT * FROM [{name}] ORDER BY rowid").fetchall()
        published = csv_rows(name)
        assert len(stored) == len(published), name
        for row, cells in zip(stored, published):
            for field, value in zip(table.fields, row):
                cell = cells[field.name]
                if cell == "":
                    assert value is None, (name, field.name)
                elif field.type == "number":
                    assert Decimal(repr(value)) == Decimal(cell), (name, field.name)
                elif field.type in ("integer", "year"):
                    assert value == int(cell), (name, field.name)
                else:
                    assert value == cell, (name, field.name)


def test_organizations_without_a_kazakh_name_have_null(conn, csv_rows):
    missing = sorted(r["organization_id"] for r in csv_rows("organizations") if not r["name_kk"])
    assert "eu-delegation-kz" in missing
    assert [
        r[0] for r in conn.execute("SELECT organization_id FROM organizations WHERE name_kk IS NULL ORDER BY 1")
    ] == missing


def test_search_covers_names_titles_and_texts_in_kazakh_and_english(conn):
    def columns(fts: str) -> list[str]:
        return [r[1] for r in table_info(conn, fts)]

    assert columns("organizations_fts") == ["name_kk", "name_en"]
    assert columns("projects_fts") == ["title_kk", "title_en"]
    assert columns("statements_fts") == ["text_kk", "text_en"]
    assert columns("iati_organisation_roles_fts") == ["name"]
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "budgets_fts" not in names and "credits_fts" not in names


@pytest.mark.parametrize(
    ("table", "query", "expected"),
    [
        ("people", '"Симкич"', "aleska-simkic"),
        ("people", '"симкич"', "aleska-simkic"),  # unicode61 folds Cyrillic case
        ("people", '"Simkic"', "aleska-simkic"),  # and removes Latin diacritics: Simkić
        ("organizations", '"құқықтық"', "lprc"),  # Kazakh letters are word characters
        ("organizations", '"ҚҰҚЫҚТЫҚ"', "lprc"),
        ("organizations", '"Partnership"', "iphr"),
        ("projects", '"азаптау"*', "breaking-the-vicious-cycle"),
        ("projects", '"torture"', "breaking-the-vicious-cycle"),
        ("objectives", '"азаптау"*', "torture-prevention"),
    ],
)
def test_full_text_search_finds_kazakh_and_english_words(conn, table, query, expected):
    pk = {
        "people": "person_id",
        "organizations": "organization_id",
        "projects": "project_id",
        "objectives": "objective_id",
    }[table]
    found = [
        r[0]
        for r in conn.execute(
            f"SELECT t.{pk} FROM {table}_fts JOIN {table} AS t ON t.rowid = {table}_fts.rowid "
            f"WHERE {table}_fts MATCH ?",
            [query],
        )
    ]
    assert found == [expected]


def test_a_kazakh_stem_without_prefix_search_matches_no_inflected_word(conn):
    # азаптауға, азаптаулардың: the tokenizer keeps whole words, so searches must use prefixes.
    assert conn.execute("SELECT count(*) FROM projects_fts WHERE projects_fts MATCH '\"азаптау\"'").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("project", "total", "eu", "cofinancing", "share"),
    [
        ("coordinated-actions-rule-of-law", 777895, 739000, 38895, "95.00"),
        ("breaking-the-vicious-cycle", 768490, 730000, 38490, "94.99"),
    ],
)
def test_funding_view_gives_the_exact_amounts(conn, project, total, eu, cofinancing, share):
    row = conn.execute(
        "SELECT currency, total_budget, eu_contribution, cofinancing, eu_share_percent "
        "FROM funding_per_project WHERE project_id = ?",
        [project],
    ).fetchone()
    assert row[:4] == ("EUR", total, eu, cofinancing)
    assert all(type(v) is int for v in row[1:4])
    assert Decimal(repr(row[4])) == Decimal(share)


def test_funding_view_has_the_project_titles(conn, csv_rows):
    titles = {r["project_id"]: (r["title_kk"], r["title_en"]) for r in csv_rows("projects")}
    rows = conn.execute("SELECT project_id, project_title_kk, project_title_en FROM funding_per_project")
    assert {r[0]: r[1:] for r in rows} == titles


def test_who_does_what_names_organizations_and_iati_roles(conn):
    rows = conn.execute(
        "SELECT organization_name_en, iati_role_name FROM who_does_what "
        "WHERE project_id = 'coordinated-actions-rule-of-law' ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("European Union", "Funding"),
        ("International Partnership for Human Rights", "Implementing"),
        ("Legal Policy Research Centre", "Implementing"),
    ]


def test_facts_with_quotes_has_every_quote_with_its_source_title(conn, csv_rows):
    quotes = csv_rows("quotes")
    (source,) = [s for s in csv_rows("sources") if s["source_id"] == "000_54035fae270ab93c"]
    assert conn.execute("SELECT count(*) FROM facts_with_quotes").fetchone()[0] == len(quotes)
    row = conn.execute(
        "SELECT table_name, record_id, field, text_kk, text_en, source_title_kk FROM facts_with_quotes "
        "WHERE quote_id = 'budgets/coordinated-actions-rule-of-law/total_budget/000_54035fae270ab93c'"
    ).fetchone()
    assert row == (
        "budgets",
        "coordinated-actions-rule-of-law",
        "total_budget",
        "777 895 еуроны",
        "EUR 777,895",
        source["title_kk"],
    )


def test_rebuilding_writes_the_same_bytes(db_path, root, tmp_path):
    again = tmp_path / "again.db"
    write_database(root, again)
    assert again.read_bytes() == db_path.read_bytes()


def copy_package(root: Path, target: Path) -> Path:
    """A copy of the package (descriptor and CSVs) to break."""
    target.mkdir()
    shutil.copy(root / "datapackage.json", target / "datapackage.json")
    shutil.copytree(root / "data", target / "data")
    return target


def test_a_dangling_foreign_key_is_an_input_error_and_leaves_the_old_database(root, tmp_path):
    package = copy_package(root, tmp_path / "package")
    with open(package / "data" / "project_organizations.csv", "a", encoding="utf-8") as handle:
        handle.write("breaking-the-vicious-cycle,nobody,4\n")
    db = tmp_path / "out" / "site.db"
    db.parent.mkdir()
    db.write_bytes(b"previous")
    with pytest.raises(InputError) as caught:
        write_database(package, db)
    assert "data/project_organizations.csv" in str(caught.value)
    assert "'nobody'" in str(caught.value) and "organizations" in str(caught.value)
    assert db.read_bytes() == b"previous"
    assert sorted(p.name for p in db.parent.iterdir()) == ["site.db"]


def test_a_number_real_cannot_hold_exactly_is_refused_with_its_line(root, tmp_path):
    package = copy_package(root, tmp_path / "package")
    path = package / "data" / "budgets.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[5] = "94.123456789012345678"  # eu_share_percent
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        write_database(package, tmp_path / "site.db")
    assert "data/budgets.csv:2" in str(caught.value)
    assert (
        "eu_share_percent: cannot be stored exactly: got '94.123456789012345678', expected a number of "
        "at most 15 significant digits"
    ) in str(caught.value)
    assert not (tmp_path / "site.db").exists()


# A small package of its own, to pin how cells are converted and how bad cells are reported.

MINI = {
    "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
    "name": "mini",
    "resources": [
        {
            "name": "groups",
            "path": "data/groups.csv",
            "type": "table",
            "schema": {
                "fields": [
                    {"name": "group_id", "type": "string", "constraints": {"required": True}},
                    {"name": "name", "type": "string"},
                ],
                "primaryKey": ["group_id"],
                "missingValues": ["", "NA"],
            },
        },
        {
            "name": "items",
            "path": "data/items.csv",
            "type": "table",
            "schema": {
                "fields": [
                    {"name": "item_id", "type": "string", "constraints": {"required": True}},
                    {"name": "group_id", "type": "string"},
                    {"name": "count", "type": "integer"},
                    {"name": "whole", "type": "number"},
                    {"name": "share", "type": "number"},
                    {"name": "none", "type": "number"},
                    {"name": "active", "type": "boolean"},
                    {"name": "day", "type": "date"},
                ],
                "primaryKey": ["item_id"],
                "missingValues": ["", "NA"],
                "foreignKeys": [{"fields": ["group_id"], "reference": {"resource": "groups", "fields": ["group_id"]}}],
            },
        },
    ],
}
GROUPS = "group_id,name\ng1,First\ng2,NA\n"
ITEMS = (
    "item_id,group_id,count,whole,share,none,active,day\n"
    "a,g1,3,777895,94.99,,true,2024-01-31\n"
    "b,g2,NA,12.00,95,NA,false,\n"
    "c,NA,-7,0,0.5,,,2023-12-01\n"
)


def mini_package(tmp_path: Path, groups: str = GROUPS, items: str = ITEMS) -> Path:
    """A two-table package: a parent, and a child with every cell type and 'NA' as a missing value."""
    root = tmp_path / "mini"
    (root / "data").mkdir(parents=True)
    (root / "datapackage.json").write_text(json.dumps(MINI), encoding="utf-8")
    (root / "data" / "groups.csv").write_text(groups, encoding="utf-8")
    (root / "data" / "items.csv").write_text(items, encoding="utf-8")
    return root


def load_error(tmp_path: Path, **files: str) -> str:
    """The message of the InputError writing the mini package with `files` raises; no database is left."""
    db = tmp_path / "out" / "mini.db"
    with pytest.raises(InputError) as caught:
        write_database(mini_package(tmp_path, **files), db)
    assert not db.parent.exists() or list(db.parent.iterdir()) == []
    return str(caught.value)


@pytest.fixture()
def mini(tmp_path: Path) -> sqlite3.Connection:
    """The mini package's database."""
    db = tmp_path / "mini.db"
    write_database(mini_package(tmp_path), db)
    connection = sqlite3.connect(db)
    yield connection
    connection.close()


def test_a_number_column_is_integer_when_every_value_is_whole_and_real_otherwise(mini):
    declared = {r[1]: r[2] for r in table_info(mini, "items")}
    assert declared == {
        "item_id": "TEXT",
        "group_id": "TEXT",
        "count": "INTEGER",
        "whole": "INTEGER",
        "share": "REAL",
        "none": "REAL",
        "active": "INTEGER",
        "day": "TEXT",
    }
    rows = mini.execute("SELECT whole, typeof(whole), share, typeof(share) FROM items ORDER BY rowid").fetchall()
    assert rows == [(777895, "integer", 94.99, "real"), (12, "integer", 95.0, "real"), (0, "integer", 0.5, "real")]


def test_a_whole_number_beyond_integer_makes_its_column_real_and_reads_back_exactly(tmp_path):
    db = tmp_path / "mini.db"
    write_database(mini_package(tmp_path, items=ITEMS.replace("a,g1,3,777895,", "a,g1,3,1E20,")), db)
    connection = sqlite3.connect(db)
    try:
        assert {r[1]: r[2] for r in table_info(connection, "items")}["whole"] == "REAL"
        assert connection.execute("SELECT whole FROM items WHERE item_id = 'a'").fetchone() == (1e20,)
    finally:
        connection.close()


def test_an_integer_beyond_sqlite_integer_is_a_located_input_error(tmp_path):
    message = load_error(tmp_path, items=ITEMS.replace("c,NA,-7,", "c,NA,-9223372036854775809,"))
    assert message == (
        "data/items.csv:4: record c: count: cannot be stored exactly: got '-9223372036854775809', "
        "expected an integer from -9223372036854775808 to 9223372036854775807"
    )


def test_cells_convert_by_their_descriptor_type(mini):
    rows = mini.execute("SELECT item_id, count, active, day FROM items ORDER BY rowid").fetchall()
    assert rows == [("a", 3, 1, "2024-01-31"), ("b", None, 0, None), ("c", -7, None, "2023-12-01")]
    assert [type(r[0]) for r in mini.execute("SELECT count FROM items WHERE count IS NOT NULL")] == [int, int]


def test_every_missing_value_marker_loads_as_null(mini):
    assert mini.execute("SELECT name FROM groups ORDER BY rowid").fetchall() == [("First",), (None,)]
    assert mini.execute(
        "SELECT group_id, count, none FROM items WHERE item_id IN ('b', 'c') ORDER BY rowid"
    ).fetchall() == [("g2", None, None), (None, -7, None)]


def test_the_mini_database_is_the_same_bytes_every_time(tmp_path):
    root = mini_package(tmp_path)
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    write_database(root, first)
    write_database(root, second)
    assert first.read_bytes() == second.read_bytes()


def test_the_database_has_planner_statistics(mini):
    assert mini.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'items'").fetchone()[0] > 0


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("three", "an integer"),
        ("1.5", "an integer"),
        ("٣", "an integer"),
        (" 3", "an integer"),
    ],
)
def test_an_integer_cell_that_does_not_convert_is_a_located_input_error(tmp_path, cell, expected):
    message = load_error(tmp_path, items=ITEMS.replace("c,NA,-7,", f'c,NA,"{cell}",'))
    assert f"data/items.csv:4: record c: count: wrong type: got '{cell}', expected {expected}" in message


@pytest.mark.parametrize(
    ("column", "row", "expected"),
    [
        ("whole", "c,NA,-7,zero,0.5,,,2023-12-01", "whole: wrong type: got 'zero', expected a number"),
        ("share", "c,NA,-7,0,NaN,,,2023-12-01", "share: wrong type: got 'NaN', expected a number"),
        ("active", "c,NA,-7,0,0.5,,yes,2023-12-01", "active: wrong type: got 'yes', expected a boolean"),
        ("day", "c,NA,-7,0,0.5,,,2023-02-30", "day: wrong type: got '2023-02-30', expected a date"),
        ("day", "c,NA,-7,0,0.5,,,2023-2-1", "day: wrong type: got '2023-2-1', expected a date"),
    ],
)
def test_other_cells_that_do_not_convert_are_located_input_errors(tmp_path, column, row, expected):
    message = load_error(tmp_path, items=ITEMS.replace("c,NA,-7,0,0.5,,,2023-12-01", row))
    assert f"data/items.csv:4: record c: {expected}" in message


def test_every_bad_cell_of_every_row_is_reported(tmp_path):
    items = ITEMS.replace("a,g1,3,", "a,g1,x,").replace(",false,", ",nope,")
    message = load_error(tmp_path, items=items)
    assert message.splitlines() == [
        "data/items.csv:2: record a: count: wrong type: got 'x', expected an integer",
        "data/items.csv:3: record b: active: wrong type: got 'nope', expected a boolean",
    ]


def test_a_required_cell_left_empty_is_a_located_input_error(tmp_path):
    message = load_error(tmp_path, groups=GROUPS + "NA,Third\n")
    assert message == "data/groups.csv:4: group_id: required cell is empty"


def test_a_repeated_primary_key_is_a_located_input_error(tmp_path):
    message = load_error(tmp_path, items=ITEMS + "b,g1,1,1,1,1,true,2024-02-01\n")
    assert message == (
        "data/items.csv:5: record b: item_id: key already used by an earlier row: expected a key of its own"
    )


def test_a_row_with_the_wrong_number_of_cells_is_a_located_input_error(tmp_path):
    message = load_error(tmp_path, items=ITEMS + "d,g1,1\n")
    assert message == "data/items.csv:5: wrong number of cells: got '3', expected 8"


def test_a_header_that_differs_from_the_descriptor_is_an_input_error(tmp_path):
    message = load_error(tmp_path, groups=GROUPS.replace("name", "title", 1))
    assert message.startswith("data/groups.csv:1: header differs from the descriptor: got 'group_id,title'")


def test_a_csv_that_is_not_utf8_is_a_located_input_error(tmp_path):
    root = mini_package(tmp_path)
    (root / "data" / "groups.csv").write_bytes(b"group_id,name\ng1,\xff\n")
    with pytest.raises(InputError) as caught:
        write_database(root, tmp_path / "mini.db")
    assert str(caught.value).startswith("data/groups.csv")
    assert "not UTF-8" in str(caught.value)


def test_the_load_stops_after_a_hundred_problems(tmp_path):
    bad = "".join(f"x{n},g1,bad,1,1,1,true,2024-01-01\n" for n in range(150))
    lines = load_error(tmp_path, items=ITEMS + bad).splitlines()
    assert len(lines) == 101 and lines[-1] == "stopped after 100 problems"
    assert lines[0] == "data/items.csv:5: record x0: count: wrong type: got 'bad', expected an integer"


CELLS = st.one_of(
    st.text(alphabet="0123456789+-.eE _٣１ tTrRuUfFaAlLsS", max_size=6),
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from(["count", "whole", "share", "active", "day"]), cell=CELLS)
def test_a_cell_validation_accepts_loads_and_one_it_refuses_does_not(tmp_path_factory, column, cell):
    row = {
        "item_id": "c",
        "group_id": "g1",
        "count": "-7",
        "whole": "0",
        "share": "0.5",
        "none": "",
        "active": "true",
        "day": "2023-12-01",
        column: cell,
    }
    items = ITEMS.split("c,NA")[0] + ",".join(f'"{v}"' for v in row.values()) + "\n"
    root = mini_package(tmp_path_factory.mktemp("cell"), items=items)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    validated = not check_package(root, descriptor, tables(descriptor))
    try:
        write_database(root, root / "mini.db")
        loaded = True
    except InputError:
        loaded = False
    assert validated == loaded, (column, cell)
