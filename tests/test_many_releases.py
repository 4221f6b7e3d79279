"""Many press releases: the seed with the synthetic releases of tests/releases/ (restated facts, a
resolved conflict, an unresolved one), built, validated, loaded and served from a copy of the project.

Every claim is checked where it stands (its quote at its span in its own release's text, its value
the normalizer's), and every table's attribution names exactly the releases its rows come from.
"""

from __future__ import annotations

import asyncio
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

from kz_rule_of_law.build import build, compile_package
from kz_rule_of_law.curation.claims import claim_value
from kz_rule_of_law.curation.facts import Fact
from kz_rule_of_law.curation.likeness import same_name
from kz_rule_of_law.curation.rows import KIND_BY_FIELD, normalized_columns
from kz_rule_of_law.errors import InputError
from kz_rule_of_law.package.descriptor import load_descriptor
from kz_rule_of_law.web.metadata import render_metadata
from kz_rule_of_law.web.serve import SETTINGS
from workspace import ROOT, SEED, cli, copy_project

RELEASES = Path(__file__).parent / "releases"
RESTATED, RESOLVED, CONFLICTING = (
    "synthetic-restated-budget",
    "synthetic-resolved-budget",
    "synthetic-conflicting-budget",
)
APPROXIMATE, OUTCOME, TWO_DAYS = "synthetic-approximate-grant", "synthetic-forum-outcome", "synthetic-two-day-training"
RUSSIAN, ENGLISH = "synthetic-round-table-ru", "synthetic-mediation-workshop-en"
RUSSIAN_ONLY = "synthetic-torture-forum-ru"
CORPUS = (RESTATED, RESOLVED, APPROXIMATE, OUTCOME, TWO_DAYS, RUSSIAN, ENGLISH, RUSSIAN_ONLY)
# How a fixture's text says it is made up, in the language of the release.
SYNTHETIC_MARKS = {"kk": "СИНТЕТИКАЛЫҚ МӘТІН", "ru": "СИНТЕТИЧЕСКИЙ ТЕКСТ", "en": "SYNTHETIC TEXT"}


def add_release(root: Path, source_id: str, folder: Path = RELEASES) -> None:
    """Put a release of the fixture corpus into a project: its archived text and its facts file."""
    shutil.copy(folder / f"{source_id}.txt", root / "archive" / f"{source_id}.txt")
    shutil.copy(folder / f"{source_id}.yml", root / "facts" / f"{source_id}.yml")


def rows(root: Path, table: str) -> list[dict[str, str]]:
    """The rows of one published table of a project."""
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def published(table: str | None = None) -> set[str]:
    """The releases the checkout publishes (those with claims in `table`, if given): the copies hold them too."""
    if table is None:
        return {row["source_id"] for row in rows(ROOT, "sources")}
    return {row["source_id"] for row in rows(ROOT, "quotes") if row["table_name"] == table}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed and the corpus's good releases, built."""
    root = copy_project(tmp_path_factory.mktemp("many") / "project")
    for source_id in CORPUS:
        add_release(root, source_id)
    build(root)
    return root


def test_fixture_releases_are_marked_synthetic_in_text_id_and_rights():
    languages = set()
    for text in RELEASES.glob("*.txt"):
        assert text.stem.startswith("synthetic-")
        facts = yaml.safe_load((RELEASES / f"{text.stem}.yml").read_text(encoding="utf-8"))
        languages.add(facts["source"]["language"])
        assert text.read_text(encoding="utf-8").startswith(SYNTHETIC_MARKS[facts["source"]["language"]])
        assert facts["source"]["id"] == text.stem
        assert facts["source"]["rights"].startswith("Synthetic text")
    assert languages == set(SYNTHETIC_MARKS)
    assert not list((ROOT / "data").glob("*synthetic*"))
    with open(ROOT / "data" / "sources.csv", encoding="utf-8") as handle:
        assert not [row for row in csv.DictReader(handle) if row["source_id"].startswith("synthetic-")]


def test_every_quote_stands_at_its_span_in_its_own_release(project: Path):
    sources = {row["source_id"]: row for row in rows(project, "sources")}
    assert set(sources) == {*published(), *CORPUS}
    assert SEED in sources
    for quote in rows(project, "quotes"):
        text = (project / sources[quote["source_id"]]["path"]).read_text(encoding="utf-8")
        exact = quote[f"text_{quote['language']}"]
        assert quote["language"] == sources[quote["source_id"]]["language"], quote["quote_id"]
        assert text[int(quote["char_start"]) : int(quote["char_end"])] == exact, quote["quote_id"]
        assert quote["quote_id"] == "/".join(
            (quote["table_name"], quote["record_id"], quote["field"], quote["source_id"])
        )


def test_every_claim_of_a_normalized_field_has_the_normalizers_value(project: Path):
    claims = [q for q in rows(project, "quotes") if q["field"] in KIND_BY_FIELD]
    assert {SEED, *CORPUS} <= {q["source_id"] for q in claims}
    for quote in claims:
        kind = KIND_BY_FIELD[quote["field"]]
        fact = Fact(quote[f"text_{quote['language']}"], quote["text_en"], None, 0, quote["language"])
        assert quote["value"] == claim_value(kind, normalized_columns(kind, quote["field"], fact)), quote["quote_id"]


def test_a_restated_budget_in_other_words_agrees_and_keeps_both_claims(project: Path):
    claims = {
        q["source_id"]: q
        for q in rows(project, "quotes")
        if q["table_name"] == "budgets"
        and q["record_id"] == "coordinated-actions-rule-of-law"
        and q["field"] == "eu_contribution"
    }
    assert {s: (q[f"text_{q['language']}"], q["value"]) for s, q in claims.items()} == {
        SEED: ("739 000 еуро", "739000 EUR"),
        RESTATED: ("739 мың еуро", "739000 EUR"),
        RUSSIAN: ("739 тыс. евро", "739000 EUR"),
    }
    budget = next(r for r in rows(project, "budgets") if r["project_id"] == "coordinated-actions-rule-of-law")
    assert (budget["total_budget"], budget["eu_contribution"], budget["cofinancing"]) == ("777895", "739000", "38895")


def test_a_resolved_conflict_publishes_the_kept_claim_and_records_why(project: Path):
    budget = next(r for r in rows(project, "budgets") if r["project_id"] == "breaking-the-vicious-cycle")
    assert (budget["total_budget"], budget["eu_contribution"], budget["cofinancing"], budget["eu_share_percent"]) == (
        "768490",
        "735000",
        "33490",
        "95.64",
    )
    (resolution,) = [r for r in rows(project, "resolutions") if r["source_id"] == RESOLVED]
    assert resolution == {
        "resolution_id": "budgets/breaking-the-vicious-cycle/eu_contribution",
        "source_id": RESOLVED,
        "table_name": "budgets",
        "record_id": "breaking-the-vicious-cycle",
        "field": "eu_contribution",
        "kept_source_id": RESOLVED,
        "value": "735000 EUR",
        "reason": "Synthetic: the later release corrects the amount (a test of resolutions).",
    }
    kept = {
        q["source_id"]: q["value"]
        for q in rows(project, "quotes")
        if q["quote_id"].startswith("budgets/breaking-the-vicious-cycle/eu_contribution/")
    }
    assert kept == {SEED: "730000 EUR", RESOLVED: "735000 EUR"}


def test_a_new_record_of_a_later_release_is_published_with_its_source(project: Path):
    event = next(r for r in rows(project, "events") if r["event_id"] == "synthetic-roundtable-almaty")
    assert (event["source_id"], event["date"], event["participants"], event["participants_qualifier"]) == (
        RESTATED,
        "2026-01-15",
        "40",
        "about",
    )


def test_an_unresolved_conflict_fails_with_both_quotes_and_their_lines(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    for source_id in (*CORPUS, CONFLICTING):
        add_release(root, source_id)
    result = cli(root, "build")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        f"error: facts/{CONFLICTING}.yml:18: record breaking-the-vicious-cycle: total_budget: conflicting claims: "
        f"facts/{SEED}.yml:171 '768 490 еуроны' (768490 EUR) vs facts/{CONFLICTING}.yml:18 '800 000 еуро' "
        "(800000 EUR): resolve it in the later file with `resolutions:`"
    )
    checked = cli(root, "check", f"facts/{CONFLICTING}.yml")
    assert checked.returncode == 2 and "conflicting claims" in checked.stderr


def test_a_resolution_without_a_conflict_is_refused(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    add_release(root, RESTATED)
    facts = root / "facts" / f"{RESTATED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + (
            "\nresolutions:\n  - {table: budgets, record: coordinated-actions-rule-of-law, field: eu_contribution,"
            f" keep: {RESTATED}, reason: both say 739 000}}\n"
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    (problem,) = caught.value.problems
    assert (problem.code, problem.file, problem.line, problem.record, problem.field) == (
        "resolution-without-conflict",
        f"facts/{RESTATED}.yml",
        41,
        "coordinated-actions-rule-of-law",
        "eu_contribution",
    )


def test_restating_an_unknown_record_is_a_located_error(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    add_release(root, RESTATED)
    facts = root / "facts" / f"{RESTATED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "  - restates: coordinated-actions-rule-of-law\n    period:", "  - restates: no-such-project\n    period:"
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    (problem,) = [p for p in caught.value.problems if p.code == "restates-unknown-record"]
    assert (problem.file, problem.line, problem.value) == (f"facts/{RESTATED}.yml", 31, "no-such-project")


def test_repeating_an_id_instead_of_restating_stays_a_duplicate_id(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    add_release(root, RESTATED)
    facts = root / "facts" / f"{RESTATED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "  - restates: coordinated-actions-rule-of-law\n    period:",
            "  - id: coordinated-actions-rule-of-law\n    period:",
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    messages = [p.message for p in caught.value.problems if p.code == "duplicate-id"]
    line = seed_line("- id: coordinated-actions-rule-of-law")
    assert messages == [f"duplicate id in table projects (first defined at facts/{SEED}.yml:{line})"]


def seed_line(start: str) -> int | None:
    """The line of the seed's facts file that starts (after its indent) with `start`."""
    lines = (ROOT / "facts" / f"{SEED}.yml").read_text(encoding="utf-8").splitlines()
    return next((i for i, text in enumerate(lines, 1) if text.strip().startswith(start)), None)


# One id of the seed per table whose records have an id, and the line defining it.
SEED_IDS = {
    "organizations": "lprc",
    "people": "aleska-simkic",
    "positions": "eu-ambassador-kz",
    "projects": "breaking-the-vicious-cycle",
    "objectives": "torture-prevention",
    "events": "forum-2025-penitentiary-system",
    "participant_groups": "judiciary",
    "topics": "probation-reintegration",
    "instruments": None,
    "statements": None,
}


@pytest.mark.parametrize("table", sorted(SEED_IDS))
def test_an_id_of_an_earlier_release_is_refused_in_every_table(table: str, tmp_path: Path):
    root = copy_project(tmp_path / "project")
    seed = yaml.safe_load((root / "facts" / f"{SEED}.yml").read_text(encoding="utf-8"))
    record_id = SEED_IDS[table] or seed[table][0]["id"]
    add_release(root, RESOLVED)
    facts = root / "facts" / f"{RESOLVED}.yml"
    facts.write_text(facts.read_text(encoding="utf-8") + f"\n{table}:\n  - id: {record_id}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    (problem,) = [p for p in caught.value.problems if p.code == "duplicate-id"]
    line = seed_line(f"- id: {record_id}") or seed_line(f"- {{id: {record_id},")
    assert problem.message == f"duplicate id in table {table} (first defined at facts/{SEED}.yml:{line})"
    assert (problem.file, problem.record) == (f"facts/{RESOLVED}.yml", record_id)


@pytest.mark.parametrize(
    "source_id, code",
    [
        ("001_3F9C2A7D1B6E8045", "source-id-form"),
        ("release-2", "source-id-form"),
        ("synthetic-other-name", "source-id-file-name"),
    ],
)
def test_the_release_id_rule_is_checked(source_id: str, code: str, tmp_path: Path):
    root = copy_project(tmp_path / "project")
    add_release(root, RESTATED)
    facts = root / "facts" / f"{RESTATED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(f"  id: {RESTATED}\n", f"  id: {source_id}\n"), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    problem = next(p for p in caught.value.problems if p.code == code)
    assert (problem.file, problem.line, problem.field, problem.value) == (f"facts/{RESTATED}.yml", 5, "id", source_id)


def test_check_warns_of_a_new_record_named_as_an_existing_one_in_another_case(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    text = RELEASES / f"{RESTATED}.txt"
    archived = text.read_text(encoding="utf-8") + "Құқықтық саясатты зерттеу орталығының өкілдері сөз сөйледі.\n"
    (root / "archive" / f"{RESTATED}.txt").write_text(archived, encoding="utf-8")
    import hashlib

    data = archived.encode("utf-8")
    facts = (RELEASES / f"{RESTATED}.yml").read_text(encoding="utf-8")
    facts = facts.replace(
        "3d05e161d36c29dddc79400aa7139c7302f14657ab94371898586a53285541ba", hashlib.sha256(data).hexdigest()
    ).replace("bytes: 761", f"bytes: {len(data)}")
    facts += (
        "\norganizations:\n  - id: legal-policy-centre\n"
        "    name: {kk: Құқықтық саясатты зерттеу орталығының, en: Legal Policy Research Centre}\n"
        "    name_en: Legal Policy Research Centre\n    name_en_status: translation\n"
        "    iati_type: 22\n"
    )
    (root / "facts" / f"{RESTATED}.yml").write_text(facts, encoding="utf-8")
    result = cli(root, "check", f"facts/{RESTATED}.yml")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ok: facts/{RESTATED}.yml\n"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"warning: facts/{RESTATED}.yml:")
    assert (
        "same as lprc? 'Құқықтық саясатты зерттеу орталығының' is 'Құқықтық саясатты зерттеу орталығы'" in warnings[0]
    )


@pytest.mark.parametrize(
    "one, other, same",
    [
        ("Құқықтық саясатты зерттеу орталығы", "Құқықтық саясатты зерттеу орталығына", True),
        ("Еуропалық Одақ", "Еуропалық Одақтың", True),
        ("«Талдықорған құқық қорғау орталығы»", "Талдықорған құқық қорғау орталығымен", True),
        ("Еуропалық Одақ", "Азия Одақ", False),
        ("Адам құқықтары", "Адам құқы", False),
    ],
)
def test_names_match_in_any_case_form_of_their_last_word(one: str, other: str, same: bool):
    assert same_name(one, other) is same


def test_attribution_names_the_releases_each_table_comes_from(project: Path):
    descriptor = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    sources = {row["source_id"]: row for row in rows(project, "sources")}
    assert sorted(s["path"] for s in descriptor["sources"]) == sorted(row["path"] for row in sources.values())
    behind: dict[str, set[str]] = {}
    for quote in rows(project, "quotes"):
        behind.setdefault(quote["table_name"], set()).add(quote["source_id"])
    for resource in descriptor["resources"]:
        listed = {Path(s["path"]).stem for s in resource.get("sources", [])}
        assert behind.get(resource["name"], set()) <= listed, resource["name"]
    budgets = next(r for r in descriptor["resources"] if r["name"] == "budgets")
    behind_budgets = {*published("budgets"), RESTATED, RESOLVED, APPROXIMATE, RUSSIAN, ENGLISH, RUSSIAN_ONLY}
    assert {SEED, RESTATED, RESOLVED, APPROXIMATE} <= behind_budgets
    assert {Path(s["path"]).stem for s in budgets["sources"]} == behind_budgets
    metadata = yaml.safe_load((project / "metadata.yml").read_text(encoding="utf-8"))
    table = metadata["databases"]["kz-rule-of-law"]["tables"]["budgets"]
    assert table["source"] == f"{len(behind_budgets)} press releases"
    assert table["source_url"] == f"/kz-rule-of-law/sources?source_id__in={','.join(sorted(behind_budgets))}"
    assert table["source_url"].startswith(f"/kz-rule-of-law/sources?source_id__in={SEED},")
    people = metadata["databases"]["kz-rule-of-law"]["tables"]["people"]
    assert people["source_url"] == f"/package/archive/{SEED}.txt"


def test_the_site_shows_every_release_and_the_claims_behind_a_record(project: Path):
    database = project / "build" / "kz-rule-of-law.db"
    metadata = yaml.safe_load(render_metadata(load_descriptor(project / "datapackage.json"), rows(project, "sources")))
    site = Datasette(immutables=[str(database)], metadata=metadata, settings=SETTINGS)

    def get(path: str, **params: str):
        return asyncio.run(site.client.get(path, params=params or None))

    listed = get("/kz-rule-of-law/sources.json", _shape="array").json()
    assert {row["source_id"] for row in listed} == {*published(), *CORPUS}
    claims = get(
        "/kz-rule-of-law/releases_behind_a_record.json",
        _shape="array",
        table="budgets",
        record="breaking-the-vicious-cycle",
    ).json()
    ours = {SEED, *CORPUS}
    assert [(c["field"], c["source_id"], c["value"], c["resolution"]) for c in claims if c["source_id"] in ours] == [
        ("eu_contribution", SEED, "730000 EUR", "set aside"),
        ("eu_contribution", RESOLVED, "735000 EUR", "kept"),
        ("total_budget", SEED, "768490 EUR", None),
    ]
    page = get("/kz-rule-of-law/budgets/breaking-the-vicious-cycle")
    assert page.status_code == 200
    assert "/kz-rule-of-law/releases_behind_a_record?table=budgets" in page.text
    behind = {*published("budgets"), RESTATED, RESOLVED, APPROXIMATE, RUSSIAN, ENGLISH, RUSSIAN_ONLY}
    assert f"{len(behind)} press releases" in page.text


def test_the_benchmark_generators_releases_build_beside_the_seed(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    corpus = tmp_path / "generated"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", "--sources", "2", "--out", str(corpus)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    for text in (corpus / "archive").glob("synthetic-*.txt"):
        shutil.copy(text, root / "archive" / text.name)
        shutil.copy(corpus / "facts" / f"{text.stem}.yml", root / "facts" / f"{text.stem}.yml")
    build(root)
    ids = {row["source_id"] for row in rows(root, "sources")}
    assert SEED in ids and len([i for i in ids if i.startswith("synthetic-")]) == 2
    assert {q["source_id"] for q in rows(root, "quotes")} == ids


def test_a_project_presented_at_an_event_is_linked_as_such(project: Path):
    links = {(r["event_id"], r["project_id"]): r["relation"] for r in rows(project, "event_projects")}
    assert links[("synthetic-roundtable-almaty", "coordinated-actions-rule-of-law")] == "presented_at"
    assert links[("forum-2025-penitentiary-system", "breaking-the-vicious-cycle")] == ""  # the seed does not say


def test_an_approximate_budget_keeps_its_qualifiers_and_its_stated_equivalent(project: Path):
    budget = next(r for r in rows(project, "budgets") if r["project_id"] == "synthetic-legal-aid-in-prisons")
    assert {
        k: budget[k]
        for k in (
            "currency",
            "total_budget",
            "total_budget_qualifier",
            "eu_contribution",
            "eu_contribution_qualifier",
            "cofinancing",
            "eu_share_percent",
            "derived_qualifier",
            "equivalent_kk",
            "equivalent_en",
        )
    } == {
        "currency": "KZT",
        "total_budget": "650000000",
        "total_budget_qualifier": "about",
        "eu_contribution": "600000000",
        "eu_contribution_qualifier": "up_to",
        "cofinancing": "50000000",
        "eu_share_percent": "92.31",
        "derived_qualifier": "approximate",
        "equivalent_kk": "1,2 млн еуроға жуық",
        "equivalent_en": "about EUR 1.2 million",
    }
    exact = next(r for r in rows(project, "budgets") if r["project_id"] == "breaking-the-vicious-cycle")
    assert (exact["total_budget_qualifier"], exact["derived_qualifier"]) == ("exact", "exact")


def test_an_outcome_of_an_existing_event_is_counted(project: Path):
    (outcome,) = [r for r in rows(project, "outcomes") if r["source_id"] == OUTCOME]
    assert outcome == {
        "outcome_id": "synthetic-forum-recommendations",
        "event_id": "forum-2025-penitentiary-system",
        "source_id": OUTCOME,
        "kind": "recommendation",
        "count": "12",
        "count_qualifier": "exact",
        "about_kk": "қылмыстық-атқару жүйесін жаңғырту бойынша",
        "about_en": "on modernizing the penitentiary system",
        "about_ru": "",
    }
    (claim,) = [
        q
        for q in rows(project, "quotes")
        if q["quote_id"] == f"outcomes/synthetic-forum-recommendations/count/{OUTCOME}"
    ]
    assert (claim["text_kk"], claim["value"]) == ("12 ұсыным", "12")


def test_a_project_presented_at_an_earlier_event_need_not_run_at_its_date(project: Path, tmp_path: Path):
    links = {(r["event_id"], r["project_id"]): r["relation"] for r in rows(project, "event_projects")}
    assert links[("forum-2025-penitentiary-system", "synthetic-legal-aid-in-prisons")] == "presented_at"
    root = copy_project(tmp_path / "project")
    for source_id in CORPUS:
        add_release(root, source_id)
    facts = root / "facts" / f"{OUTCOME}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("relation: presented_at", "relation: held_within"), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    (problem,) = caught.value.problems
    assert (problem.code, problem.file, problem.expected) == (
        "event-outside-project-period",
        f"facts/{OUTCOME}.yml",
        "a project running in 2025 (it runs 2026-2028)",
    )


def test_an_event_over_two_days_and_one_known_to_its_month(project: Path):
    events = {
        r["event_id"]: (r["date"], r["date_precision"], r["end_date"])
        for r in rows(project, "events")
        if r["source_id"] == TWO_DAYS
    }
    assert events == {
        "synthetic-probation-training": ("2026-03-12", "day", "2026-03-13"),
        "synthetic-probation-follow-up": ("2026-04-01", "month", ""),
    }
    values = {
        q["record_id"]: q["value"]
        for q in rows(project, "quotes")
        if q["source_id"] == TWO_DAYS and q["table_name"] == "events" and q["field"] == "date"
    }
    assert values == {
        "synthetic-probation-training": "2026-03-12/2026-03-13",
        "synthetic-probation-follow-up": "2026-04",
    }
    seed = next(r for r in rows(project, "events") if r["event_id"] == "forum-2025-penitentiary-system")
    assert (seed["date"], seed["date_precision"], seed["end_date"]) == ("2025-11-21", "day", "")


def test_a_release_dated_to_a_month_only_is_refused(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    add_release(root, TWO_DAYS)
    facts = root / "facts" / f"{TWO_DAYS}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "  date: {kk: 2026 жылғы 14 наурызда, en: 14 March 2026}",
            "  date: {kk: 2026 жылғы сәуірде, en: April 2026}",
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    (problem,) = caught.value.problems
    assert (problem.code, problem.line, problem.field, problem.value) == (
        "date-not-a-day",
        13,
        "date",
        "2026 жылғы сәуірде",
    )


def test_countries_are_all_of_iso_3166_1_with_the_releases_spelling(project: Path):
    countries = {r["country"]: r for r in rows(project, "countries")}
    assert len(countries) == 249
    assert countries["MN"] == {
        "country": "MN",
        "name_en": "Mongolia",
        "name_kk": "Моңғолия",
        "wikidata": "",
        "name_ru": "Монголия",
    }
    assert (countries["KZ"]["name_kk"], countries["KZ"]["name_ru"], countries["KZ"]["wikidata"]) == (
        "Қазақстан",
        "Казахстан",
        "Q232",
    )
    assert countries["DE"]["name_kk"] == "Германия"


def test_the_reference_file_holds_no_countries(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    reference = root / "facts" / "reference.yml"
    reference.write_text(
        reference.read_text(encoding="utf-8") + "\ncountries:\n  - {country: KZ, name_en: Kazakhstan}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    (problem,) = caught.value.problems
    assert (problem.code, problem.message) == ("unknown-section", "unknown section 'countries'")


def test_funding_announced_for_a_programme_that_is_not_a_project(project: Path):
    (programme,) = [r for r in rows(project, "funding_programmes") if r["source_id"] == APPROXIMATE]
    assert programme == {
        "programme_id": "synthetic-eu-civil-society-grants",
        "source_id": APPROXIMATE,
        "kind": "grant_programme",
        "title_kk": "азаматтық қоғам ұйымдарына арналған",
        "title_en": "for civil society organizations",
        "funder_id": "eu",
        "amount": "2000000",
        "currency": "EUR",
        "amount_qualifier": "exact",
        "title_ru": "",
    }
