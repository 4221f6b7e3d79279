"""The countries table: every country of ISO 3166-1 with its English, Kazakh and Russian names, from
pycountry and the translations of Debian's iso-codes it ships, never typed by hand.

The releases' own spelling wins where it differs from iso-codes' (`OVERRIDES`), so that a name a
release writes is the name published; each override says why.
"""

from __future__ import annotations

import functools
import gettext
from typing import Any

import pycountry

# Where the published value differs from iso-codes': country -> column -> value.
OVERRIDES: dict[str, dict[str, str]] = {
    # The seed release writes Моңғолия (with ң, as Kazakh spelling has it); iso-codes has Монғолия.
    "MN": {"name_kk": "Моңғолия"},
    # Verified Wikidata items of the countries the releases name.
    "KZ": {"wikidata": "Q232"},
}


@functools.cache
def _translation(language: str) -> gettext.NullTranslations:
    """iso-codes' translation of ISO 3166-1 names into `language`."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_rows() -> list[dict[str, Any]]:
    """A row for every ISO 3166-1 country, in code order, with the overrides applied."""
    kk, ru = _translation("kk"), _translation("ru")
    rows = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        row = {
            "country": country.alpha_2,
            "name_en": country.name,
            "name_kk": kk.gettext(country.name),
            "wikidata": None,
            "name_ru": ru.gettext(country.name),
        }
        row.update(OVERRIDES.get(country.alpha_2, {}))
        rows.append(row)
    return rows
