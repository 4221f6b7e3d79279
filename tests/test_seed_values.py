"""The published values for the seed press release, checked against its text and the reading notes."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest
import yaml

from workspace import ROOT, SEED

TEXT = (ROOT / "archive" / f"{SEED}.txt").read_text(encoding="utf-8")
FORUM = "forum-2025-penitentiary-system"
PROJECTS = ("coordinated-actions-rule-of-law", "breaking-the-vicious-cycle")


def table(name: str) -> list[dict[str, str]]:
    """The rows of a published CSV."""
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by(name: str, key: str) -> dict[str, dict[str, str]]:
    """The rows of a published CSV indexed by one column."""
    return {row[key]: row for row in table(name)}


def where(name: str, column: str, values: tuple[str, ...] | str) -> list[dict[str, str]]:
    """The rows of a published CSV whose `column` holds one of `values`: the seed's rows among any
    number of releases."""
    values = (values,) if isinstance(values, str) else values
    return [row for row in table(name) if row[column] in values]


def seed_ids(section: str) -> set[str]:
    """The ids of the records the seed's facts file defines in one section."""
    facts = yaml.safe_load((ROOT / "facts" / f"{SEED}.yml").read_text(encoding="utf-8"))
    return {record["id"] for record in facts.get(section, [])}


def source_texts() -> dict[str, str]:
    """The archived text of every release, by source id."""
    return {row["source_id"]: (ROOT / row["path"]).read_text(encoding="utf-8") for row in table("sources")}


def test_archived_text_is_the_seed_byte_for_byte():
    data = (ROOT / "archive" / f"{SEED}.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "2c9e1d826df921a3cafb985ba58baab3b3783b4e2fb1801953db818fffc4e4ee"
    assert len(data) == 6760
    source = by("sources", "source_id")[SEED]
    assert source["sha256"] == hashlib.sha256(data).hexdigest()
    assert source["bytes"] == "6760"
    assert (source["language"], source["date"], source["place_en"]) == ("kk", "2025-11-21", "Astana")
    assert source["publisher_id"] == "lprc"


def test_forum_date_place_and_participants_more_than_80():
    forum = by("events", "event_id")["forum-2025-penitentiary-system"]
    assert forum["date"] == "2025-11-21"
    assert (forum["city_kk"], forum["city_en"], forum["city_wikidata"], forum["country"]) == (
        "АСТАНА",
        "Astana",
        "Q1520",
        "KZ",
    )
    assert (forum["participants"], forum["participants_qualifier"]) == ("80", "more_than")
    assert forum["title_kk"] == "Қазақстанның қылмыстық-атқару жүйесі – жаңғырту, заң және құқық қолдану"


def test_participating_countries_are_kazakhstan_kyrgyzstan_mongolia():
    assert sorted(r["country"] for r in where("event_countries", "event_id", FORUM)) == ["KG", "KZ", "MN"]


def test_budgets_are_exact_and_derived_values_computed():
    budgets = by("budgets", "project_id")
    first, second = budgets["coordinated-actions-rule-of-law"], budgets["breaking-the-vicious-cycle"]
    assert (first["currency"], first["total_budget"], first["eu_contribution"]) == ("EUR", "777895", "739000")
    assert (first["cofinancing"], first["eu_share_percent"]) == ("38895", "95.00")
    assert (second["currency"], second["total_budget"], second["eu_contribution"]) == ("EUR", "768490", "730000")
    assert (second["cofinancing"], second["eu_share_percent"]) == ("38490", "94.99")


def test_second_project_keeps_2024_2027_and_its_stated_three_years():
    projects = by("projects", "project_id")
    second = projects["breaking-the-vicious-cycle"]
    assert (second["start_year"], second["end_year"], second["duration_years"]) == ("2024", "2027", "3")
    first = projects["coordinated-actions-rule-of-law"]
    assert (first["start_year"], first["end_year"], first["duration_years"]) == ("2024", "2026", "3")
    assert first["title_en"] == "Coordinated Civil Society Action to Promote the Rule of Law for All"
    assert (first["title_en_status"], second["title_en_status"]) == ("official", "translation")


def test_organizations_roles_in_projects_use_iati_codes():
    roles = {
        (r["project_id"], r["organization_id"]): r["iati_role"]
        for r in where("project_organizations", "project_id", PROJECTS)
    }
    assert roles == {
        ("coordinated-actions-rule-of-law", "lprc"): "4",
        ("coordinated-actions-rule-of-law", "iphr"): "4",
        ("coordinated-actions-rule-of-law", "eu"): "1",
        ("breaking-the-vicious-cycle", "taldykorgan-hrc"): "4",
        ("breaking-the-vicious-cycle", "kibhr"): "4",
        ("breaking-the-vicious-cycle", "pri-central-asia"): "4",
        ("breaking-the-vicious-cycle", "eu"): "1",
    }


def test_legal_forms_are_normalized_from_the_kazakh_text():
    orgs = by("organizations", "organization_id")
    assert orgs["lprc"]["legal_form"] == "ҚҚ"
    assert orgs["taldykorgan-hrc"]["legal_form"] == orgs["kibhr"]["legal_form"] == "ҚБ"
    forms = by("legal_forms", "code")
    assert (forms["ҚҚ"]["abbr_ru"], forms["ҚҚ"]["name_en"]) == ("ОФ", "Public Foundation")


def test_only_verified_identifiers_are_published():
    orgs = by("organizations", "organization_id")
    assert orgs["eu"]["wikidata"] == "Q458"
    assert all(orgs[k]["wikidata"] == "" for k in seed_ids("organizations") - {"eu"})
    assert orgs["taldykorgan-hrc"]["name_en_status"] == "translation"
    assert orgs["pri-central-asia"]["parent_id"] == "pri"


def test_ambassador_statement_and_position():
    person = by("people", "person_id")["aleska-simkic"]
    assert (person["name_kk"], person["name_en"]) == ("Алешка Симкич", "Aleška Simkić")
    statement = by("statements", "statement_id")["eu-ambassador-forum-opening-2025"]
    assert statement["position_id"] == "eu-ambassador-kz"
    assert statement["text_kk"].startswith("Еуропалық Одақ және Қазақстан")
    assert " ".join(statement["text_kk"].split()) in " ".join(TEXT.split())


def test_instruments_carry_un_resolutions():
    instruments = by("instruments", "instrument_id")
    assert (instruments["nelson-mandela-rules"]["un_resolution"], instruments["nelson-mandela-rules"]["adopted"]) == (
        "A/RES/70/175",
        "2015-12-17",
    )
    assert (instruments["bangkok-rules"]["un_resolution"], instruments["bangkok-rules"]["adopted"]) == (
        "A/RES/65/229",
        "2010-12-21",
    )


def test_topics_objectives_and_credits_in_source_order():
    topics = where("topics", "event_id", FORUM)
    assert [r["title_en"] for r in sorted(topics, key=lambda r: int(r["position"]))][:2] == [
        "strategic directions for modernizing penitentiary policy",
        "international standards for the execution of punishments",
    ]
    objectives = where("objectives", "project_id", "breaking-the-vicious-cycle")
    assert [r["text_en"] for r in sorted(objectives, key=lambda r: int(r["position"]))] == [
        "prevention of torture",
        "effective investigation",
        "compensation to victims",
    ]
    credits = {r["credit"]: r for r in where("credits", "source_id", SEED)}
    assert credits["funded_by"]["organization_id"] == "eu"
    assert credits["content_responsibility"]["organization_id"] == "lprc"
    assert credits["prepared_within"]["project_id"] == "coordinated-actions-rule-of-law"


def test_the_seed_has_its_quotes():
    assert len(where("quotes", "source_id", SEED)) > 50


def test_every_quote_stands_in_its_own_release_at_its_span():
    texts = source_texts()
    for quote in table("quotes"):
        text = texts[quote["source_id"]]
        assert text[int(quote["char_start"]) : int(quote["char_end"])] == quote["text_kk"], quote["quote_id"]


@pytest.mark.parametrize(
    "table_name, record, field, quote, value",
    [
        ("events", "forum-2025-penitentiary-system", "participants", "80-нен астам", "more than 80"),
        ("events", "forum-2025-penitentiary-system", "date", "2025 жылғы 21 қарашада", "2025-11-21"),
        ("budgets", "coordinated-actions-rule-of-law", "total_budget", "777 895 еуроны", "777895 EUR"),
        ("budgets", "breaking-the-vicious-cycle", "eu_contribution", "730 000 еуро", "730000 EUR"),
        ("projects", "breaking-the-vicious-cycle", "period", "2024-2027 жж.", "2024-2027"),
        ("projects", "breaking-the-vicious-cycle", "duration", "үш жылды", "3"),
        ("organizations", "lprc", "legal_form", "қоғамдық қоры", "ҚҚ"),
    ],
)
def test_normalized_values_link_to_the_claim_that_states_them(table_name, record, field, quote, value):
    claim = by("quotes", "quote_id")[f"{table_name}/{record}/{field}/{SEED}"]
    assert (claim["text_kk"], claim["value"], claim["source_id"]) == (quote, value, SEED)


def test_every_source_stated_text_column_has_a_quote():
    quotes = {(q["table_name"], q["record_id"], q["field"]) for q in table("quotes")}
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        keys = resource["schema"]["primaryKey"]
        kk_columns = [f["name"] for f in resource["schema"]["fields"] if f["name"].endswith("_kk")]
        if resource["name"] in ("countries", "legal_forms", "quotes", "resolutions") or not kk_columns:
            continue
        for row in table(resource["name"]):
            for column in kk_columns:
                if row[column]:
                    key = (resource["name"], "/".join(row[k] for k in keys), column[:-3])
                    assert key in quotes, key


def test_csvs_are_utf8_lf_and_ordered_by_primary_key():
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (ROOT / resource["path"]).read_bytes()
        assert b"\r\n" not in data and data.endswith(b"\n")
        header = data.decode("utf-8").split("\n", 1)[0].split(",")
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)
