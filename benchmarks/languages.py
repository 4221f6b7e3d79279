"""Dates and amounts in Russian releases: what `draft`'s scan finds with our Russian normalizers, against
natasha's DatesExtractor and MoneyExtractor (and dateparser's search_dates for dates), on the synthetic
Russian releases of tests/releases/. Prints one Markdown table; the figures go to RESULTS-languages.md.

    python -m benchmarks.languages      # needs natasha and dateparser installed beside the project

A found value is right when its span overlaps a value a curator would quote (the gold list below, written
by hand from the texts) and states the same thing: the same day, month or range of days, the same amount,
currency and qualifier ('более 1 млн евро' is more than EUR 1 million, not EUR 1 million).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from unittest import mock

from kz_rule_of_law.curation import draft
from kz_rule_of_law.curation.languages import normalizers

RELEASES = Path(__file__).resolve().parent.parent / "tests" / "releases"

# What a curator quotes in each Russian release, and what it states: a date as (first, last, precision),
# an amount as (amount, currency, qualifier).
GOLD: dict[str, list[tuple[str, str, tuple]]] = {
    "synthetic-round-table-ru": [
        ("date", "15 января 2026 года", ("2026-01-15", None, "day")),
        ("money", "777 895 евро", (Decimal("777895"), "EUR", "exact")),
        ("money", "739 тыс. евро", (Decimal("739000"), "EUR", "exact")),
    ],
    "synthetic-torture-forum-ru": [
        ("date", "22 августа 2024 года", ("2024-08-22", None, "day")),
        ("date", "С 19 по 21 августа 2024 года", ("2024-08-19", "2024-08-21", "day")),
        ("date", "в ноябре 2024 года", ("2024-11-01", None, "month")),
        ("money", "1,2 млн евро", (Decimal("1200000"), "EUR", "exact")),
        ("money", "более 1 млн евро", (Decimal("1000000"), "EUR", "more_than")),
    ],
}


@dataclass(frozen=True)
class Found:
    """A value an extractor found: its kind, span and what it says, in the gold list's terms."""

    kind: str
    start: int
    end: int
    value: tuple


def ours(text: str) -> list[Found]:
    """draft's scan (longest span at each word) with the Russian normalizers."""
    ru = normalizers("ru")
    readers = {
        **{kind: reader for kind, reader in ru.json.items()},
        "date": lambda quote: ru.date(quote).to_json(),
        "money": lambda quote: ru.money(quote).to_json(),
    }
    with mock.patch.dict(draft._READERS, readers):
        found = draft.candidates(text)
    result = []
    for candidate in found:
        if candidate.kind == "date":
            v = candidate.value
            result.append(Found("date", candidate.start, candidate.end, (v["date"], v.get("end_date"), v["precision"])))
        elif candidate.kind == "money":
            v = candidate.value
            money = (Decimal(v["amount"]), v["currency"], v["qualifier"])
            result.append(Found("money", candidate.start, candidate.end, money))
    return result


def natasha_extractors() -> Callable[[str], list[Found]]:
    """natasha's DatesExtractor and MoneyExtractor (yargy grammars over pymorphy2), as one extractor."""
    from natasha import DatesExtractor, MoneyExtractor, MorphVocab

    vocabulary = MorphVocab()
    dates, money = DatesExtractor(vocabulary), MoneyExtractor(vocabulary)

    def extract(text: str) -> list[Found]:
        found = []
        for match in dates(text):
            fact = match.fact
            precision = "day" if fact.day else "month" if fact.month else "year"
            first = f"{fact.year:04d}-{fact.month or 1:02d}-{fact.day or 1:02d}" if fact.year else "?"
            found.append(Found("date", match.start, match.stop, (first, None, precision)))
        for match in money(text):
            amount = Decimal(str(match.fact.amount)).normalize()
            found.append(Found("money", match.start, match.stop, (amount, match.fact.currency, "exact")))
        return found

    return extract


def dateparser_search(text: str) -> list[Found]:
    """dateparser's search_dates in Russian (it fills what a text leaves out from the date found before)."""
    from dateparser.search import search_dates

    found, offset = [], 0
    for quote, when in search_dates(text, languages=["ru"]) or []:
        start = text.find(quote, offset)
        offset = start + len(quote)
        found.append(Found("date", start, offset, (when.date().isoformat(), None, "day")))
    return found


@dataclass
class Score:
    """How one extractor did on the gold values of some kinds."""

    right: int = 0
    wrong: int = 0  # found where a gold value stands, saying something else
    missed: int = 0
    spurious: int = 0  # found where no gold value of its kind stands
    seconds: float = 0.0


def score(extract: Callable[[str], list[Found]], kinds: Iterable[str]) -> Score:
    """Run an extractor over the Russian releases and compare with the gold values of `kinds`."""
    kinds, result = set(kinds), Score()
    for source_id, gold in GOLD.items():
        text = (RELEASES / f"{source_id}.txt").read_text(encoding="utf-8")
        started = time.perf_counter()
        found = [f for f in extract(text) if f.kind in kinds]
        result.seconds += time.perf_counter() - started
        used: set[Found] = set()
        for kind, quote, value in (g for g in gold if g[0] in kinds):
            start = text.index(quote)
            near = [f for f in found if f.kind == kind and f.start < start + len(quote) and start < f.end]
            used.update(near)
            if any(_normalized(f.value) == _normalized(value) for f in near):
                result.right += 1
            elif near:
                result.wrong += 1
            else:
                result.missed += 1
        result.spurious += len([f for f in found if f not in used])
    return result


def _normalized(value: tuple) -> tuple:
    """A value as compared: amounts without trailing zeros."""
    return tuple(v.normalize() if isinstance(v, Decimal) else v for v in value)


def main() -> None:
    """Print the comparison as a Markdown table."""
    natasha = natasha_extractors()
    rows = [
        ("ours (draft scan, normalize_ru)", "dates", score(ours, ["date"])),
        ("natasha DatesExtractor", "dates", score(natasha, ["date"])),
        ("dateparser search_dates", "dates", score(dateparser_search, ["date"])),
        ("ours (draft scan, normalize_ru)", "money", score(ours, ["money"])),
        ("natasha MoneyExtractor", "money", score(natasha, ["money"])),
    ]
    print("| extractor | kind | right | wrong value | missed | spurious | ms for both texts |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, kind, s in rows:
        print(f"| {name} | {kind} | {s.right} | {s.wrong} | {s.missed} | {s.spurious} | {s.seconds * 1000:.1f} |")


if __name__ == "__main__":
    main()
