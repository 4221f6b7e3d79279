"""The language of a page: `kz_lang` names it, `_` translates the interface's strings into it, and
Babel formats its numbers and dates.

The interface's strings are written in English in the templates and the code (`_("Next page")`);
their Kazakh and Russian translations are the catalogs web/i18n/kk.yml and ru.yml, English string
to translation. A string a catalog lacks is shown in English (a test requires every one)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from markupsafe import Markup, escape

from .. import formatting
from ..i18n import DEFAULT, LANGUAGES, catalog, date, number, translator

# English pages keep the site's unprefixed URLs, the others are under /kk/ and /ru/ (localize.py).
NAMES = {"en": "English", "kk": "Қазақша", "ru": "Русский"}
# Where the middleware puts the language of a request in its ASGI scope.
SCOPE_KEY = "kz_lang"
# The language of the request being answered, for the steps Datasette 0.65 calls without the
# request (render_cell): set by the language middleware for the request's task and what it awaits.
CURRENT: ContextVar[str] = ContextVar("kz_lang", default=DEFAULT)
# Datasette's names of its filters, which the table page's filter menus show (`_(display)`).
FILTER_NAMES = (
    "=",
    "!=",
    "contains",
    "ends with",
    "starts with",
    "like",
    "not like",
    "glob",
    "in",
    "not in",
    "array contains",
    "array does not contain",
    "date",
    "is null",
    "is not null",
    "is blank",
    "is not blank",
)
# The messages of the error pages people meet, Datasette's and the site's (error.html: `_(error)`).
ERROR_MESSAGES = (
    "Not found",
    "Database not found",
    "Table not found",
    "Record not found",
    "Row not found (too few primary key values)",
    "Internal server error",
)


def current() -> str:
    """The language of the request being answered (the default outside a request)."""
    return CURRENT.get()


def language_of(request: Any) -> str:
    """The language a request asks for: the one of its URL's prefix, else the default."""
    scope = getattr(request, "scope", None) or {}
    language = scope.get(SCOPE_KEY, DEFAULT)
    return language if language in LANGUAGES else DEFAULT


def gettext(language: str, text: str) -> str:
    """One interface string in `language`."""
    return catalog(language).get(text, text)


def url_in(language: str, path: str) -> str:
    """The URL of the page at `path` (unprefixed, with its query string) in `language`."""
    return path if language == DEFAULT else f"/{language}{path}"


def switch(request: Any, language: str) -> list[dict[str, Any]]:
    """The language switch of a page: the same page in each language, this one marked current."""
    if request is None:
        return []
    path = request.path + (f"?{request.query_string}" if request.query_string else "")
    return [
        {"code": code, "name": NAMES[code], "href": url_in(code, path), "current": code == language}
        for code in LANGUAGES
    ]


def rows(language: str, count: int) -> str:
    """`count` rows, in `language`."""
    _ = translator(language)
    return _("1 row") if count == 1 else _("{count} rows").format(count=number(language, count))


def title(language: str, metadata: Mapping[str, Any] | None, fallback: str) -> str:
    """The title a page's metadata (the site's, a database's, a table's) gives in `language`."""
    metadata = metadata or {}
    return str((metadata.get("titles") or {}).get(language) or metadata.get("title") or fallback)


def description_html(language: str, metadata: Mapping[str, Any] | None) -> Markup:
    """The description a page's metadata gives in `language`, as HTML (English where it has none)."""
    metadata = metadata or {}
    for html_key, text_key in (("descriptions_html", "descriptions"), ("description_html", "description")):
        translated = html_key == "descriptions_html"
        found_html = (metadata.get(html_key) or {}).get(language) if translated else metadata.get(html_key)
        if found_html:
            return Markup(found_html)  # generated from the descriptor, escaped there
        found = (metadata.get(text_key) or {}).get(language) if translated else metadata.get(text_key)
        if found:
            return escape(found)
    return Markup("")


def column(language: str, metadata: Mapping[str, Any] | None, name: str) -> dict[str, str | None]:
    """A column's title in `language`, the language of its values and how they are formatted, from the
    table's metadata (generated from the descriptor)."""
    metadata = metadata or {}
    titles = (metadata.get("column_titles") or {}).get(language) or {}
    return {
        "title": titles.get(name) or name,
        "lang": (metadata.get("column_languages") or {}).get(name),
        "format": (metadata.get("column_formats") or {}).get(name),
    }


def cell(language: str, value: Any, shown: Any, format_: str | None) -> Any:
    """A cell as shown in `language`: a number or date of a column with a format, written for the
    language; anything a plugin rendered (a link, a label) as it is."""
    if format_ is None or value is None or str(shown) != str(value):
        return shown
    return number(language, value) if format_ == "number" else date(language, value)


def template_vars(request: Any) -> dict[str, Any]:
    """`kz_lang`, `_`, the language switch `kz_languages`, and the helpers that write numbers, dates,
    titles, descriptions and columns in the page's language, for every page."""
    language = language_of(request)
    return {
        "kz_lang": language,
        "_": translator(language),
        "kz_languages": switch(request, language),
        "kz_number": functools.partial(number, language),
        "kz_date": functools.partial(date, language),
        "kz_rows": functools.partial(rows, language),
        "kz_years": lambda count: formatting.years(count, language),
        "kz_title": functools.partial(title, language),
        "kz_description_html": functools.partial(description_html, language),
        "kz_column": functools.partial(column, language),
        "kz_cell": functools.partial(cell, language),
    }
