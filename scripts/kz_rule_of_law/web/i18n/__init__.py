"""The interface's strings in Kazakh and Russian: the catalogs kk.yml and ru.yml beside this module,
each an object of English strings (as `_("...")` writes them in templates and code) to translations;
numbers and dates as each language writes them (Babel)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal

# The interface's languages, English (the default, its strings as written) first.
LANGUAGES = ("en", "kk", "ru")
DEFAULT = LANGUAGES[0]
CATALOGS = Path(__file__).resolve().parent


@functools.cache
def catalog(language: str) -> dict[str, str]:
    """The translations of the interface's strings into `language` (none for English)."""
    if language == DEFAULT:
        return {}
    loaded = yaml.safe_load((CATALOGS / f"{language}.yml").read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in loaded.items() if v}


def translator(language: str) -> Callable[[str], str]:
    """`_`: an interface string, written in English, in `language` (in English where the catalog lacks it)."""
    translations = catalog(language)
    return lambda text: translations.get(text, text)


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
