"""Known records named in a release's text, in any Kazakh case form or by abbreviation; new names proposed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kz_rule_of_law.curation.draft_known import KnownNames, mentions, proposals, stems
from workspace import copy_project


@pytest.fixture(scope="module")
def index() -> KnownNames:
    known = KnownNames()
    known.add("organization", "eu", "Еуропалық Одақ")
    known.add("organization", "eu", "ЕО", abbreviation=True)
    known.add("organization", "un", "ЕС", abbreviation=True)
    known.add("organization", "lprc", "Құқықтық саясатты зерттеу орталығы")
    known.add("country", "KZ", "Қазақстан")
    known.add("place", "Almaty", "Алматы")
    known.add("person", "aleska-simkic", "Алешка Симкич")
    known.add("instrument", "bangkok-rules", "Бангкок ережелерін")
    return known


@pytest.mark.parametrize(
    "form",
    [
        *("Еуропалық Одақтың", "Еуропалық Одаққа", "Еуропалық Одақта", "Еуропалық Одақтан", "Еуропалық Одақпен"),
        *("Еуропалық Одағы", "Еуропалық Одақтар", "Еуропалық Одақтарының", "Еуропалық Одағымен"),
    ],
)
def test_a_name_is_found_in_every_case_form_of_its_last_word(index: KnownNames, form: str) -> None:
    text = f"Бүгін {form} өкілдері келді."
    assert [(c.kind, c.id, c.quote) for c in mentions(text, index)] == [("organization", "eu", form)]


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Құқықтық саясатты зерттеу орталығының өкілі", "Құқықтық саясатты зерттеу орталығының"),
        ("«Құқықтық саясатты зерттеу орталығы» қоғамдық қоры", "Құқықтық саясатты зерттеу орталығы"),
        ("Құқықтық саясатты зерттеу орталығына хат", "Құқықтық саясатты зерттеу орталығына"),
        ("Қазақстанда, Қазақстанның, Қазақстанға", "Қазақстанда"),
        ("Алматыда өтті", "Алматыда"),
        ("Алешка Симкичпен кездесті", "Алешка Симкичпен"),
        ("Бангкок ережелері қабылданды", "Бангкок ережелері"),
    ],
)
def test_names_in_the_forms_the_grammar_gives_them(index: KnownNames, text: str, quote: str) -> None:
    assert mentions(text, index)[0].quote == quote


def test_an_abbreviation_matches_a_whole_token_only(index: KnownNames) -> None:
    text = "Есірткі туралы ЕС-тің баяндамасы, ЕО қолдауымен; ЕСТ емес, ес емес."
    assert [(c.id, c.quote) for c in mentions(text, index)] == [("un", "ЕС-тің"), ("eu", "ЕО")]


def test_a_repeated_mention_says_which_occurrence_it_is(index: KnownNames) -> None:
    found = mentions("Қазақстан және Қазақстан", index)
    assert [(c.id, c.at, c.start) for c in found] == [("KZ", 1, 0), ("KZ", 2, 15)]


def test_a_name_inside_a_longer_one_of_another_record_is_found_too(index: KnownNames) -> None:
    index.add("position", "eu-ambassador-kz", "Қазақстандағы Еуропалық Одақ Елшісі")
    found = mentions("Қазақстандағы Еуропалық Одақ Елшісі сөйледі", index)
    assert [(c.kind, c.id) for c in found] == [("position", "eu-ambassador-kz"), ("organization", "eu")]


def test_words_that_only_look_like_a_name_are_not_it(index: KnownNames) -> None:
    assert mentions("Одан кейін Алма ағашы, одақтас елдер және Еуропалық одақтастар", index) == []


def test_unknown_names_in_quotation_marks_are_proposed_as_new_records(index: KnownNames) -> None:
    text = (
        "«Жария сот» жобасын «Әділ қоғам» қоғамдық бірлестігі мен «Заң көмегі орталығы» іске асырады; "
        "«Құқықтық саясатты зерттеу орталығы» ҚҚ; «Заң мен тәртіп» форумы өтті."
    )
    found = proposals(text, mentions(text, index))
    assert [(c.kind, c.quote, c.id, c.value["new"]) for c in found] == [
        ("project", "Жария сот", None, True),
        ("organization", "Әділ қоғам", None, True),
        ("organization", "Заң көмегі орталығы", None, True),
    ]


def test_stems_take_off_chains_of_endings() -> None:
    assert "орталық" in stems("орталықтарының")
    assert "орталық" in stems("орталығына")
    assert "одақ" in stems("одағымен")
    assert all(len(stem) >= 3 for stem in stems("елдерге"))


def test_the_names_kept_between_runs_give_what_the_csvs_give_and_follow_a_new_build(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    text = (root / "archive" / "000_54035fae270ab93c.txt").read_text(encoding="utf-8")
    cache = root / "build" / "draft-names.json"
    fresh = mentions(text, KnownNames.from_package(root, text))
    assert mentions(text, KnownNames.cached(root, text, cache)) == fresh and cache.is_file()
    assert mentions(text, KnownNames.cached(root, text, cache)) == fresh  # read from the cache
    organizations = root / "data" / "organizations.csv"
    rows = organizations.read_text(encoding="utf-8")
    organizations.write_text(rows + "synthetic-forum-partner,Талқылаудың негізгі тақырыптары,X,official,,,,21,,,\n")
    again = mentions(text, KnownNames.cached(root, text, cache))
    assert ("organization", "synthetic-forum-partner") in {(c.kind, c.id) for c in again}


def test_the_names_kept_between_runs_follow_a_change_that_keeps_size_and_modification_time(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    text = "Синтетикалық мәтін: Zyxwv орталығы туралы."
    cache = root / "build" / "draft-names.json"
    organizations = root / "data" / "organizations.csv"
    rows = organizations.read_text(encoding="utf-8")
    with_name = rows + "synthetic-partner,Qwert орталығы,X,official,,,,21,,,\n"
    organizations.write_text(with_name, encoding="utf-8")
    before = organizations.stat()
    assert not mentions(text, KnownNames.cached(root, text, cache))
    organizations.write_text(with_name.replace("Qwert", "Zyxwv"), encoding="utf-8")
    os.utime(organizations, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert organizations.stat().st_size == before.st_size
    found = {(c.kind, c.id) for c in mentions(text, KnownNames.cached(root, text, cache))}
    assert ("organization", "synthetic-partner") in found


def test_an_unquoted_name_before_a_legal_form_is_proposed_from_its_nearest_capital(index: KnownNames) -> None:
    from kz_rule_of_law.curation.draft import candidates

    text = (
        "Жобаны Шу жастар орталығы ҚБ, Құқықтық саясатты зерттеу орталығы ҚҚ, «Әділет» ЖШС "
        "және Ақ жол ЖШС іске асырады; сот ҚБ емес."
    )
    known = mentions(text, index)
    found = proposals(text, known, candidates(text))
    assert [(c.kind, c.quote) for c in found] == [("organization", "Шу жастар орталығы"), ("organization", "Әділет")]
    assert "lprc" in {c.id for c in known}
