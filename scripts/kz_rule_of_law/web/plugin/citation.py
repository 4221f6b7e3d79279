"""How to cite one quote: a line of text for people and a CSL-JSON item for reference managers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A press release in CSL 1.0.2: a report whose genre says what it is (as Zotero files press releases).
CSL_TYPE = "report"
CSL_GENRE = "Press release"
CSL_MEDIA_TYPE = "application/vnd.citationstyles.csl+json"


def citation_text(
    quote: dict[str, Any], release: dict[str, Any], permalink: str, gettext: Callable[[str], str] = str
) -> str:
    """One line to paste into a text: publisher, date, title, place, the quote and where it stands."""
    _ = gettext
    parts = [
        f"{publisher_name(release)} ({release['date']}).",
        f"{release['title_kk']} [{release['title_en']}].",
        f"{_('Press release')}, {release['place_en']}.",
        f"{_('Quoted')}: “{quote['text_kk']}” (“{quote['text_en']}”),",
        f"{_('characters')} {quote['char_start']}–{quote['char_end']}.",
        f"{_('Fact')}: {quote['table_name']} / {quote['record_id']} / {quote['field']}.",
        f"{_('Quote')} {quote['quote_id']}: {permalink}",
    ]
    return " ".join(parts)


def csl_item(quote: dict[str, Any], release: dict[str, Any], permalink: str, archived_url: str) -> dict[str, Any]:
    """The release as a CSL-JSON item whose id is the quote's, with the quote and its place in the note."""
    item: dict[str, Any] = {
        "id": quote["quote_id"],
        "type": CSL_TYPE,
        "genre": CSL_GENRE,
        "title": release["title_kk"],
        "translated-title": release["title_en"],
        "language": release["language"],
        "author": [{"literal": publisher_name(release)}],
        "publisher": publisher_name(release),
        "publisher-place": release["place_en"],
        "URL": permalink,
        "archive_location": archived_url,
        "note": (
            f"Quoted: “{quote['text_kk']}” (“{quote['text_en']}”), characters {quote['char_start']}–"
            f"{quote['char_end']} of the archived text; fact {quote['table_name']} / {quote['record_id']} / "
            f"{quote['field']}"
        ),
        "custom": {key: quote[key] for key in ("table_name", "record_id", "field", "value", "char_start", "char_end")},
    }
    issued = date_parts(str(release.get("date") or ""))
    if issued:
        item["issued"] = {"date-parts": [issued]}
    return item


def publisher_name(release: dict[str, Any]) -> str:
    """The publisher's English name, else its Kazakh name, else its id."""
    return str(release.get("publisher_en") or release.get("publisher_kk") or release["publisher_id"])


def date_parts(date: str) -> list[int]:
    """An ISO date (or year-month, or year) as CSL date parts; none for anything else."""
    pieces = date.split("-")
    if not 1 <= len(pieces) <= 3 or not all(p.isdigit() for p in pieces):
        return []
    return [int(p) for p in pieces]
