"""The words around a value that say what it is: one table per language, read by draft and draft_place.

A cue is a word stem: Kazakh and Russian add case and possessive endings to a stem (`бюджет`,
`бюджеті`, `бюджетінің`), so a word matches a cue when it starts with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .normalize import _DURATION_TAILS


@dataclass(frozen=True)
class Cue:
    """Where a value of `kind` goes (table, field) when one of `stems` stands on `side` of it,
    within `window` words."""

    kind: str
    table: str
    field: str
    side: str  # "before" the value, "after" it (its own words too: '12 ұсыным'), or "any": always
    stems: tuple[str, ...]  # word stems, or a punctuation mark right beside the value ('(')
    window: int = 4


# The nouns for people a count may name; a count of them is an event's participants, and its quote
# leaves the noun out (the field says what is counted: `80-нен астам`, not `80-нен астам қатысушы`).
PEOPLE = {
    "kk": ("қатысушы", "адам", "өкіл", "маман", "сарапшы", "делегат"),
    "ru": ("участник", "человек", "людей", "представител", "эксперт", "делегат"),
    "en": ("participant", "people", "person", "representative", "expert", "delegate", "attendee"),
}
# Words after a duration that do not change it (`үш жыл ішінде`): the quote leaves them out.
DURATION_TAILS = {"kk": tuple(_DURATION_TAILS["жыл"]), "ru": (), "en": ()}

# Event words: a date next to one of them is the event's date.
_EVENTS_KK = ("форум", "конференция", "тренинг", "семинар", "кездесу", "дөңгелек", "өтті", "өтеді", "өткізіл")
_EVENTS_RU = ("форум", "конференц", "тренинг", "семинар", "встреч", "круглый", "состоял", "состоится", "прош")
_EVENTS_EN = ("forum", "conference", "training", "seminar", "meeting", "round", "held", "took place")

# The cue nearest the value places it (the first in this order among equally near ones). The fields
# are those of the descriptor: budgets.total_budget is the project's whole budget, eu_contribution
# the EU's part of it ('оның ішінде ЕО-ның жарнасы'), equivalent the same amount in another currency
# (in brackets after it), events.participants the people who took part, outcomes.count what an event
# produced, projects.period/duration the years a project runs.
CUES: dict[str, tuple[Cue, ...]] = {
    "kk": (
        Cue("money", "budgets", "equivalent", "before", ("(",), 1),
        Cue("money", "budgets", "eu_contribution", "before", ("жарна", "салым", "үлес", "қаржыландыру")),
        Cue("money", "budgets", "eu_contribution", "after", ("қаржыландыр",), 4),
        Cue("money", "budgets", "total_budget", "before", ("бюджет", "құн", "барлығы", "жалпы")),
        Cue("money", "budgets", "total_budget", "after", ("бөлін",), 2),
        Cue("money", "funding_programmes", "amount", "after", ("грант", "бағдарлама", "конкурс")),
        Cue("count", "events", "participants", "after", PEOPLE["kk"], 2),
        Cue("count", "events", "participants", "before", ("қатысушы", "қатысты"), 3),
        Cue("count", "outcomes", "count", "after", ("ұсыным", "ұсыныс", "шешім", "келісім"), 1),
        Cue("date", "events", "date", "after", _EVENTS_KK, 8),
        Cue("date", "events", "date", "before", _EVENTS_KK, 4),
        Cue("period", "projects", "period", "before", ("жоба", "ұзақтығ", "мерзім"), 12),
        Cue("period", "projects", "period", "after", ("жоба", "іске", "жүзеге"), 12),
        Cue("duration", "projects", "duration", "before", ("жоба", "ұзақтығ", "мерзім"), 12),
        Cue("duration", "projects", "duration", "after", ("жоба", "іске", "жүзеге"), 12),
        Cue("legal-form", "organizations", "legal_form", "any", (), 0),
    ),
    "ru": (
        Cue("money", "budgets", "equivalent", "before", ("(",), 1),
        Cue("money", "budgets", "eu_contribution", "before", ("вклад", "взнос", "дол", "финансирован")),
        Cue("money", "budgets", "eu_contribution", "after", ("финансирует", "профинансир"), 4),
        Cue("money", "budgets", "total_budget", "before", ("бюджет", "стоимост", "всего", "общ")),
        Cue("money", "budgets", "total_budget", "after", ("выделен",), 2),
        Cue("money", "funding_programmes", "amount", "after", ("грант", "программ", "конкурс")),
        Cue("count", "events", "participants", "after", PEOPLE["ru"], 2),
        Cue("count", "outcomes", "count", "after", ("рекомендац", "предложен", "решени"), 1),
        Cue("date", "events", "date", "after", _EVENTS_RU, 8),
        Cue("date", "events", "date", "before", _EVENTS_RU, 4),
        Cue("period", "projects", "period", "before", ("проект",), 12),
        Cue("period", "projects", "period", "after", ("проект", "реализу"), 12),
        Cue("duration", "projects", "duration", "before", ("проект", "срок", "продолжительност"), 12),
        Cue("legal-form", "organizations", "legal_form", "any", (), 0),
    ),
    "en": (
        Cue("money", "budgets", "equivalent", "before", ("(",), 1),
        Cue("money", "budgets", "eu_contribution", "before", ("contribution", "funding", "share")),
        Cue("money", "budgets", "eu_contribution", "after", ("funded", "financed"), 4),
        Cue("money", "budgets", "total_budget", "before", ("budget", "cost", "total")),
        Cue("money", "budgets", "total_budget", "after", ("allocated",), 2),
        Cue("money", "funding_programmes", "amount", "after", ("grant", "programme", "call")),
        Cue("count", "events", "participants", "after", PEOPLE["en"], 2),
        Cue("count", "outcomes", "count", "after", ("recommendation", "proposal", "decision"), 1),
        Cue("date", "events", "date", "after", _EVENTS_EN, 8),
        Cue("date", "events", "date", "before", _EVENTS_EN, 4),
        Cue("period", "projects", "period", "before", ("project",), 12),
        Cue("period", "projects", "period", "after", ("project", "implemented"), 12),
        Cue("duration", "projects", "duration", "before", ("project", "duration", "term"), 12),
        Cue("legal-form", "organizations", "legal_form", "any", (), 0),
    ),
}

# A name in quotation marks followed by one of these is a project's title ('«...» жобасы').
PROJECT_WORDS = ("жоба", "проект", "project")
# The last words of organizations' names ('орталығы', 'қоры', 'бірлестігі'): stems, in any case form.
ORGANIZATION_NOUNS = (
    *("орталы", "қор", "бірлест", "ұйым", "институт", "қауымдаст", "палата", "агенттіг", "министрлі"),
    *("комитет", "бюро", "одақ", "одағ", "кеңес", "академия", "университет", "серіктест", "қоғам"),
    *("центр", "фонд", "объединени", "организаци", "ассоциаци", "centre", "center", "foundation"),
)


# The record a placed value belongs to: a known record (or a proposed one) of this kind named on
# this side of the value within so many characters ('Жобаның жалпы бюджеті' after the project's title).
OWNERS = {
    "budgets": ("project", "before", 1500),
    "projects": ("project", "any", 300),
    "organizations": ("organization", "before", 4),
}
