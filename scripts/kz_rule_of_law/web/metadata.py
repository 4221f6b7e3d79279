"""metadata.yml for Datasette 0.65, generated from the descriptor: titles, facets, home page, canned queries."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..database.load import database_name, label_column, searchable_columns, views
from ..package.descriptor import Table, tables
from .downloads import DICTIONARY, downloads_url, zip_name

FUNDING_CHART = "/-/funding"
SEARCH_TABLES = ("organizations", "people", "projects", "objectives", "events", "topics", "statements")
SEARCH_RANKED = 1000  # matches ranked per table by the search query
HOME_SOURCES = 10  # press releases listed on the home page, latest first


def facet_columns(table: Table, schema: dict[str, Table]) -> list[str]:
    """Columns holding a code: an enum, or a key of a code list (a table keyed by a code, not a slug)."""
    columns = []
    for field in table.fields:
        if table.primary_key == (field.name,):
            continue
        fk = next((fk for fk in table.foreign_keys if fk.fields == (field.name,)), None)
        is_code = fk is not None and not schema[fk.resource].foreign_keys and not any(
            key.endswith("_id") for key in schema[fk.resource].primary_key)
        if "enum" in field.constraints or is_code:
            columns.append(field.name)
    return columns


def render_metadata(descriptor: dict[str, Any], sources_rows: Iterable[Mapping[str, Any]]) -> bytes:
    """metadata.yml for Datasette 0.65, from the descriptor and the rows of sources.csv."""
    schema = tables(descriptor)
    name = database_name(descriptor)
    sources = list(sources_rows)
    license_ = descriptor["licenses"][0]
    table_metadata: dict[str, Any] = {}
    for table in schema.values():
        entry: dict[str, Any] = {"title": table.title, "description": table.description}
        label = label_column(table)
        if label:
            entry["label_column"] = label
        entry["sort"] = table.primary_key[0]
        facets = facet_columns(table, schema)
        if facets:
            entry["facets"] = facets
        entry["columns"] = {f.name: f.description for f in table.fields}
        table_metadata[table.name] = entry
    for view in views(schema):
        table_metadata[view.name] = {"title": view.title, "description": view.description,
                                     "columns": view.columns}
    for table in schema.values():
        if searchable_columns(table):
            table_metadata[f"{table.name}_fts"] = {"hidden": True}
    metadata = {
        "title": descriptor["title"],
        "description": descriptor["description"],
        "description_html": _home_html(descriptor, schema, sources),
        "license": license_["name"],
        "license_url": license_["path"],
        **_source(descriptor, name),
        "about": "Data dictionary",
        "about_url": downloads_url(DICTIONARY),
        "databases": {
            name: {
                "title": descriptor["title"],
                "description": descriptor["description"],
                "tables": table_metadata,
                "queries": canned_queries(schema),
            }
        },
    }
    return _yaml(metadata)


def _source(descriptor: dict[str, Any], name: str) -> dict[str, str]:
    """`source` and `source_url`: the archived text of the one source, or the sources table."""
    sources = descriptor.get("sources", [])
    if len(sources) == 1:
        return {"source": sources[0]["title"], "source_url": downloads_url(sources[0]["path"])}
    return {"source": f"{len(sources)} archived Kazakh press releases", "source_url": f"/{name}/sources"}


def _home_html(descriptor: dict[str, Any], schema: dict[str, Table], sources: list[Mapping[str, Any]]) -> str:
    """The home page's introduction: what the data is, where it comes from, where to get it."""
    name = database_name(descriptor)
    latest = sorted(sources, key=lambda s: (str(s["date"]), s["source_id"]), reverse=True)[:HOME_SOURCES]
    parts = [
        f"<p>{_text(descriptor['description'])}</p>",
        "<p>Where it comes from:</p>",
        "<ul>",
        *(f'<li><span lang="kk">{_text(s["title_kk"])}</span> ({_text(s["title_en"])}), '
          f'{_text(s["place_en"])}, {_text(str(s["date"]))}: '
          f'<a href="{_attr(downloads_url(s["path"]))}">archived text</a>, '
          f'<a href="/{name}/sources/{_attr(s["source_id"])}">record</a></li>'
          for s in latest),
        *([f'<li>the {len(latest)} latest of {len(sources):,} press releases: '
           f'<a href="/{name}/sources">every one</a></li>'] if len(sources) > len(latest) else []),
        "</ul>",
        "<p>Start with:</p>",
        "<ul>",
        *(f'<li><a href="/{name}/{q}">{_text(query["title"])}</a></li>'
          for q, query in canned_queries(schema).items()),
        f'<li><a href="{FUNDING_CHART}">Chart: EU funding per project</a></li>',
        "</ul>",
        "<p>Download:</p>",
        "<ul>",
        f'<li>the data package: <a href="{downloads_url(zip_name(descriptor))}">{zip_name(descriptor)}</a>'
        f' (<a href="{downloads_url("datapackage.json")}">datapackage.json</a> and every CSV)</li>',
        "<li>one table as CSV: " + ", ".join(
            f'<a href="{_attr(downloads_url(t.path))}">{_text(Path(t.path).name)}</a>'
            for t in schema.values()) + "</li>",
        f'<li>the SQLite database: <a href="/{name}.db">{name}.db</a></li>',
        f'<li>the data dictionary: <a href="{downloads_url(DICTIONARY)}">{DICTIONARY}</a></li>',
        "</ul>",
    ]
    return "\n".join(parts) + "\n"


def _text(value: str) -> str:
    """Text escaped for an HTML text node."""
    return html.escape(value, quote=False)


def _attr(value: str) -> str:
    """Text escaped for an HTML attribute value."""
    return html.escape(value, quote=True)


def canned_queries(schema: dict[str, Table]) -> dict[str, dict[str, Any]]:
    """The site's canned queries: the questions the data answers."""
    return {
        "eu_funding_per_project": {
            "title": "EU funding per project",
            "description": "Each project's total budget, the EU contribution, the co-financing and "
                           "their shares of the total, largest budget first.",
            "sql": _sql("""
                SELECT project_id, project_title_en, project_title_kk, currency,
                  total_budget, eu_contribution, cofinancing, eu_share_percent,
                  round(100.0 * cofinancing / total_budget, 2) AS cofinancing_share_percent
                FROM funding_per_project
                ORDER BY total_budget DESC, project_id
            """),
        },
        "organizations_and_roles": {
            "title": "Every organization and what it does",
            "description": "Each organization, by name, with its roles in projects (IATI role), at "
                           "events, in the press releases (publisher, credits) and the posts people "
                           "hold in it.",
            "sql": _sql("""
                SELECT o.organization_id, o.name_en, o.name_kk, o.abbreviation,
                  (SELECT group_concat(x, '; ') FROM (
                    SELECT p.title_en || ' (' || r.name || ')' AS x
                    FROM project_organizations AS po
                    JOIN projects AS p ON p.project_id = po.project_id
                    JOIN iati_organisation_roles AS r ON r.code = po.iati_role
                    WHERE po.organization_id = o.organization_id
                    ORDER BY p.title_en, r.name)) AS projects,
                  (SELECT group_concat(x, '; ') FROM (
                    SELECT e.title_en || ' (' || eo.role || ')' AS x
                    FROM event_organizations AS eo JOIN events AS e ON e.event_id = eo.event_id
                    WHERE eo.organization_id = o.organization_id
                    ORDER BY e.title_en, eo.role)) AS events,
                  (SELECT group_concat(x, '; ') FROM (
                    SELECT s.title_en || ' (publisher)' AS x FROM sources AS s
                    WHERE s.publisher_id = o.organization_id
                    UNION ALL
                    SELECT s.title_en || ' (' || replace(c.credit, '_', ' ') || ')'
                    FROM credits AS c JOIN sources AS s ON s.source_id = c.source_id
                    WHERE c.organization_id = o.organization_id
                    ORDER BY 1)) AS press_releases,
                  (SELECT group_concat(x, '; ') FROM (
                    SELECT ps.title_en || ' (held by ' || pe.name_en || ')' AS x
                    FROM positions AS ps JOIN people AS pe ON pe.person_id = ps.person_id
                    WHERE ps.organization_id = o.organization_id
                    ORDER BY ps.title_en)) AS positions
                FROM organizations AS o
                ORDER BY o.name_en, o.organization_id
            """),
        },
        "forum_at_a_glance": {
            "title": "The forum at a glance",
            "description": "Each event: date, place, participants (with the Kazakh wording of the "
                           "number), participating countries, topics in the order stated, partners, "
                           "funders and the projects behind it.",
            "sql": _sql("""
                SELECT e.event_id, e.title_en, e.title_kk, e.date, e.city_en, e.city_kk,
                  c.name_en AS country,
                  CASE
                    WHEN e.participants IS NULL THEN NULL
                    WHEN coalesce(e.participants_qualifier, 'exact') = 'exact'
                      THEN CAST(e.participants AS TEXT)
                    ELSE replace(e.participants_qualifier, '_', ' ') || ' ' || e.participants
                  END AS participants,
                  (SELECT q.text_kk FROM quotes AS q
                    WHERE q.quote_id = 'events/' || e.event_id || '/participants') AS participants_kk,
                  (SELECT group_concat(name_en, '; ') FROM (
                    SELECT k.name_en FROM event_countries AS ec
                    JOIN countries AS k ON k.country = ec.country
                    WHERE ec.event_id = e.event_id ORDER BY k.name_en)) AS countries,
                  (SELECT group_concat(title_en, '; ') FROM (
                    SELECT title_en FROM topics WHERE event_id = e.event_id
                    ORDER BY position)) AS topics_en,
                  (SELECT group_concat(title_kk, '; ') FROM (
                    SELECT title_kk FROM topics WHERE event_id = e.event_id
                    ORDER BY position)) AS topics_kk,
                  (SELECT group_concat(o.name_en, '; ') FROM event_organizations AS eo
                    JOIN organizations AS o ON o.organization_id = eo.organization_id
                    WHERE eo.event_id = e.event_id AND eo.role = 'partner') AS partners,
                  (SELECT group_concat(o.name_en, '; ') FROM event_organizations AS eo
                    JOIN organizations AS o ON o.organization_id = eo.organization_id
                    WHERE eo.event_id = e.event_id AND eo.role = 'funder') AS funders,
                  (SELECT group_concat(title_en, '; ') FROM (
                    SELECT p.title_en FROM event_projects AS ep
                    JOIN projects AS p ON p.project_id = ep.project_id
                    WHERE ep.event_id = e.event_id ORDER BY p.title_en)) AS projects
                FROM events AS e
                LEFT JOIN countries AS c ON c.country = e.country
                ORDER BY e.date, e.event_id
            """),
        },
        "search": {
            "title": "Search organizations, people, projects, events and statements",
            "description": "Type a word in Kazakh or English. Each word matches the beginnings of "
                           "words, so азаптау finds азаптауға and азаптаулардың.",
            "sql": search_sql(schema),
            "hide_sql": True,
        },
        "facts_with_sources": {
            "title": "Every published fact with its Kazakh quote",
            "description": "Every value taken from a press release: where it is published "
                           "(table, record, field), the exact Kazakh quote, its English rendering "
                           "and the press release. Give a table name to see only its facts.",
            "sql": _sql("""
                SELECT table_name, record_id, field, text_kk AS quote_kk, text_en AS quote_en,
                  source_title_kk, source_title_en, char_start, char_end
                FROM facts_with_quotes
                -- quote ids are table/record/field: a table's run from 'table/' to 'table0'
                -- ('0' follows '/'); no table given: every id ('{' follows every table name)
                WHERE quote_id >= :table AND quote_id < iif(:table = '', '{', :table || '0')
                ORDER BY quote_id
            """),
        },
        "who_said_what": {
            "title": "Who said what",
            "description": "Every quoted statement with its speaker, the speaker's position and "
                           "where it was said, in Kazakh as quoted and in English.",
            "sql": _sql("""
                SELECT pe.name_en AS speaker, pe.name_kk AS speaker_kk,
                  ps.title_en AS position, s.setting_en, e.title_en AS event,
                  s.text_kk, s.text_en
                FROM statements AS s
                JOIN people AS pe ON pe.person_id = s.person_id
                LEFT JOIN positions AS ps ON ps.position_id = s.position_id
                LEFT JOIN events AS e ON e.event_id = s.event_id
                ORDER BY s.statement_id
            """),
        },
    }


def search_sql(schema: dict[str, Table]) -> str:
    """One full-text search over the Kazakh and English names, titles and texts of SEARCH_TABLES;
    the first SEARCH_RANKED matches of each table are ranked (ranking every prefix match of a common
    word stem among millions of rows would take longer than the page may)."""
    selects = []
    for order, name in enumerate(SEARCH_TABLES, start=1):
        table = schema[name]
        columns = searchable_columns(table)
        kk = next(c for c in columns if c.endswith("_kk"))
        en = next(c for c in columns if c.endswith("_en"))
        selects.append(
            f"  SELECT {order} AS kind_order, '{name}' AS kind, t.[{table.primary_key[0]}] AS id,\n"
            f"    t.[{kk}] AS text_kk, t.[{en}] AS text_en, f.rank\n"
            f"  FROM (SELECT rowid, rank FROM [{name}_fts] WHERE [{name}_fts] MATCH escape_fts(:q)\n"
            f"    LIMIT {SEARCH_RANKED}) AS f\n"
            f"  JOIN [{name}] AS t ON t.rowid = f.rowid\n"
        )
    return ("SELECT kind, id, text_kk, text_en FROM (\n" + "  UNION ALL\n".join(selects)
            + ")\nORDER BY kind_order, rank, id\n")


def _sql(text: str) -> str:
    """SQL written indented in this file, dedented, with one trailing newline."""
    return textwrap.dedent(text).strip() + "\n"


class _Dumper(yaml.SafeDumper):
    """A YAML dumper writing multi-line strings as literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Represent a string, as a literal block if it spans lines."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def _yaml(data: dict[str, Any]) -> bytes:
    """Deterministic YAML: keys in insertion order, UTF-8 text kept as is."""
    header = "# Generated from datapackage.json by scripts/kz_rule_of_law/web/metadata.py (render_metadata). Do not edit.\n"
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return (header + body).encode("utf-8")
