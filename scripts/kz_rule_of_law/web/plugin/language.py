"""The language of a page: `kz_lang` names it and `_` translates the interface's strings into it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The interface's languages, the default first.
LANGUAGES = ("en", "kk", "ru")
DEFAULT = LANGUAGES[0]


def language_of(request: Any) -> str:
    """The language a request asks for; the default until pages have a URL per language."""
    return DEFAULT


def translator(language: str) -> Callable[[str], str]:
    """`_` for templates: the interface's English string in `language` (English as written, for now)."""
    return lambda text: text


def template_vars(request: Any) -> dict[str, Any]:
    """`kz_lang` and `_` for every page."""
    language = language_of(request)
    return {"kz_lang": language, "_": translator(language)}
