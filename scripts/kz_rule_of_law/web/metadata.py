"""metadata.yml for Datasette 0.65, generated from the descriptor: titles, facets, home page, canned queries."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import yaml

from ..database.load import database_name, label_column, searchable_columns, views
from ..package.descriptor import TRANSLATED, Table, tables
from .downloads import DICTIONARY, downloads_url, zip_name
from .i18n import DEFAULT, LANGUAGES, date, number, translator

FUNDING_CHART = "/-/funding"
SEARCH_LANGUAGES = ("kk", "en", "ru")  # the languages of the columns search shows, as their names end
SHOWN_FIRST = ("name", "title", "text")  # what a search result shows of its row, first found first
# The columns that name a row, which a search can be exactly (ranked first): names, titles,
# abbreviations, places; not long texts.
NAMING = re.compile(r"(name|title|abbreviation|abbr|city|place)(_\w+)?")
SEARCH_RANKED = 1000  # matches ranked per table by the search query
HOME_SOURCES = 10  # press releases listed on the home page, latest first
QUERIES = Path(__file__).parent / "queries"
RECORD_CLAIMS = "releases_behind_a_record"  # the canned query listing one record's claims


def facet_columns(table: Table, schema: dict[str, Table]) -> list[str]:
    """Columns holding a code: an enum, or a key of a code list (a table keyed by a code, not a slug)."""
    columns = []
    for field in table.fields:
        if table.primary_key == (field.name,):
            continue
        fk = next((fk for fk in table.foreign_keys if fk.fields == (field.name,)), None)
        is_code = (
            fk is not None
            and not schema[fk.resource].foreign_keys
            and not any(key.endswith("_id") for key in schema[fk.resource].primary_key)
        )
        if "enum" in field.constraints or is_code:
            columns.append(field.name)
    return columns


def render_metadata(descriptor: dict[str, Any], sources_rows: Iterable[Mapping[str, Any]]) -> bytes:
    """metadata.yml for Datasette 0.65, from the descriptor and the rows of sources.csv."""
    schema = tables(descriptor)
    name = database_name(descriptor)
    sources = list(sources_rows)
    license_ = descriptor["licenses"][0]
    resources = {r["name"]: r for r in descriptor["resources"]}
    table_metadata: dict[str, Any] = {
        table.name: _table_entry(table, schema, resources[table.name], name) for table in schema.values()
    }
    for view in views(schema):
        table_metadata[view.name] = {"title": view.title, "description": view.description, "columns": view.columns}
    for table in schema.values():
        if searchable_columns(table):
            table_metadata[f"{table.name}_fts"] = {"hidden": True}
    metadata = {
        "title": descriptor["title"],
        "description": descriptor["description"],
        "description_html": _home_html(descriptor, schema, sources, DEFAULT),
        **_translations(descriptor),
        "descriptions_html": {language: _home_html(descriptor, schema, sources, language) for language in TRANSLATED},
        "license": license_["name"],
        "license_url": license_["path"],
        **_source(descriptor, name),
        "about": "Data dictionary",
        "about_url": downloads_url(DICTIONARY),
        "databases": {
            name: {
                "title": descriptor["title"],
                "description": descriptor["description"],
                **_translations(descriptor),  # (copies: YAML writes no anchors)
                "tables": table_metadata,
                "queries": canned_queries(schema),
            }
        },
    }
    return _yaml(metadata)


def _translations(descriptor: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The descriptor's Kazakh and Russian `titles` and `descriptions` of the package (none if it has none)."""
    return {key: dict(descriptor[key]) for key in ("titles", "descriptions") if descriptor.get(key)}


def _source(descriptor: dict[str, Any], name: str) -> dict[str, str]:
    """`source` and `source_url`: the archived text of the one source, or the sources table."""
    sources = descriptor.get("sources", [])
    if len(sources) == 1:
        return {"source": sources[0]["title"], "source_url": downloads_url(sources[0]["path"])}
    return {"source": f"{len(sources)} archived Kazakh press releases", "source_url": f"/{name}/sources"}


def _table_entry(table: Table, schema: dict[str, Table], resource: dict[str, Any], name: str) -> dict[str, Any]:
    """A table's metadata: title, description, where its rows come from, label, sort, facets, columns."""
    entry: dict[str, Any] = {"title": table.title, "description": table.description, **_table_source(resource, name)}
    entry.update({"titles": table.titles, "descriptions": table.descriptions} if table.titles else {})
    if resource.get("sources") and table.name not in ("sources", "quotes"):
        entry["description_html"] = _claims_html(table, name, DEFAULT)
        entry["descriptions_html"] = {language: _claims_html(table, name, language) for language in TRANSLATED}
    label = label_column(table)
    if label:
        entry["label_column"] = label
    entry["sort"] = table.primary_key[0]
    facets = facet_columns(table, schema)
    if facets:
        entry["facets"] = facets
    return {**entry, **_column_entries(table)}


def _column_entries(table: Table) -> dict[str, Any]:
    """What a table's metadata says of its columns: descriptions, and for the site's pages each one's
    title in every language, the language of its values and how its values are written."""
    return {
        "columns": {f.name: f.description for f in table.fields},
        "column_titles": {language: {f.name: f.title_in(language) for f in table.fields} for language in LANGUAGES},
        "column_languages": {f.name: f.language for f in table.fields if f.language},
        "column_formats": column_formats(table),
    }


def column_formats(table: Table) -> dict[str, str]:
    """The columns whose values pages write for their language: amounts and counts (`number`; not keys,
    codes or years) and dates (`date`)."""
    keys = {name for fk in table.foreign_keys for name in fk.fields} | set(table.primary_key)
    formats = {}
    for field in table.fields:
        if field.name in keys:
            continue
        if field.type in ("integer", "number"):
            formats[field.name] = "number"
        elif field.type == "date":
            formats[field.name] = "date"
    return formats


def _claims_html(table: Table, name: str, language: str) -> str:
    """A table's description, and where its rows' press releases are listed (on its row pages too), in `language`."""
    _ = translator(language)
    link = html.escape(f"/{name}/{RECORD_CLAIMS}?table={table.name}", quote=True)
    return (
        f"<p>{html.escape(table.description_in(language), quote=False)}</p>\n<p>"
        + html.escape(_("The press releases behind a row's values, with their quotes:"), quote=False)
        + f' <a href="{link}">'
        + html.escape(_("the press releases behind a record"), quote=False)
        + "</a> "
        + html.escape(_("(give the row's id)."), quote=False)
        + "</p>"
    )


def _table_source(resource: dict[str, Any], name: str) -> dict[str, str]:
    """A table's `source` and `source_url`: the releases its rows come from (the resource's
    `sources`, which the build writes): one release's archived text, or the sources table
    filtered to them. Nothing for a table of reference data."""
    sources = resource.get("sources", [])
    paths = [s["path"] for s in sources if s.get("path", "").startswith("archive/")]
    if len(sources) == 1 and len(paths) == 1:
        return {"source": sources[0]["title"], "source_url": downloads_url(paths[0])}
    if len(sources) == 1:
        return {"source": sources[0]["title"], "source_url": f"/{name}/sources"}
    if sources:
        ids = ",".join(Path(p).stem for p in paths)
        return {"source": f"{len(sources)} press releases", "source_url": f"/{name}/sources?source_id__in={ids}"}
    return {}


def _home_html(
    descriptor: dict[str, Any], schema: dict[str, Table], sources: list[Mapping[str, Any]], language: str
) -> str:
    """The home page's introduction (home.html) in `language`: what the data is, where it comes from,
    where to get it."""
    latest = sorted(sources, key=lambda s: (str(s["date"]), s["source_id"]), reverse=True)[:HOME_SOURCES]
    return (
        _templates()
        .get_template("home.html")
        .render(
            description=descriptor.get("descriptions", {}).get(language, descriptor["description"]),
            language=language,
            _=translator(language),
            number=functools.partial(number, language),
            date=functools.partial(date, language),
            name=database_name(descriptor),
            latest=latest,
            total=len(sources),
            queries=canned_queries(schema),
            funding_chart=FUNDING_CHART,
            zip=zip_name(descriptor),
            dictionary=DICTIONARY,
            downloads_url=downloads_url,
            tables=[{"path": t.path, "file": Path(t.path).name} for t in schema.values()],
        )
    )


def canned_queries(schema: dict[str, Table]) -> dict[str, dict[str, Any]]:
    """The site's canned queries, the questions the data answers: queries/queries.yml, each with the
    SQL of queries/<name>.sql (or of the template <name>.sql.j2, rendered for this descriptor)."""
    listed = yaml.safe_load((QUERIES / "queries.yml").read_text(encoding="utf-8"))
    queries = {}
    for name, options in listed.items():
        sql_file = QUERIES / f"{name}.sql"
        if sql_file.is_file():
            sql = sql_file.read_text(encoding="utf-8")
        else:
            sql = _templates().get_template(f"{QUERIES.name}/{name}.sql.j2").render(**_query_context(schema))
        queries[name] = {
            "title": options["title"],
            "description": options["description"],
            "sql": sql,
            **{key: value for key, value in options.items() if key not in ("title", "description")},
        }
    return queries


def _query_context(schema: dict[str, Table]) -> dict[str, Any]:
    """What the query templates are rendered with: every table full-text search covers (with a
    one-column key), the records people look for first and code lists last, each with its key, its
    searchable columns that name a row (`named`) and the column shown for each language; and how
    many matches of each are ranked."""
    searched = []
    for table in sorted(schema.values(), key=lambda t: not t.primary_key[0].endswith("_id")):
        columns = searchable_columns(table)
        if not columns or len(table.primary_key) != 1:
            continue
        shown = {language: _shown_column(columns, language) for language in SEARCH_LANGUAGES}
        named = [c for c in columns if NAMING.fullmatch(c)]
        searched.append({"name": table.name, "key": table.primary_key[0], "named": named, "shown": shown})
    return {"tables": searched, "ranked": SEARCH_RANKED, "languages": SEARCH_LANGUAGES}


def _shown_column(columns: list[str], language: str) -> str | None:
    """The column a search result shows in a language: its name, title or text first (a column
    without a language counts as English)."""
    written = [c for c in columns if c.endswith(f"_{language}") or (language == "en" and "_" not in c)]
    return min(
        written,
        key=lambda c: next((i for i, s in enumerate(SHOWN_FIRST) if c.startswith(s)), len(SHOWN_FIRST)),
        default=None,
    )


@functools.cache
def _templates() -> jinja2.Environment:
    """The Jinja templates beside this module: HTML escaped, SQL as written."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["text"] = lambda value: markupsafe.Markup(html.escape(str(value), quote=False))
    environment.filters["attr"] = lambda value: markupsafe.Markup(html.escape(str(value), quote=True))
    return environment


class _Dumper(yaml.SafeDumper):
    """A YAML dumper writing multi-line strings as literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Represent a string, as a literal block if it spans lines."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def _yaml(data: dict[str, Any]) -> bytes:
    """Deterministic YAML: keys in insertion order, UTF-8 text kept as is."""
    header = (
        "# Generated from datapackage.json by scripts/kz_rule_of_law/web/metadata.py (render_metadata),\n"
        "# with the queries of web/queries/ and the home page of web/home.html. Do not edit.\n"
    )
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return (header + body).encode("utf-8")
