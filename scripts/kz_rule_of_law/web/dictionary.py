"""The data dictionary in Markdown, generated from the descriptor."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markdown_it import MarkdownIt

from ..database.load import searchable_columns, views
from ..package.cells import SQLITE_TYPES
from ..package.descriptor import TRANSLATED, Table, tables


def render_dictionary(descriptor: dict[str, Any]) -> bytes:
    """A Markdown data dictionary: every table, field, type, constraint and key, and the views."""
    schema = tables(descriptor)
    lines = [
        f"# Data dictionary: {descriptor['title']}",
        "",
        "Generated from `datapackage.json` by `scripts/kz_rule_of_law/web/dictionary.py` (`render_dictionary`). "
        "Do not edit.",
        "",
        descriptor["description"],
        "",
        f"License: {descriptor['licenses'][0]['name']} ({descriptor['licenses'][0]['path']}). "
        f"Version {descriptor.get('version', '')}.",
        "",
        "In the SQLite database the site serves, string and date columns are TEXT (dates in ISO 8601), "
        "integer, year and boolean columns INTEGER (booleans 0/1), a number column is INTEGER when "
        "every value is whole and REAL otherwise, and empty cells are NULL.",
        "",
        "One grammar reads every cell, in the CSVs and in the facts files "
        "(`scripts/kz_rule_of_law/package/cells.py`): an integer is an optional sign and ASCII digits "
        "(within SQLite's 64 bits; '+5' is 5); a number adds a decimal point and an exponent (at most 15 "
        "significant digits, never NaN or an infinity); a year is four digits, 1000 to 9999 ('27' is "
        "refused); a date YYYY-MM-DD; a boolean true or false (also True, TRUE, 1; False, FALSE, 0). "
        "Validation and the load refuse other forms that Python or frictionless would read, such as "
        "' 3', '1_000' or '٣'; in a facts file, whitespace around a value is trimmed first.",
        "",
        "Titles and descriptions are given in English, Kazakh (kk) and Russian (ru), as the site shows them "
        "in each language; a column whose text is in one language says which (its values are marked so on "
        "the site's pages).",
        "",
        "## Tables",
        "",
        "| table | title | title (kk) | title (ru) | file | primary key |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| [{t.name}](#{t.name}) | {_cell(t.title)} | {_cell(t.title_in('kk'))} | {_cell(t.title_in('ru'))} "
            f"| `{t.path}` | {_code(t.primary_key)} |"
            for t in schema.values()
        ),
        "",
    ]
    for table in schema.values():
        lines += _table_lines(table)
    lines += ["## Views (SQLite)", ""]
    for view in views(schema):
        lines += [
            f"### {view.name}",
            "",
            f"**{view.title}.** {view.description}",
            "",
            "| column | description |",
            "| --- | --- |",
            *(f"| `{c}` | {_cell(d)} |" for c, d in view.columns.items()),
            "",
        ]
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def _table_lines(table: Table) -> list[str]:
    """One table's section: its titles and descriptions, file, keys, search, and a row per field."""
    lines = [f"## {table.name}", "", f"**{_cell(table.title)}.** {table.description}", ""]
    for lang in TRANSLATED if table.titles else ():
        lines += [f"**{_cell(table.title_in(lang))}.** {table.description_in(lang)}", ""]
    lines += [f"- File: `{table.path}`", f"- Primary key: {_code(table.primary_key)}"]
    lines += [
        f"- Foreign key: {_code(fk.fields)} → [{fk.resource}](#{fk.resource}) {_code(fk.reference_fields)}"
        for fk in table.foreign_keys
    ]
    searchable = searchable_columns(table)
    if searchable:
        lines.append(f"- Full-text search (SQLite): {_code(searchable)}")
    lines += [
        "",
        "| field | title | title (kk) | title (ru) | type | SQLite | language | required | constraints | description |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in table.fields:
        lines.append(
            f"| `{f.name}` | {_cell(f.title)} | {f.type} | {_sqlite_type_name(f.type)} | "
            f"{'yes' if f.required else ''} | {_constraints(f.constraints)} | {_cell(f.description)} | "
            f"{_cell(f.title_in('kk'))} | {_cell(f.title_in('ru'))} | {f.language or ''} |"
        )
    return [*lines, ""]


def _sqlite_type_name(field_type: str) -> str:
    """The SQLite type a descriptor type becomes, or the types a number column may get."""
    return " or ".join(SQLITE_TYPES.get(field_type, ()))


def _constraints(constraints: Mapping[str, Any]) -> str:
    """The constraints other than `required`, as Markdown."""
    parts = []
    for key, value in constraints.items():
        if key == "required":
            continue
        if key == "enum":
            parts.append("one of " + ", ".join(f"`{v}`" for v in value))
        elif key == "pattern":
            parts.append(f"pattern `{_cell(value)}`")
        elif key == "unique":
            parts.append("unique" if value else "")
        else:
            parts.append(f"{key} {value}")
    return "; ".join(p for p in parts if p)


def _code(names: Iterable[str]) -> str:
    """Column names as inline code, comma-separated."""
    return ", ".join(f"`{n}`" for n in names)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def dictionary_html(markdown: str) -> str:
    """The data dictionary's Markdown as an HTML fragment: tables, links and code; raw HTML in the
    text escaped; every heading anchored by its text (`## budgets` is `#budgets`), as its links expect."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(markdown)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and i + 1 < len(tokens):
            token.attrSet("id", heading_anchor(tokens[i + 1].content))
    html: str = parser.renderer.render(tokens, parser.options, {})
    return html


def heading_anchor(text: str) -> str:
    """The anchor of a heading: lowercased, spaces as hyphens, only letters, digits, `-` and `_` kept."""
    words = "-".join(text.strip().lower().split())
    return "".join(c for c in words if c.isalnum() or c in "-_")
