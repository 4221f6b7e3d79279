"""Placing drafted values in the record and field the words around them name, and reading the dateline."""

from __future__ import annotations

import pytest

from kz_rule_of_law.curation.draft_known import KnownNames
from kz_rule_of_law.curation.draft_release import everything


def _placed(text: str, language: str = "kk", index: KnownNames | None = None) -> list[tuple[str, str | None]]:
    """(quote, record.field) of every value drafted from a text."""
    found = everything(text, language, index or KnownNames())
    return [(c.quote, f"{c.record}.{c.field}" if c.field else None) for c in found if c.id is None or c.field]


@pytest.mark.parametrize(
    ("text", "quote", "where"),
    [
        ("Бағдарламаның жалпы бюджеті 1,5 млн еуро болды.", "1,5 млн еуро", "budgets.total_budget"),
        ("Жобаның құны 900 000 еуроны құрайды.", "900 000 еуроны", "budgets.total_budget"),
        ("Оның ішінде ЕО-ның салымы 450 000 еуро.", "450 000 еуро", "budgets.eu_contribution"),
        ("Еуропалық Одақтың үлесі 300 млн теңгеге дейін.", "300 млн теңгеге дейін", "budgets.eu_contribution"),
        ("Бұл соманың 200 000 еуросын Еуропалық Одақ қаржыландырады.", "200 000 еуросын", "budgets.eu_contribution"),
        ("Шамамен 5 млн теңге (10 мың еуроға жуық) бөлінді.", "10 мың еуроға жуық", "budgets.equivalent"),
        ("ЕО 3 млн еуро көлеміндегі гранттық конкурс жариялады.", "3 млн еуро", "funding_programmes.amount"),
        ("Семинарға 25-тен астам қатысушы жиналды.", "25-тен астам", "events.participants"),
        ("Кездесу соңында 9 ұсыным қабылданды.", "9 ұсыным", "outcomes.count"),
        ("2027 жылғы 3 ақпанда Таразда конференция өтеді.", "2027 жылғы 3 ақпанда", "events.date"),
        ("Жоба 2025-2028 жж. іске асырылады.", "2025-2028 жж.", "projects.period"),
        ("Жобаның ұзақтығы төрт жыл.", "төрт жыл", "projects.duration"),
        ("«Ақ жол» ЖШС қатысты.", "ЖШС", "organizations.legal_form"),
    ],
)
def test_a_value_goes_where_the_words_around_it_say(text: str, quote: str, where: str) -> None:
    assert (quote, where) in _placed("Мәтін.\n" + text)


def test_a_value_no_word_places_stays_unplaced() -> None:
    assert _placed("Мәтін.\nКеше 1 200 еуро табылды.") == [("1 200 еуро", None)]


@pytest.mark.parametrize(
    "line",
    ["ТАРАЗ – 2027 жылғы 3 ақпанда форум өтті.", "ТАРАЗ, 2027 жылғы 3 ақпанда форум өтті.", "2027 жылғы 3 ақпанда"],
)
def test_the_dateline_date_is_the_release_s_own(line: str) -> None:
    assert _placed(line)[0] == ("2027 жылғы 3 ақпанда", "source.date")


def test_a_budget_belongs_to_the_project_named_before_it() -> None:
    index = KnownNames()
    index.add("project", "fair-courts", "Әділ сот")
    index.add("project", "open-prisons", "Ашық түрмелер")
    text = (
        "Мәтін.\n«Әділ сот» жобасының жалпы бюджеті 500 000 еуро. "
        "«Ашық түрмелер» жобасының жалпы бюджеті 600 000 еуро, оның ішінде ЕО-ның жарнасы 550 000 еуро."
    )
    owners = [(c.quote, c.field, c.id) for c in everything(text, "kk", index) if c.kind == "money"]
    assert owners == [
        ("500 000 еуро", "total_budget", "fair-courts"),
        ("600 000 еуро", "total_budget", "open-prisons"),
        ("550 000 еуро", "eu_contribution", "open-prisons"),
    ]


def test_russian_and_english_values_are_placed_with_their_language_s_cues() -> None:
    assert ("1,2 млн евро", "budgets.total_budget") in _placed("Текст.\nОбщий бюджет проекта 1,2 млн евро.", "ru")
    assert ("EUR 50,000", "budgets.eu_contribution") in _placed("Text.\nThe EU contribution is EUR 50,000.", "en")
