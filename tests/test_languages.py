"""Releases in Russian and English beside the Kazakh ones: quotes under the source's language, the
normalizers of that language, names in each language from its own source, values that must agree
across language versions, and versions linked to the release they translate.

The fixtures are tests/releases/synthetic-round-table-ru (the Russian version of
synthetic-restated-budget), synthetic-torture-forum-ru (a release in Russian only) and
synthetic-mediation-workshop-en (a release in English).
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import sqlite3
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import yaml
from datasette.app import Datasette
from hypothesis import given, settings
from hypothesis import strategies as st

from kz_rule_of_law.build import build, compile_package
from kz_rule_of_law.curation import normalize, normalize_en, normalize_ru
from kz_rule_of_law.curation.claims import claim_value
from kz_rule_of_law.curation.facts import Fact, parse_yaml, to_fact
from kz_rule_of_law.curation.languages import LANGUAGES, normalizers
from kz_rule_of_law.curation.rows import normalized_columns
from kz_rule_of_law.curation.values import Count, Money, Period
from kz_rule_of_law.errors import InputError
from kz_rule_of_law.package.descriptor import load_descriptor, tables
from kz_rule_of_law.validation.rules import Checker
from kz_rule_of_law.web.metadata import render_metadata
from kz_rule_of_law.web.serve import SETTINGS
from workspace import ROOT, SEED, cli, copy_project, copy_tree

RELEASES = Path(__file__).parent / "releases"
KAZAKH, GRANT = "synthetic-restated-budget", "synthetic-approximate-grant"
RUSSIAN, ENGLISH = "synthetic-round-table-ru", "synthetic-mediation-workshop-en"
RUSSIAN_ONLY = "synthetic-torture-forum-ru"
CORPUS = (GRANT, KAZAKH, RUSSIAN, ENGLISH, RUSSIAN_ONLY)


def add_release(root: Path, source_id: str) -> None:
    """Put a fixture release into a project: its archived text and its facts file."""
    for suffix, folder in ((".txt", "archive"), (".yml", "facts")):
        (root / folder / f"{source_id}{suffix}").write_bytes((RELEASES / f"{source_id}{suffix}").read_bytes())


def rows(root: Path, table: str) -> list[dict[str, str]]:
    """The rows of one published table of a project."""
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def one(root: Path, table: str, **where: str) -> dict[str, str]:
    """The one row of a table with these values."""
    (row,) = [r for r in rows(root, table) if all(r[k] == v for k, v in where.items())]
    return row


def edit_release(root: Path, source_id: str, old: str, new: str, text: bool = False) -> None:
    """Replace `old` by `new` in a release's facts file (and its archived text too, with its recorded
    digest and size, when `text`)."""
    facts = root / "facts" / f"{source_id}.yml"
    content = facts.read_text(encoding="utf-8")
    if text:
        archived = root / "archive" / f"{source_id}.txt"
        before = archived.read_bytes()
        assert old.encode() in before
        after = before.replace(old.encode(), new.encode())
        archived.write_bytes(after)
        content = content.replace(hashlib.sha256(before).hexdigest(), hashlib.sha256(after).hexdigest())
        content = content.replace(f"bytes: {len(before)}\n", f"bytes: {len(after)}\n")
    assert old in content
    facts.write_text(content.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed with the Kazakh releases the fixtures restate, and the Russian and English ones, built."""
    root = copy_project(tmp_path_factory.mktemp("languages") / "project")
    for source_id in CORPUS:
        add_release(root, source_id)
    build(root)
    return root


def broken(tmp_path: Path, source_id: str, old: str, new: str, text: bool = False) -> list:
    """The problems of compiling the corpus with one edit to one release."""
    root = copy_project(tmp_path / "project")
    for release in CORPUS:
        add_release(root, release)
    edit_release(root, source_id, old, new, text)
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    return caught.value.problems


# The dispatch table


def test_each_language_has_its_normalizers_with_one_output_shape():
    assert LANGUAGES == ("kk", "ru", "en")
    said = {"kk": "739 мың еуро", "ru": "739 тыс. евро", "en": "EUR 739,000"}
    for language, text in said.items():
        assert normalizers(language).money(text) == Money(Decimal("739000"), "EUR", "exact")
    assert normalizers("kk").period("2024-2026 жж.") == normalizers("ru").period("2024–2026 гг.") == Period(2024, 2026)
    assert normalizers("kk").count("40-қа жуық").value == normalizers("ru").count("около 40 человек").value == 40
    assert normalizers("en").count("more than 80") == Count(80, "more_than")
    assert normalizers("ru").legal_form("ТОО").code == normalizers("en").legal_form("LLP").code
    assert normalizers("ru").json["date"]("с 19 по 21 августа 2024 года")["end_date"] == "2024-08-21"


def test_an_unknown_language_is_our_error():
    with pytest.raises(InputError) as caught:
        normalizers("de")
    assert caught.value.problems[0].code == "unknown-language"


def test_a_duration_in_months_is_published_in_whole_years_or_refused():
    def years(text: str) -> dict:
        return normalized_columns("duration", "duration", Fact(text, "a duration", None, 1, "ru"))

    assert years("36 месяцев") == {"duration_years": 3}
    assert years("в течение трех лет") == {"duration_years": 3}
    with pytest.raises(InputError) as caught:
        years("18 месяцев")
    assert caught.value.problems[0].code == "duration-not-whole-years"


# Facts: the quote under the source's language


def fact(text: str, language: str | None) -> Fact:
    """A fact read from one line of YAML, for a source in `language`."""
    return to_fact(parse_yaml(f"value: {text}\n", "facts.yml")["value"], language)


def test_a_fact_holds_its_quote_under_the_sources_language():
    russian = fact("{ru: 739 тыс. евро, en: 'EUR 739,000'}", "ru")
    assert (russian.quote, russian.en, russian.language) == ("739 тыс. евро", "EUR 739,000", "ru")
    english = fact('{en: "EUR 739,000", at: 2}', "en")
    assert (english.quote, english.en, english.at, english.language) == ("EUR 739,000", "EUR 739,000", 2, "en")


@pytest.mark.parametrize(
    "text, language, codes",
    [
        ("{kk: 739 мың еуро, en: x}", "ru", ["quote-wrong-language", "empty-quote"]),
        ("{ru: 739 тыс. евро, en: x}", "kk", ["quote-wrong-language", "empty-quote"]),
        ("{ru: 739 тыс. евро, en: x}", "en", ["quote-wrong-language"]),
        ("{ru: 739 тыс. евро}", "ru", ["missing-english"]),
        ("{ru: 739 тыс. евро, kk: 739 мың еуро, en: x}", "ru", ["quote-wrong-language"]),
    ],
)
def test_a_quote_under_another_languages_key_is_a_clear_error(text: str, language: str, codes: list[str]):
    with pytest.raises(InputError) as caught:
        fact(text, language)
    assert [p.code for p in caught.value.problems] == codes
    wrong = [p for p in caught.value.problems if p.code == "quote-wrong-language"]
    names = {"kk": "Kazakh", "ru": "Russian", "en": "English"}
    assert all(f"in a {names[language]} source" in p.message and f"'{language}:'" in p.expected for p in wrong)


def test_a_kazakh_quote_in_the_russian_release_names_its_line(tmp_path: Path):
    problems = broken(tmp_path, RUSSIAN, "city: {ru: Алматы", "city: {kk: Алматы")
    assert [(p.code, p.file, p.line, p.record, p.field) for p in problems[:1]] == [
        ("quote-wrong-language", f"facts/{RUSSIAN}.yml", 23, "synthetic-roundtable-almaty", "city")
    ]


def test_a_russian_name_typed_in_is_refused(tmp_path: Path):
    problems = broken(tmp_path, ENGLISH, "    country: KZ\n", "    country: KZ\n    title_ru: семинар по медиации\n")
    assert [(p.code, p.record, p.field) for p in problems] == [
        ("typed-russian-text", "synthetic-mediation-workshop", "title_ru")
    ]


def test_a_text_field_without_a_column_in_the_quotes_language_is_refused(tmp_path: Path):
    instrument = (
        "instruments:\n  - id: synthetic-instrument\n    name: {ru: Европейский союз, en: EU}\n"
        "    official_name: {ru: Европейский союз, en: European Union}\n"
    )
    problems = broken(tmp_path, RUSSIAN, "organizations:\n", instrument + "\norganizations:\n")
    assert [(p.code, p.record, p.field, p.value) for p in problems] == [
        ("no-column-for-language", "synthetic-instrument", "official_name", "official_name_ru")
    ]


# The built package


def test_every_quote_is_in_its_sources_language_at_its_span(project: Path):
    sources = {row["source_id"]: row for row in rows(project, "sources")}
    seen = set()
    for quote in rows(project, "quotes"):
        language = sources[quote["source_id"]]["language"]
        assert quote["language"] == language, quote["quote_id"]
        text = (project / sources[quote["source_id"]]["path"]).read_text(encoding="utf-8")
        exact = quote[f"text_{language}"]
        assert text[int(quote["char_start"]) : int(quote["char_end"])] == exact, quote["quote_id"]
        assert [quote[f"text_{other}"] for other in ("kk", "ru") if other != language] == [""] * (
            2 if language == "en" else 1
        )
        seen.add(language)
    assert seen == {"kk", "ru", "en"}
    claim = one(project, "quotes", quote_id=f"organizations/lprc/name/{RUSSIAN}")
    assert (claim["text_ru"], claim["text_en"]) == (
        "Центр исследования правовой политики",
        "Legal Policy Research Centre",
    )
    claim = one(project, "quotes", quote_id=f"events/synthetic-mediation-workshop/participants/{ENGLISH}")
    assert (claim["text_en"], claim["value"]) == ("More than 30", "more than 30")


def test_names_in_russian_come_from_the_russian_release_beside_the_kazakh_ones(project: Path):
    lprc = one(project, "organizations", organization_id="lprc")
    assert (lprc["name_kk"], lprc["name_ru"], lprc["name_en"], lprc["name_en_status"]) == (
        "Құқықтық саясатты зерттеу орталығы",
        "Центр исследования правовой политики",
        "Legal Policy Research Centre",
        "official",
    )
    assert one(project, "organizations", organization_id="eu")["name_ru"] == "Европейский союз"
    event = one(project, "events", event_id="synthetic-roundtable-almaty")
    assert (event["title_kk"], event["title_ru"], event["city_kk"], event["city_ru"]) == (
        "құқық үстемдігі жөнінде дөңгелек үстел",
        "круглый стол по вопросам верховенства права",
        "Алматыда",
        "Алматы",
    )
    assert one(project, "projects", project_id="coordinated-actions-rule-of-law")["title_ru"].startswith(
        "Скоординированные действия"
    )
    # no Russian release names the seed's other organizations: their Russian names stay empty
    assert one(project, "organizations", organization_id="iphr")["name_ru"] == ""


def test_a_record_of_an_english_release_has_its_english_quote_and_no_kazakh(project: Path):
    event = one(project, "events", event_id="synthetic-mediation-workshop")
    assert (event["title_kk"], event["title_ru"], event["title_en"], event["city_en"]) == (
        "",
        "",
        "workshop on mediation in criminal cases",
        "Karaganda",
    )
    assert (event["date"], event["end_date"], event["participants"], event["participants_qualifier"]) == (
        "2026-05-11",
        "2026-05-12",
        "30",
        "more_than",
    )
    source = one(project, "sources", source_id=ENGLISH)
    assert (source["language"], source["title_kk"], source["date"]) == ("en", "", "2026-05-12")


def test_language_neutral_values_of_every_version_agree(project: Path):
    claims = {
        q["source_id"]: (q["language"], q["value"])
        for q in rows(project, "quotes")
        if q["record_id"] == "synthetic-legal-aid-in-prisons" and q["field"] == "total_budget"
    }
    assert claims == {GRANT: ("kk", "about 650000000 KZT"), ENGLISH: ("en", "about 650000000 KZT")}
    for field, value in (("date", "2026-01-15"), ("participants", "about 40")):
        stated = {
            q["source_id"]: q["value"]
            for q in rows(project, "quotes")
            if q["record_id"] == "synthetic-roundtable-almaty" and q["field"] == field
        }
        assert stated == {KAZAKH: value, RUSSIAN: value}, field
    budget = one(project, "budgets", project_id="coordinated-actions-rule-of-law")
    assert (budget["total_budget"], budget["eu_contribution"]) == ("777895", "739000")


def test_a_version_that_disagrees_fails_as_releases_do(tmp_path: Path):
    problems = broken(tmp_path, RUSSIAN, "739 тыс. евро", "730 тыс. евро", text=True)
    (problem,) = problems
    assert (problem.code, problem.file, problem.record, problem.field) == (
        "conflicting-claims",
        f"facts/{RUSSIAN}.yml",
        "coordinated-actions-rule-of-law",
        "eu_contribution",
    )
    assert f"facts/{SEED}.yml:169 '739 000 еуро' (739000 EUR)" in problem.message
    assert "'730 тыс. евро' (730000 EUR)" in problem.message


def test_an_english_version_that_disagrees_on_a_date_fails(tmp_path: Path):
    problems = broken(tmp_path, ENGLISH, "from 2026 to 2028", "from 2026 to 2027", text=True)
    assert [(p.code, p.record, p.field) for p in problems] == [
        ("conflicting-claims", "synthetic-legal-aid-in-prisons", "period")
    ]


# Versions of a release


def test_a_version_names_the_release_it_translates(project: Path):
    assert one(project, "sources", source_id=RUSSIAN)["translation_of"] == KAZAKH
    assert one(project, "sources", source_id=KAZAKH)["translation_of"] == ""


@pytest.mark.parametrize(
    "original, code, message",
    [
        (RUSSIAN, "bad-translation-of", "a source is a translation of itself"),
        ("synthetic-no-such-release", "foreign-key", "unknown sources reference"),
    ],
)
def test_a_bad_translation_of_is_refused(tmp_path: Path, original: str, code: str, message: str) -> None:
    problems = broken(tmp_path, RUSSIAN, f"translation_of: {KAZAKH}", f"translation_of: {original}")
    assert [(p.code, p.file, p.record, p.field, p.message) for p in problems] == [
        (code, f"facts/{RUSSIAN}.yml", RUSSIAN, "translation_of", message)
    ]


def test_a_translation_in_its_originals_language_or_of_a_translation_is_refused(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    for release in CORPUS:
        add_release(root, release)
    edit_release(root, ENGLISH, "  language: en\n", f"  language: en\n  translation_of: {RUSSIAN}\n")
    edit_release(root, GRANT, "  language: kk\n", f"  language: kk\n  translation_of: {SEED}\n")
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    assert sorted((p.code, p.record, p.message) for p in caught.value.problems) == [
        ("bad-translation-of", GRANT, "a translation in the language of its original (kk)"),
        (
            "bad-translation-of",
            ENGLISH,
            f"a translation of a translation (source {RUSSIAN} is itself a translation of {KAZAKH})",
        ),
    ]


def test_the_quote_rules_hold_on_published_rows():
    schema = tables(load_descriptor(ROOT / "datapackage.json"))
    checker = Checker(schema, lambda source_id: "Проект финансирует Европейский союз.")
    list(checker.check("sources", {"source_id": RUSSIAN, "language": "ru", "sha256": "0" * 64}))
    quote = {
        "quote_id": f"organizations/eu/name/{RUSSIAN}",
        "source_id": RUSSIAN,
        "language": "ru",
        "text_kk": None,
        "text_ru": "Европейский союз",
        "text_en": "European Union",
        "char_start": 19,
        "char_end": 35,
    }
    assert list(checker.check("quotes", quote)) == []
    codes = [f.problem.code for f in checker.check("quotes", quote | {"language": "kk", "text_kk": "Европейский союз"})]
    assert codes == ["quote-language-mismatch", "quote-language-mismatch"]
    codes = [f.problem.code for f in checker.check("quotes", quote | {"char_start": 18})]
    assert codes == ["quote-span-mismatch"]


# The whole pipeline: check, validate, SQLite, the site


def test_check_and_validate_accept_the_versions(project: Path, tmp_path: Path):
    root = copy_tree(project, tmp_path / "project")
    for source_id in (RUSSIAN, ENGLISH, RUSSIAN_ONLY):
        checked = cli(root, "check", f"facts/{source_id}.yml")
        assert checked.returncode == 0, checked.stderr
        assert f"ok: facts/{source_id}.yml" in checked.stdout
    validated = cli(root, "validate")
    assert validated.returncode == 0, validated.stderr + validated.stdout


def test_the_database_holds_the_russian_names_and_quotes(project: Path):
    with sqlite3.connect(project / "build" / "kz-rule-of-law.db") as db:
        assert db.execute("SELECT name_ru FROM organizations WHERE organization_id = 'lprc'").fetchone() == (
            "Центр исследования правовой политики",
        )
        found = db.execute(
            "SELECT language, count(*) FROM quotes WHERE source_id IN (?, ?) GROUP BY language ORDER BY language",
            (RUSSIAN, ENGLISH),
        ).fetchall()
        assert found == [("en", 15), ("ru", 14)]
        assert db.execute("SELECT translation_of FROM sources WHERE source_id = ?", (RUSSIAN,)).fetchone() == (KAZAKH,)


@pytest.mark.server
def test_the_site_shows_an_organizations_russian_name_on_its_row_page(project: Path, tmp_path: Path, live_server):
    root = copy_tree(project, tmp_path / "project")
    server = live_server(root)
    try:
        page = httpx.get(f"{server.url}/kz-rule-of-law/organizations/lprc", timeout=10)
        assert page.status_code == 200
        assert "Центр исследования правовой политики" in page.text
        assert "Құқықтық саясатты зерттеу орталығы" in page.text
        event = httpx.get(
            f"{server.url}/kz-rule-of-law/events/synthetic-roundtable-almaty.json?_shape=array", timeout=10
        )
        assert event.json()[0]["title_ru"] == "круглый стол по вопросам верховенства права"
    finally:
        server.stop()


def test_check_warns_of_a_new_record_by_its_abbreviation_in_any_language(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    for release in CORPUS:
        add_release(root, release)
    organization = (
        "\norganizations:\n  - id: synthetic-eu-again\n    name: {en: European Union}\n"
        "    name_en_status: official\n    abbreviation: EU\n    iati_type: 40\n"
    )
    edit_release(root, ENGLISH, "\norganizations:\n", organization)
    checked = cli(root, "check", f"facts/{ENGLISH}.yml")
    assert checked.returncode == 0, checked.stderr
    warnings = [line for line in checked.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1 and "same as eu? 'EU' is the abbreviation of eu" in warnings[0]


def test_a_release_in_russian_only_publishes_its_records_without_kazakh_text(project: Path):
    project_row = one(project, "projects", project_id="synthetic-monitoring-detention")
    assert (project_row["title_kk"], project_row["title_ru"], project_row["start_year"], project_row["end_year"]) == (
        "",
        "Мониторинг мест лишения свободы",
        "2024",
        "2026",
    )
    assert project_row["duration_years"] == "3"
    budget = one(project, "budgets", project_id="synthetic-monitoring-detention")
    assert (budget["total_budget"], budget["eu_contribution"], budget["eu_contribution_qualifier"]) == (
        "1200000",
        "1000000",
        "more_than",
    )
    assert (budget["cofinancing"], budget["derived_qualifier"]) == ("200000", "approximate")
    forum = one(project, "events", event_id="synthetic-torture-forum-taldykorgan")
    assert (forum["date"], forum["end_date"], forum["participants"], forum["participants_qualifier"]) == (
        "2024-08-19",
        "2024-08-21",
        "80",
        "more_than",
    )
    assert (forum["city_ru"], forum["city_kk"]) == ("Талдыкоргане", "")
    follow_up = one(project, "events", event_id="synthetic-torture-forum-follow-up")
    assert (follow_up["date"], follow_up["date_precision"]) == ("2024-11-01", "month")
    claim = one(project, "quotes", quote_id=f"events/synthetic-torture-forum-follow-up/date/{RUSSIAN_ONLY}")
    assert (claim["text_ru"], claim["value"]) == ("в ноябре 2024 года", "2024-11")
    media = one(project, "organizations", organization_id="synthetic-media-zhetysu")
    assert (media["name_kk"], media["name_ru"], media["legal_form"]) == ("", "Медиа-Жетысу", "ЖШС")
    centre = one(project, "organizations", organization_id="taldykorgan-hrc")
    assert (centre["name_kk"], centre["name_ru"], centre["legal_form"]) == (
        "Талдықорған құқық қорғау орталығы",
        "Талдыкорганский правозащитный центр",
        "ҚБ",
    )
    outcome = one(project, "outcomes", outcome_id="synthetic-torture-forum-recommendations")
    assert (outcome["count"], outcome["about_ru"], outcome["about_kk"]) == ("15", "по предупреждению пыток", "")


def test_the_versions_of_a_release_are_found_from_any_of_them(project: Path):
    database = project / "build" / "kz-rule-of-law.db"
    metadata = yaml.safe_load(render_metadata(load_descriptor(project / "datapackage.json"), rows(project, "sources")))
    site = Datasette(immutables=[str(database)], metadata=metadata, settings=SETTINGS)

    def versions(source: str) -> list[tuple[str, str, str, str]]:
        answer = asyncio.run(
            site.client.get("/kz-rule-of-law/versions_of_a_release.json", params={"_shape": "array", "source": source})
        )
        assert answer.status_code == 200, answer.text
        return [(v["source_id"], v["language"], v["version"], v["title_ru"]) for v in answer.json()]

    both = [
        (KAZAKH, "kk", "original", None),
        (RUSSIAN, "ru", "translation", "В Алматы состоялся круглый стол по вопросам верховенства права"),
    ]
    assert versions(KAZAKH) == versions(RUSSIAN) == both
    assert versions(ENGLISH) == [(ENGLISH, "en", "original", None)]
    assert versions("synthetic-no-such-release") == []
    claims = asyncio.run(
        site.client.get(
            "/kz-rule-of-law/releases_behind_a_record.json",
            params={"_shape": "array", "table": "organizations", "record": "lprc"},
        )
    ).json()
    named = {(c["source_id"], c["language"], c["quote_kk"], c["quote_ru"]) for c in claims if c["field"] == "name"}
    assert (RUSSIAN, "ru", None, "Центр исследования правовой политики") in named
    assert (SEED, "kk", "Құқықтық саясатты зерттеу орталығы", None) in named


def test_an_official_russian_name_is_typed_in_only_with_where_it_is_stated(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    for release in CORPUS:
        add_release(root, release)
    official = "    name_ru: Европейский союз\n    name_ru_source: https://eeas.europa.eu/delegations/kazakhstan_ru\n"
    facts = root / "facts" / f"{ENGLISH}.yml"
    new = (
        "\norganizations:\n  - id: synthetic-eu-office\n    name: {en: European Union}\n"
        "    name_en_status: official\n" + official + "    iati_type: 40\n"
    )
    facts.write_text(facts.read_text(encoding="utf-8").replace("\norganizations:\n", new), encoding="utf-8")
    build(root)
    row = one(root, "organizations", organization_id="synthetic-eu-office")
    assert (row["name_en"], row["name_ru"], row["name_ru_source"]) == (
        "European Union",
        "Европейский союз",
        "https://eeas.europa.eu/delegations/kazakhstan_ru",
    )
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("    name_ru: Европейский союз\n", "", 1), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    assert [(p.code, p.record, p.field) for p in caught.value.problems] == [
        ("name-source-without-name", "synthetic-eu-office", "name_ru_source")
    ]
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "    name_ru_source: https://eeas.europa.eu/delegations/kazakhstan_ru\n",
            "    name_ru: Европейский союз\n",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    (problem,) = caught.value.problems
    assert (problem.code, problem.record, problem.field) == ("typed-russian-text", "synthetic-eu-office", "name_ru")
    assert "name_ru_source: <the address where it is stated>" in problem.expected


def test_a_language_the_build_does_not_read_is_named_where_it_is_written(tmp_path: Path):
    problems = broken(tmp_path, RUSSIAN, "  language: ru\n", "  language: rus\n")
    assert [(p.code, p.line, p.record, p.field, p.value) for p in problems] == [
        ("unknown-language", 11, RUSSIAN, "language", "rus")
    ]


# The same value in three languages is one claim value


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(min_value=1, max_value=10**12),
    st.sampled_from(["EUR", "KZT", "USD", "RUB"]),
)
def test_a_date_and_an_amount_written_in_each_language_are_one_claim_value(date: dt.date, amount: int, currency: str):
    written = {
        "kk": (normalize.format_date_kk(date), normalize.format_money_kk(Decimal(amount), currency)),
        "ru": (normalize_ru.format_date_ru(date), normalize_ru.format_money_ru(Decimal(amount), currency)),
        "en": (normalize_en.format_date_en(date), normalize_en.format_money_en(Decimal(amount), currency)),
    }
    values = set()
    for language, (when, how_much) in written.items():
        on = normalized_columns("date", "date", Fact(when, "a date", None, 1, language))
        paid = normalized_columns("money", "amount", Fact(how_much, "an amount", None, 1, language))
        values.add((claim_value("date", on), claim_value("money", paid)))
    assert values == {(date.isoformat(), f"{amount} {currency}")}
