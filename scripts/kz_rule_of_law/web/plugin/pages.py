"""Row pages of projects, organizations and events that read as pages (`kz_page`, shown by the
templates row-<database>-<table>.html): the record in its languages, its amounts and counts
formatted (web/formatting.py), each value a release states linked to its quote (`quotes`: the
quote pages of each field), and what it is linked to: roles, objectives, events, topics,
statements. Each list reads at most LIST_LIMIT rows; a longer one says so and links its table."""

from __future__ import annotations

import urllib.parse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette.utils import tilde_encode, urlsafe_components

from .. import formatting
from . import language, quote_links

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

LIST_LIMIT = 100

# Each page's lists: name -> (SQL for the record :id, the table a longer list is filtered in, its column).
LISTS: dict[str, dict[str, tuple[str, str, str]]] = {
    "projects": {
        "budget": ("SELECT * FROM budgets WHERE project_id = :id", "budgets", "project_id"),
        "objectives": (
            "SELECT objective_id, text_kk, text_en FROM objectives WHERE project_id = :id ORDER BY position",
            "objectives",
            "project_id",
        ),
        "organizations": (
            """SELECT o.organization_id, o.name_kk, o.name_en, o.abbreviation, r.name AS role
            FROM project_organizations AS po JOIN organizations AS o ON o.organization_id = po.organization_id
            LEFT JOIN iati_organisation_roles AS r ON r.code = po.iati_role
            WHERE po.project_id = :id ORDER BY po.iati_role, o.name_en""",
            "project_organizations",
            "project_id",
        ),
        "events": (
            """SELECT e.event_id, e.title_kk, e.title_en, e.date, ep.relation
            FROM event_projects AS ep JOIN events AS e ON e.event_id = ep.event_id
            WHERE ep.project_id = :id ORDER BY e.date, e.event_id""",
            "event_projects",
            "project_id",
        ),
    },
    "organizations": {
        "projects": (
            """SELECT p.project_id, p.title_kk, p.title_en, r.name AS role
            FROM project_organizations AS po JOIN projects AS p ON p.project_id = po.project_id
            LEFT JOIN iati_organisation_roles AS r ON r.code = po.iati_role
            WHERE po.organization_id = :id ORDER BY p.title_en, po.iati_role""",
            "project_organizations",
            "organization_id",
        ),
        "events": (
            """SELECT e.event_id, e.title_kk, e.title_en, e.date, eo.role
            FROM event_organizations AS eo JOIN events AS e ON e.event_id = eo.event_id
            WHERE eo.organization_id = :id ORDER BY e.date, e.event_id""",
            "event_organizations",
            "organization_id",
        ),
        "positions": (
            """SELECT ps.position_id, ps.title_kk, ps.title_en, pe.person_id, pe.name_kk, pe.name_en
            FROM positions AS ps JOIN people AS pe ON pe.person_id = ps.person_id
            WHERE ps.organization_id = :id ORDER BY ps.title_en""",
            "positions",
            "organization_id",
        ),
        "published": (
            "SELECT source_id, title_kk, title_en, date FROM sources WHERE publisher_id = :id ORDER BY date, source_id",
            "sources",
            "publisher_id",
        ),
        "credits": (
            """SELECT s.source_id, s.title_kk, s.title_en, s.date, c.credit
            FROM credits AS c JOIN sources AS s ON s.source_id = c.source_id
            WHERE c.organization_id = :id ORDER BY s.date, s.source_id""",
            "credits",
            "organization_id",
        ),
        "programmes": (
            """SELECT programme_id, title_kk, title_en, amount, currency, amount_qualifier
            FROM funding_programmes WHERE funder_id = :id ORDER BY programme_id""",
            "funding_programmes",
            "funder_id",
        ),
        "parts": (
            "SELECT organization_id, name_kk, name_en FROM organizations WHERE parent_id = :id ORDER BY name_en",
            "organizations",
            "parent_id",
        ),
    },
    "events": {
        "groups": (
            "SELECT group_id, name_kk, name_en FROM participant_groups WHERE event_id = :id ORDER BY position",
            "participant_groups",
            "event_id",
        ),
        "countries": (
            """SELECT k.country, k.name_kk, k.name_en FROM event_countries AS ec
            JOIN countries AS k ON k.country = ec.country WHERE ec.event_id = :id ORDER BY k.name_en""",
            "event_countries",
            "event_id",
        ),
        "topics": (
            "SELECT topic_id, title_kk, title_en FROM topics WHERE event_id = :id ORDER BY position",
            "topics",
            "event_id",
        ),
        "organizations": (
            """SELECT o.organization_id, o.name_kk, o.name_en, o.abbreviation, eo.role
            FROM event_organizations AS eo JOIN organizations AS o ON o.organization_id = eo.organization_id
            WHERE eo.event_id = :id ORDER BY eo.role, o.name_en""",
            "event_organizations",
            "event_id",
        ),
        "projects": (
            """SELECT p.project_id, p.title_kk, p.title_en, ep.relation
            FROM event_projects AS ep JOIN projects AS p ON p.project_id = ep.project_id
            WHERE ep.event_id = :id ORDER BY p.title_en""",
            "event_projects",
            "event_id",
        ),
        "statements": (
            """SELECT s.statement_id, s.text_kk, s.text_en, s.setting_kk, s.setting_en, pe.person_id,
              pe.name_kk AS speaker_kk, pe.name_en AS speaker_en, ps.title_en AS position_en
            FROM statements AS s LEFT JOIN people AS pe ON pe.person_id = s.person_id
            LEFT JOIN positions AS ps ON ps.position_id = s.position_id
            WHERE s.event_id = :id ORDER BY s.statement_id""",
            "statements",
            "event_id",
        ),
        "outcomes": (
            "SELECT outcome_id, kind, count, count_qualifier, about_kk, about_en FROM outcomes WHERE event_id = :id",
            "outcomes",
            "event_id",
        ),
    },
}

# What the record's own row is read with: its code lists' names in every language.
RECORDS = {
    "projects": """SELECT p.*, c.name_kk AS country_kk, c.name_en AS country_en FROM projects AS p
        LEFT JOIN countries AS c ON c.country = p.country WHERE p.project_id = :id""",
    "organizations": """SELECT o.*, f.name_kk AS legal_form_kk, f.name_ru AS legal_form_ru,
          f.abbr_ru AS legal_form_abbr_ru, f.name_en AS legal_form_en, t.name AS iati_type_name,
          c.name_kk AS country_kk, c.name_en AS country_en,
          parent.name_kk AS parent_kk, parent.name_en AS parent_en
        FROM organizations AS o LEFT JOIN legal_forms AS f ON f.code = o.legal_form
        LEFT JOIN iati_organisation_types AS t ON t.code = o.iati_type
        LEFT JOIN countries AS c ON c.country = o.country
        LEFT JOIN organizations AS parent ON parent.organization_id = o.parent_id
        WHERE o.organization_id = :id""",
    "events": """SELECT e.*, c.name_kk AS country_kk, c.name_en AS country_en FROM events AS e
        LEFT JOIN countries AS c ON c.country = e.country WHERE e.event_id = :id""",
}


# The numbers of each kind of row the pages show, and how each reads.
NUMBERS = {
    "budget": (
        ("total_budget", "amount"),
        ("eu_contribution", "amount"),
        ("cofinancing", "amount"),
        ("eu_share_percent", "share"),
    ),
    "events": (("participants", "count"),),
    "programmes": (("amount", "amount"),),
    "outcomes": (("count", "count"),),
}


def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Datasette
) -> Callable[[], Awaitable[dict[str, Any]]] | None:
    """On the row page of a project, organization or event, `kz_page`: the record and its lists."""
    if view_name != "row" or not database or table not in RECORDS or request is None:
        return None
    assert table is not None

    async def page() -> dict[str, Any]:
        db = datasette.get_database(database)
        (record_id,) = urlsafe_components(request.url_vars["pks"])
        found = (await db.execute(RECORDS[table], {"id": record_id})).first()
        if found is None:
            return {}
        lang = language.language_of(request)
        record = formatted(table, dict(found), lang)
        lists = {}
        for name, (sql, listed, column) in LISTS[table].items():
            rows = (await db.execute(f"{sql} LIMIT {LIST_LIMIT + 1}", {"id": record_id})).rows
            lists[name] = {
                "rows": [formatted(name, dict(row), lang) for row in rows[:LIST_LIMIT]],
                "more": more(datasette, database, listed, column, record_id) if len(rows) > LIST_LIMIT else None,
            }
        cited = {table: await quoted(datasette, database, table, record_id)}
        if lists.get("budget", {}).get("rows"):
            cited["budgets"] = await quoted(datasette, database, "budgets", record_id)
        return {"kz_page": {"record": record, "lists": lists, "url": url, "quotes": cited}}

    def url(linked: str, key: object) -> str:
        """The row page of `key` in the table `linked`."""
        return str(datasette.urls.row(database, linked, tilde_encode(str(key))))

    return page


async def quoted(datasette: Datasette, database: str, table: str, record_id: str) -> dict[str, list[str]]:
    """Each field of a record that a release states, with the pages of its quotes (one per release)."""
    db = datasette.get_database(database)
    if "quotes" not in await db.table_names():
        return {}
    rows = await db.execute(quote_links.RECORD_CLAIMS_SQL, {"table": table, "record": record_id})
    found: dict[str, list[str]] = {}
    for row in rows.rows:
        found.setdefault(row["field"], []).append(quote_links.quote_url(datasette, row["quote_id"]))
    return found


def more(datasette: Datasette, database: str, table: str, column: str, value: str) -> str:
    """The table page listing every row of a list longer than the page shows."""
    return str(datasette.urls.table(database, table)) + "?" + urllib.parse.urlencode({column: value})


def formatted(kind: str, row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A row with its numbers as text for the page (`<column>_text`): amounts, counts and shares,
    each with the qualifier the source states (`derived_qualifier` for what is computed)."""
    derived = row.get("derived_qualifier")
    for column, how in NUMBERS.get(kind, ()):
        if row.get(column) is None:
            continue
        qualifier = row.get(f"{column}_qualifier") or derived
        if how == "amount":
            row[f"{column}_text"] = formatting.amount(row[column], row.get("currency"), qualifier, lang)
        elif how == "share":
            row[f"{column}_text"] = formatting.share(row[column], qualifier, lang)
        else:
            row[f"{column}_text"] = formatting.quantity(row[column], qualifier, lang)
    return row
