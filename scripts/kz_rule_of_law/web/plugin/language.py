"""The language of a page: `kz_lang` names it, `_` translates the interface's strings into it, and
Babel formats its numbers and dates.

The interface's strings are written in English in the templates and the code (`_("Next page")`);
their Kazakh and Russian translations are the catalogs web/i18n/kk.yml and ru.yml, English string
to translation. A string a catalog lacks is shown in English (a test requires every one)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal

# The interface's languages, the default first: English pages keep the site's unprefixed URLs,
# the others are under /kk/ and /ru/ (localize.py).
LANGUAGES = ("en", "kk", "ru")
DEFAULT = LANGUAGES[0]
NAMES = {"en": "English", "kk": "Қазақша", "ru": "Русский"}
# Where the middleware puts the language of a request in its ASGI scope.
SCOPE_KEY = "kz_lang"
CATALOGS = Path(__file__).resolve().parent.parent / "i18n"


def language_of(request: Any) -> str:
    """The language a request asks for: the one of its URL's prefix, else the default."""
    scope = getattr(request, "scope", None) or {}
    language = scope.get(SCOPE_KEY, DEFAULT)
    return language if language in LANGUAGES else DEFAULT


@functools.cache
def catalog(language: str) -> dict[str, str]:
    """The translations of the interface's strings into `language` (none for English)."""
    if language == DEFAULT:
        return {}
    loaded = yaml.safe_load((CATALOGS / f"{language}.yml").read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in loaded.items() if v}


def translator(language: str) -> Callable[[str], str]:
    """`_` for templates and code: the interface's English string in `language`."""
    translations = catalog(language)
    return lambda text: translations.get(text, text)


def gettext(language: str, text: str) -> str:
    """One interface string in `language`."""
    return catalog(language).get(text, text)


def number(language: str, value: Any) -> str:
    """A number as people reading `language` write it (1,200,000 / 1 200 000); other values as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    return str(format_decimal(value, locale=language))


def date(language: str, value: Any) -> str:
    """An ISO date (2025-11-21) as people reading `language` write it; other values as they are."""
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return "" if value is None else str(value)
    return str(format_date(day, format="long", locale=language))


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


def template_vars(request: Any) -> dict[str, Any]:
    """`kz_lang`, `_`, `kz_number`, `kz_date` and the language switch `kz_languages` for every page."""
    language = language_of(request)
    return {
        "kz_lang": language,
        "_": translator(language),
        "kz_number": functools.partial(number, language),
        "kz_date": functools.partial(date, language),
        "kz_languages": switch(request, language),
    }
