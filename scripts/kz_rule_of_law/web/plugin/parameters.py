"""Canned query pages offer their parameters as labelled inputs, with the values they can take as
choices where the database knows them (queries.yml `parameters`), and say so when a value is none
of them instead of answering with no rows."""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette.utils import tilde_decode

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

# Where the choices of a parameter come from, by the name queries.yml gives them. Quote ids are
# table/record/field/source, so the quoted tables are read by jumping from one table's first quote
# id to the next table's ('0' follows '/'): one index seek per table, whatever the number of quotes.
CHOICES = {
    "quoted_tables": """
WITH RECURSIVE t(name) AS (
  SELECT (SELECT substr(quote_id, 1, instr(quote_id, '/') - 1) FROM quotes ORDER BY quote_id LIMIT 1)
  UNION ALL
  SELECT (SELECT substr(quote_id, 1, instr(quote_id, '/') - 1) FROM quotes
    WHERE quote_id >= t.name || '0' ORDER BY quote_id LIMIT 1)
  FROM t WHERE t.name IS NOT NULL
)
SELECT name FROM t WHERE name IS NOT NULL
""",
}

# Values a parameter is likely to take, given another parameter's value (`suggest`, `after` in
# queries.yml): offered to pick from, any other value may still be typed. The records of a table
# with claims are read the same way as the tables, by jumping from one record's quote ids to the
# next record's ('table/record/' to 'table/record0'), SUGGESTED of them at most.
SUGGESTED = 500
SUGGESTIONS = {
    "quoted_records": f"""
WITH RECURSIVE r(quote_id, record_id) AS (
  SELECT * FROM (SELECT quote_id, record_id FROM quotes
    WHERE quote_id > :after || '/' AND quote_id < :after || '0' ORDER BY quote_id LIMIT 1)
  UNION ALL
  SELECT q.quote_id, q.record_id FROM r JOIN quotes AS q ON q.quote_id = (
    SELECT quote_id FROM quotes WHERE quote_id >= :after || '/' || r.record_id || '0'
      AND quote_id < :after || '0' ORDER BY quote_id LIMIT 1)
  LIMIT {SUGGESTED}
)
SELECT record_id FROM r
""",
}

# The database is immutable: each choice list is read once per site and database. Kept per site (a
# process may serve, or test, several sites whose databases share a name), gone with the site.
_kept: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, str], Any]] = weakref.WeakKeyDictionary()


def _memo(datasette: Datasette) -> dict[tuple[str, str, str], Any]:
    """What has been read for this site: choices and suggestions by (kind, database, source)."""
    return _kept.setdefault(datasette, {})


def extra_template_vars(
    view_name: str, database: str | None, request: Any, datasette: Datasette
) -> Callable[[], Awaitable[dict[str, Any]]] | None:
    """On a canned query's page, `kz_parameters`: each parameter's label, value, choices and problem."""
    if view_name != "table" or not database or request is None or "table" not in request.url_vars:
        return None
    name = tilde_decode(request.url_vars["table"])

    async def parameters() -> dict[str, Any]:
        query = await datasette.get_canned_query(database, name, request.actor)
        if not query or not query.get("parameters"):
            return {}
        found: dict[str, dict[str, Any]] = {}
        for parameter, options in query["parameters"].items():
            value = request.args.get(parameter) or ""
            choices = await _choices_for(datasette, database, options.get("choices"))
            after = found.get(options.get("after", ""))
            suggested = await _suggestions(datasette, database, options.get("suggest"), after)
            found[parameter] = {
                "name": parameter,
                "label": options.get("label", parameter),
                "hint": options.get("hint", ""),
                "value": value,
                "choices": choices,
                "suggested": suggested,
                "unknown": bool(value) and _unknown(value, choices, suggested),
            }
        return {"kz_parameters": list(found.values())}

    return parameters


def _unknown(value: str, choices: list[dict[str, str]] | None, suggested: list[str] | None) -> bool:
    """Whether a value is none of a parameter's choices, or none of all its suggestions."""
    if choices is not None:
        return value not in {c["value"] for c in choices}
    return suggested is not None and len(suggested) < SUGGESTED and value not in suggested


async def _suggestions(
    datasette: Datasette, database: str, source: str | None, after: dict[str, Any] | None
) -> list[str] | None:
    """The values suggested for a parameter, given the (known, valid) value of the one it follows."""
    if source is None or after is None or not after["value"] or after["unknown"]:
        return None
    # By the value they follow: that value is one of its parameter's choices, so few are kept.
    key, kept = ("suggested", database, f"{source}:{after['value']}"), _memo(datasette)
    if key not in kept:
        rows = (await datasette.get_database(database).execute(SUGGESTIONS[source], {"after": after["value"]})).rows
        kept[key] = sorted(row[0] for row in rows)
    found: list[str] = kept[key]
    return found


async def _choices_for(datasette: Datasette, database: str, source: str | None) -> list[dict[str, str]] | None:
    """The values a parameter can take, each with its label (a table's title), or None if not known."""
    if source is None:
        return None
    key, kept = ("choices", database, source), _memo(datasette)
    if key not in kept:
        rows = (await datasette.get_database(database).execute(CHOICES[source])).rows
        kept[key] = [{"value": row[0], "label": _title(datasette, database, row[0])} for row in rows]
    found: list[dict[str, str]] = kept[key]
    return found


def _title(datasette: Datasette, database: str, table: str) -> str:
    """A table's title from the metadata, or its name."""
    title = (datasette.metadata("title", database=database, table=table, fallback=False) or "").strip()
    return title or table
