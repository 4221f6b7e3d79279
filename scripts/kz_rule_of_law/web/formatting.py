"""Numbers as people read them, in the page's language (Babel): amounts with their currency and
thousands separators, counts and amounts with the qualifier the source states ("more than 80",
"about EUR 1.2 million"), shares as percentages. Every page formats through here, so that the same
value reads the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from babel.numbers import format_compact_decimal, format_decimal, format_percent
from babel.units import format_unit

from .i18n import DEFAULT, LANGUAGES, translator

# How a qualifier reads with its number, in English (translated with the interface's strings).
QUALIFIED = {
    "exact": "{number}",
    "approximate": "about {number}",
    "about": "about {number}",
    "more_than": "more than {number}",
    "at_least": "at least {number}",
    "up_to": "up to {number}",
    "less_than": "less than {number}",
}
# Qualified numbers from a million up that are whole tenths of a million read in words
# ("about 1.2 million"); an exact number is always written in full.
COMPACT_FROM = 1_000_000
COMPACT_STEP = 100_000
SHARE_FORMAT = "#,##0.00%"  # shares are published to two decimals (94.99)
NBSP = "\u00a0"

Number = int | float | Decimal


def locale(language: str) -> str:
    """Babel's locale for a page language (the default for one the site does not have)."""
    return language if language in LANGUAGES else DEFAULT


def number(value: Number, language: str = DEFAULT) -> str:
    """A number with the language's thousands separator and decimal mark: 768,490 (en), 768 490 (kk)."""
    return format_decimal(value, locale=locale(language))


def _figure(value: Number, qualifier: str | None, language: str) -> str:
    """A number in full, or in words when it is approximate, large and round."""
    approximate = qualifier not in (None, "", "exact")
    exact = Decimal(str(value))
    if approximate and abs(exact) >= COMPACT_FROM and exact % COMPACT_STEP == 0:
        return format_compact_decimal(value, format_type="long", fraction_digits=1, locale=locale(language))
    return number(value, language)


def qualified(text: str, qualifier: str | None, language: str = DEFAULT) -> str:
    """A formatted number with its qualifier's words: 'more than 80'."""
    _: Callable[[str], str] = translator(language)
    return _(QUALIFIED.get(qualifier or "exact", "{number}")).format(number=text)


def quantity(value: Number, qualifier: str | None = None, language: str = DEFAULT) -> str:
    """A count with its qualifier: '80', 'more than 80', 'about 1.2 million'."""
    return qualified(_figure(value, qualifier, language), qualifier, language)


def amount(value: Number, currency: str | None, qualifier: str | None = None, language: str = DEFAULT) -> str:
    """An amount with its currency and qualifier: 'EUR 768,490', 'about EUR 1.2 million'."""
    figure = _figure(value, qualifier, language)
    return qualified(f"{currency}{NBSP}{figure}" if currency else figure, qualifier, language)


def share(percent: Number, qualifier: str | None = None, language: str = DEFAULT) -> str:
    """A share given in percent (95.0, 94.99) as the site writes it everywhere: '95.00%', '94.99%'."""
    text = format_percent(Decimal(str(percent)) / 100, format=SHARE_FORMAT, locale=locale(language))
    return qualified(text, qualifier, language)


def years(count: Number, language: str = DEFAULT) -> str:
    """A number of years in the language's plural form: '3 years', '3 жыл', '3 года', '5 лет'."""
    return format_unit(count, "duration-year", length="long", locale=locale(language))
