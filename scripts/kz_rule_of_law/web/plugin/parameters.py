"""Canned query pages offer their parameters as labelled inputs, with the values they can take as
choices where the database knows them (queries.yml `parameters`), and say so when a value is none
of them instead of answering with no rows."""

from __future__ import annotations

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

# The database is immutable: each choice list is read once per database.
_choices: dict[tuple[str, str], list[dict[str, str]]] = {}


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
        found = []
        for parameter, options in query["parameters"].items():
            value = request.args.get(parameter) or ""
            choices = await _choices_for(datasette, database, options.get("choices"))
            found.append(
                {
                    "name": parameter,
                    "label": options.get("label", parameter),
                    "hint": options.get("hint", ""),
                    "value": value,
                    "choices": choices,
                    "unknown": bool(value) and choices is not None and value not in {c["value"] for c in choices},
                }
            )
        return {"kz_parameters": found}

    return parameters


async def _choices_for(datasette: Datasette, database: str, source: str | None) -> list[dict[str, str]] | None:
    """The values a parameter can take, each with its label (a table's title), or None if not known."""
    if source is None:
        return None
    key = (database, source)
    if key not in _choices:
        rows = (await datasette.get_database(database).execute(CHOICES[source])).rows
        _choices[key] = [{"value": row[0], "label": _title(datasette, database, row[0])} for row in rows]
    return _choices[key]


def _title(datasette: Datasette, database: str, table: str) -> str:
    """A table's title from the metadata, or its name."""
    title = (datasette.metadata("title", database=database, table=table, fallback=False) or "").strip()
    return title or table
