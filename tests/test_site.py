"""The Datasette site: pages, canned queries, labels, API, downloads, metadata, serve and publish."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from datasette.app import SETTINGS as DATASETTE_SETTINGS

from kz_rule_of_law.database.load import views
from kz_rule_of_law.package.descriptor import tables
from kz_rule_of_law.web.dictionary import render_dictionary
from kz_rule_of_law.web.downloads import bundle_paths, download_paths, write_downloads, write_package_zip
from kz_rule_of_law.web.metadata import QUERIES, canned_queries, render_metadata
from kz_rule_of_law.web.serve import SETTINGS_FILE, prepare, publish_command, serve_command, site_files
from tests import workspace
from tests.workspace import SEED, copy_project

DB = "kz-rule-of-law"
# the seed release's projects and budgets; other releases add their own rows beside them
FUNDING = {
    "coordinated-actions-rule-of-law": (777895, 739000, 38895, "95.00"),
    "breaking-the-vicious-cycle": (768490, 730000, 38490, "94.99"),
}
FORUM = "forum-2025-penitentiary-system"


def rows(get, query: str, **params: str) -> list[dict]:
    """The rows a canned query (or table, or view) returns as JSON objects."""
    response = get(f"/{DB}/{query}.json", _shape="array", _size="max", **params)
    assert response.status_code == 200, response.text
    return response.json()


def seed_source(csv_rows) -> dict:
    """The seed release's row of the sources table."""
    (source,) = [s for s in csv_rows("sources") if s["source_id"] == SEED]
    return source


def test_every_table_and_view_page_answers_200(get, descriptor):
    names = [*tables(descriptor), *(v.name for v in views(tables(descriptor)))]
    for name in names:
        for path in (f"/{DB}/{name}", f"/{DB}/{name}.json", f"/{DB}/{name}.csv"):
            assert get(path).status_code == 200, path
    assert get("/").status_code == get(f"/{DB}").status_code == 200


def test_home_page_says_what_the_data_is_and_links_the_downloads(get, csv_rows):
    page = get("/").text
    source = seed_source(csv_rows)
    assert "What Kazakh-language press releases on the rule of law state" in page
    assert source["title_kk"] in page
    assert f'href="/package/{source["path"]}"' in page
    for path in (
        "/package/kz-rule-of-law.zip",
        "/package/datapackage.json",
        "/package/data/budgets.csv",
        f"/{DB}.db",
        "/-/funding",
        f"/{DB}/eu_funding_per_project",
    ):
        assert f'href="{path}"' in page, path
    assert 'href="https://creativecommons.org/licenses/by/4.0/">CC-BY-4.0</a>' in page


def test_there_are_at_least_five_canned_queries_with_titles_and_descriptions(descriptor):
    queries = canned_queries(tables(descriptor))
    assert len(queries) >= 5
    assert all(q["title"] and q["description"] and q["sql"] for q in queries.values())


def test_every_query_file_is_a_canned_query_that_runs(get, descriptor):
    queries = canned_queries(tables(descriptor))
    assert {path.name.split(".")[0] for path in QUERIES.glob("*.sql*")} == set(queries)
    assert list(queries)[:2] == ["eu_funding_per_project", "organizations_and_roles"]  # as queries.yml lists them
    for name, query in queries.items():
        parameters = {parameter: "" for parameter in re.findall(r"(?<![:\w]):(\w+)", query["sql"])}
        response = get(f"/{DB}/{name}.json", _shape="objects", **parameters)
        assert response.status_code == 200, (name, response.text)
        assert response.json()["ok"] is not False, name


def test_home_page_links_every_canned_query(get, descriptor):
    page = get("/").text
    for name, query in canned_queries(tables(descriptor)).items():
        assert f'<li><a href="/{DB}/{name}">{query["title"]}</a></li>' in page


def test_the_settings_file_holds_datasette_settings_that_serve_passes_on(root):
    settings = json.loads(SETTINGS_FILE.read_text(encoding="utf-8"))
    assert set(settings) <= {setting.name for setting in DATASETTE_SETTINGS}
    command = serve_command(site_files(root), "127.0.0.1", 8001)
    passed = {command[i + 1]: command[i + 2] for i, arg in enumerate(command) if arg == "--setting"}
    assert passed == {
        name: ("on" if value else "off") if isinstance(value, bool) else str(value) for name, value in settings.items()
    }
    assert passed["sql_time_limit_ms"] == "1000" and passed["suggest_facets"] == "off"


def test_eu_funding_query_gives_amounts_and_shares_largest_first(get):
    found = [
        (
            r["project_id"],
            r["total_budget"],
            r["eu_contribution"],
            r["cofinancing"],
            r["eu_share_percent"],
            r["cofinancing_share_percent"],
        )
        for r in rows(get, "eu_funding_per_project")
        if r["project_id"] in FUNDING
    ]
    assert found == [
        ("coordinated-actions-rule-of-law", 777895, 739000, 38895, 95.0, 5.0),
        ("breaking-the-vicious-cycle", 768490, 730000, 38490, 94.99, 5.01),
    ]


def test_organizations_query_lists_every_organization_and_its_roles(get, csv_rows):
    found = {r["organization_id"]: r for r in rows(get, "organizations_and_roles")}
    assert set(found) == {r["organization_id"] for r in csv_rows("organizations")}
    coordinated = "Coordinated Civil Society Action to Promote the Rule of Law for All"
    forum = "Kazakhstan's penitentiary system – modernization, law and law enforcement practice"
    assert f"{coordinated} (Implementing)" in found["lprc"]["projects"].split("; ")
    assert f"{coordinated} (Funding)" in found["eu"]["projects"].split("; ")
    assert found["unodc"]["events"] == f"{forum} (partner)"
    assert f"{forum} (funder)" in found["eu"]["events"].split("; ")
    assert f"{csv_rows('sources')[0]['title_en']} (publisher)" in found["lprc"]["press_releases"].split("; ")
    assert (
        found["eu-delegation-kz"]["positions"]
        == "Ambassador of the European Union to Kazakhstan (held by Aleška Simkić)"
    )
    names = [r["name_en"] for r in rows(get, "organizations_and_roles")]
    assert names == sorted(names)


def test_forum_at_a_glance_query(get, csv_rows):
    (forum,) = [r for r in rows(get, "forum_at_a_glance") if r["event_id"] == FORUM]
    topics = sorted((t for t in csv_rows("topics") if t["event_id"] == FORUM), key=lambda t: int(t["position"]))
    assert (forum["date"], forum["city_en"], forum["city_kk"], forum["country"]) == (
        "2025-11-21",
        "Astana",
        "АСТАНА",
        "Kazakhstan",
    )
    assert (forum["participants"], forum["participants_kk"]) == ("more than 80", "80-нен астам")
    assert forum["countries"] == "Kazakhstan; Kyrgyzstan; Mongolia"
    assert forum["topics_en"] == "; ".join(t["title_en"] for t in topics)
    assert forum["topics_kk"] == "; ".join(t["title_kk"] for t in topics)
    assert (forum["partners"], forum["funders"]) == ("United Nations Office on Drugs and Crime", "European Union")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("азаптау", {("projects", "breaking-the-vicious-cycle"), ("objectives", "torture-prevention")}),
        ("Симкич", {("people", "aleska-simkic")}),
        ("симк", {("people", "aleska-simkic")}),
        ("Құқықтық саясат", {("organizations", "lprc")}),
        ("torture", {("projects", "breaking-the-vicious-cycle"), ("objectives", "torture-prevention")}),
        (
            "penitentiary",
            {
                ("events", "forum-2025-penitentiary-system"),
                ("topics", "penitentiary-management"),
                ("topics", "penitentiary-policy-modernization"),
            },
        ),
        ("", set()),
        ('"', set()),
    ],
)
def test_search_query_finds_kazakh_and_english_words_by_their_beginnings(get, q, expected):
    assert {(r["kind"], r["id"]) for r in rows(get, "search", q=q)} == expected


def test_search_query_finds_the_statement_by_a_kazakh_word(get, csv_rows):
    (statement,) = csv_rows("statements")
    found = rows(get, "search", q="әріптестік")
    assert [(r["kind"], r["id"], r["text_kk"]) for r in found] == [
        ("statements", statement["statement_id"], statement["text_kk"])
    ]


def test_table_search_matches_word_beginnings_too(get):
    assert [r["project_id"] for r in rows(get, "projects", _search="азаптау")] == ["breaking-the-vicious-cycle"]


def test_facts_query_gives_each_quote_with_its_source(get, csv_rows):
    source = seed_source(csv_rows)
    assert len(rows(get, "facts_with_sources", table="")) == len(csv_rows("quotes"))
    budgets = [r for r in rows(get, "facts_with_sources", table="budgets") if r["source_id"] == SEED]
    assert [(r["record_id"], r["field"], r["quote_kk"], r["quote_en"]) for r in budgets] == [
        ("breaking-the-vicious-cycle", "eu_contribution", "730 000 еуро", "EUR 730,000"),
        ("breaking-the-vicious-cycle", "total_budget", "768 490 еуроны", "EUR 768,490"),
        ("coordinated-actions-rule-of-law", "eu_contribution", "739 000 еуро", "EUR 739,000"),
        ("coordinated-actions-rule-of-law", "total_budget", "777 895 еуроны", "EUR 777,895"),
    ]
    assert {r["source_title_kk"] for r in budgets} == {source["title_kk"]}


def test_who_said_what_query(get, csv_rows):
    (statement,) = csv_rows("statements")
    (said,) = rows(get, "who_said_what")
    assert (said["speaker"], said["speaker_kk"], said["position"]) == (
        "Aleška Simkić",
        "Алешка Симкич",
        "Ambassador of the European Union to Kazakhstan",
    )
    assert (said["text_kk"], said["text_en"]) == (statement["text_kk"], statement["text_en"])


def test_row_page_shows_foreign_keys_by_label(get):
    page = get(f"/{DB}/project_organizations/coordinated-actions-rule-of-law,lprc,4").text
    assert f'<a href="/{DB}/organizations/lprc">Legal Policy Research Centre</a>&nbsp;<em>lprc</em>' in page
    assert (
        f'<a href="/{DB}/projects/coordinated-actions-rule-of-law">Coordinated Civil Society Action '
        f"to Promote the Rule of Law for All</a>"
    ) in page
    assert f'<a href="/{DB}/iati_organisation_roles/4">Implementing</a>' in page


def test_table_page_shows_foreign_keys_by_label(get):
    page = get(f"/{DB}/positions").text
    assert f'<a href="/{DB}/people/aleska-simkic">Aleška Simkić</a>' in page


def test_funding_csv_parses_back_to_the_exact_amounts(get):
    response = get(f"/{DB}/funding_per_project.csv")
    found = {
        r["project_id"]: tuple(
            Decimal(r[c]) for c in ("total_budget", "eu_contribution", "cofinancing", "eu_share_percent")
        )
        for r in csv.DictReader(io.StringIO(response.text))
        if r["project_id"] in FUNDING
    }
    assert found == {p: tuple(Decimal(str(v)) for v in amounts) for p, amounts in FUNDING.items()}
    assert ",777895,739000,38895," in response.text


def test_funding_json_returns_the_exact_amounts(get):
    found = {
        r["project_id"]: (
            r["total_budget"],
            r["eu_contribution"],
            r["cofinancing"],
            Decimal(str(r["eu_share_percent"])),
        )
        for r in rows(get, "funding_per_project")
        if r["project_id"] in FUNDING
    }
    assert found == {p: (t, e, c, Decimal(s)) for p, (t, e, c, s) in FUNDING.items()}


def test_funding_chart_draws_each_project(get, csv_rows):
    page = get("/-/funding").text
    budgets = csv_rows("budgets")
    assert page.count('<g class="funding-bar"') == len(budgets)
    for text in (
        "EU 739,000 EUR (95.00%) + co-financing 38,895 EUR = 777,895 EUR",
        "EU 730,000 EUR (94.99%) + co-financing 38,490 EUR = 768,490 EUR",
        "Қатыгез циклды бұзу",
    ):
        assert text in page
    bars = re.findall(
        r'data-project="([^"]+)".*?<rect x="0"[^>]*width="([0-9.]+)".*?<rect [^>]*width="([0-9.]+)"', page, re.S
    )
    widths = {project: float(eu) + float(co) for project, eu, co in bars}
    largest = max(int(b["total_budget"]) for b in budgets)  # the largest bar spans the full 760
    assert widths["coordinated-actions-rule-of-law"] == pytest.approx(760 * 777895 / largest, abs=0.1)
    assert widths["breaking-the-vicious-cycle"] == pytest.approx(760 * 768490 / largest, abs=0.1)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("datapackage.json", "application/json"),
        ("data/budgets.csv", "text/csv; charset=utf-8"),
        ("data/quotes.csv", "text/csv; charset=utf-8"),
        ("archive/000_54035fae270ab93c.txt", "text/plain; charset=utf-8"),
    ],
)
def test_package_files_are_served_byte_for_byte_as_utf8(get, root, path, content_type):
    response = get(f"/package/{path}")
    assert response.status_code == 200
    assert response.content == (root / path).read_bytes()
    assert response.headers["content-type"] == content_type


def test_writing_the_downloads_again_rewrites_only_what_changed(root, tmp_path):
    target = tmp_path / "downloads"
    write_downloads(root, target)
    before = {p.relative_to(target): p.stat().st_ino for p in target.rglob("*") if p.is_file()}
    (target / "data" / "quotes.csv").write_text("stale", encoding="utf-8")
    (target / "data" / "dropped.csv").write_text("a,b\n", encoding="utf-8")
    write_downloads(root, target)
    after = {p.relative_to(target): p.stat().st_ino for p in target.rglob("*") if p.is_file()}
    assert (target / "data" / "quotes.csv").read_bytes() == (root / "data" / "quotes.csv").read_bytes()
    assert set(after) == set(before) and Path("kz-rule-of-law.zip") in after
    assert [p for p in after if after[p] != before[p]] == [Path("data/quotes.csv")]


def test_every_csv_of_the_descriptor_is_served(get, root, descriptor):
    for resource in descriptor["resources"]:
        assert get(f"/package/{resource['path']}").content == (root / resource["path"]).read_bytes()


def test_zip_holds_the_package_and_is_the_same_bytes_every_time(get, root, descriptor):
    served = get("/package/kz-rule-of-law.zip").content
    package, archived = download_paths(root, descriptor)
    files = {p: (root / p).read_bytes() for p in [*package, *archived, *bundle_paths(root)]}
    written, again = io.BytesIO(), io.BytesIO()
    write_package_zip(root, files, written)
    write_package_zip(root, reversed(files), again)
    assert served == written.getvalue() == again.getvalue()
    with zipfile.ZipFile(io.BytesIO(served)) as archive:
        assert archive.namelist() == sorted(files)
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert all(archive.read(name) == data for name, data in files.items())


def test_data_dictionary_is_served_as_readable_text(get, descriptor):
    response = get("/package/data-dictionary.md")
    assert response.content == render_dictionary(descriptor)
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_metadata_column_descriptions_equal_the_descriptor(get, descriptor):
    served = get("/-/metadata.json").json()["databases"][DB]["tables"]
    for name, table in tables(descriptor).items():
        assert served[name]["columns"] == {f.name: f.description for f in table.fields}, name
        assert (served[name]["title"], served[name]["description"]) == (table.title, table.description)


def test_labels_sorts_and_facets_follow_the_descriptor(get):
    served = get("/-/metadata.json").json()["databases"][DB]["tables"]
    assert served["organizations"]["label_column"] == "name_en"
    assert served["projects"]["label_column"] == "title_en"
    assert served["iati_organisation_roles"]["label_column"] == "name"
    assert served["project_organizations"]["sort"] == "project_id"
    assert served["organizations"]["facets"] == ["name_en_status", "legal_form", "iati_type", "country"]
    assert served["project_organizations"]["facets"] == ["iati_role"]
    assert served["budgets"]["facets"] == [
        "currency",
        "total_budget_qualifier",
        "eu_contribution_qualifier",
        "derived_qualifier",
    ]
    assert served["events"]["facets"] == ["event_type", "country", "participants_qualifier", "date_precision"]
    assert served["event_organizations"]["facets"] == ["role"]


def test_facets_are_shown_on_table_pages(get):
    data = get(f"/{DB}/project_organizations.json", project_id__in=",".join(FUNDING)).json()
    assert {v["value"]: v["count"] for v in data["facet_results"]["iati_role"]["results"]} == {4: 5, 1: 2}


def test_search_tables_are_hidden(get):
    listed = {t["name"]: t["hidden"] for t in get(f"/{DB}.json").json()["tables"]}
    assert listed["organizations_fts"] is True and listed["statements_fts"] is True
    assert listed["organizations"] is False


def test_committed_metadata_is_what_render_metadata_writes(root, descriptor, csv_rows):
    assert (root / "metadata.yml").read_bytes() == render_metadata(descriptor, csv_rows("sources"))


def test_committed_data_dictionary_is_what_render_dictionary_writes(root, descriptor):
    assert (root / "docs" / "data-dictionary.md").read_bytes() == render_dictionary(descriptor)


def test_metadata_is_valid_yaml_without_units(descriptor, csv_rows):
    text = render_metadata(descriptor, csv_rows("sources"))
    assert yaml.safe_load(text)["license"] == "CC-BY-4.0"
    assert b"units:" not in text


def test_data_dictionary_lists_types_constraints_and_keys(descriptor):
    text = render_dictionary(descriptor).decode("utf-8")
    assert (
        "| `total_budget` | Total budget | number | INTEGER or REAL | yes | minimum 0 | "
        "Total budget as stated in the source. |" in text
    )
    assert "- Primary key: `project_id`, `organization_id`, `iati_role`" in text
    assert "- Foreign key: `parent_id` → [organizations](#organizations) `organization_id`" in text
    assert "one of `EUR`, `KZT`, `USD`, `RUB`" in text
    assert "### funding_per_project" in text


@pytest.mark.parametrize("path", ["/\\example.com/", "//example.com/", "/\\/example.com/", "/%5C%5Cexample.com/"])
def test_paths_that_would_redirect_off_site_answer_404(get, path):
    response = get(path)
    assert response.status_code == 404
    assert "location" not in response.headers


def test_trailing_slash_still_redirects_on_site(get):
    response = get(f"/{DB}/")
    assert (response.status_code, response.headers["location"]) == (302, f"/{DB}")


def test_publish_dry_run_prints_the_wheel_and_datasette_publish_commands(root, descriptor):
    result = workspace.cli(root, "publish", "cloudrun", "--dry-run")
    assert result.returncode == 0, result.stderr
    wheel, publish = result.stdout.splitlines()
    assert wheel == f"{sys.executable} -m pip wheel --no-deps --quiet -w build/dist {root}"
    assert publish.startswith("datasette publish cloudrun build/kz-rule-of-law.db --service kz-rule-of-law ")
    for part in (
        "--metadata metadata.yml",
        "--template-dir scripts/kz_rule_of_law/web/templates",
        "--static package:build/package",
        "--static dist:build/dist",
        "--install datasette==0.65.5",
        "--install datasette-search-all==1.1.4",
        f"--install dist/kz_rule_of_law-{descriptor['version']}-py3-none-any.whl",  # pyproject's version is the data's
        "--extra-options '--setting sql_time_limit_ms 1000 ",
        "--setting suggest_facets off",
    ):
        assert part in publish
    assert "--plugins-dir" not in publish  # the wheel's entry point registers the plugin


def test_publish_to_fly_passes_settings_directly(root):
    command = publish_command(site_files(root), "fly", DB)
    assert command[:6] == ["datasette", "publish", "fly", "build/kz-rule-of-law.db", "--app", DB]
    assert command[-3:] == ["--setting", "truncate_cells_html", "400"]


def cli(root: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the kz-rule-of-law command in `cwd`, giving up after 30 seconds."""
    env = {**os.environ, "PYTHONPATH": str(root / "scripts")}
    return subprocess.run(
        [sys.executable, "-m", "kz_rule_of_law", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=workspace.default_signals,
    )


@pytest.mark.server
def test_serve_on_a_port_in_use_fails_with_one_line(root, project_copy):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli(root, project_copy, "serve", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: cannot serve on 127.0.0.1:{port}: Address already in use (another server? try --port)"
    ]


@pytest.mark.server
def test_serve_with_a_corrupt_database_fails_with_one_line(root, tmp_path):
    project = copy_project(tmp_path / "project")
    prepare(project)
    database = site_files(project).database
    database.write_bytes(b"this is not a database" * 100)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = cli(root, project, "serve", "--port", str(port))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {database}: not a usable SQLite database")


def test_pages_of_the_immutable_database_are_answered_from_memory_the_second_time(get):
    first = get("/kz-rule-of-law/budgets", _sort="total_budget")
    second = get("/kz-rule-of-law/budgets", _sort="total_budget")
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.headers["x-kz-cache"], second.headers["x-kz-cache"]) == ("miss", "hit")
    assert first.content == second.content and b"777895" in second.content
    assert second.headers["content-type"] == first.headers["content-type"]


def test_errors_are_never_cached(get):
    path = "/kz-rule-of-law/no_such_table_for_the_cache_test"
    assert [get(path).headers.get("x-kz-cache") for _ in range(2)] == ["miss", "miss"]
    assert get(path).status_code == 404


def test_row_page_names_the_releases_behind_its_values_and_the_fields_each_states(get, csv_rows):
    seed = next(s for s in csv_rows("sources") if s["source_id"] == SEED)
    claims = [
        q
        for q in csv_rows("quotes")
        if (q["table_name"], q["record_id"]) == ("budgets", "coordinated-actions-rule-of-law")
    ]
    page = get(f"/{DB}/budgets/coordinated-actions-rule-of-law")
    assert page.status_code == 200
    section = page.text.split('<section class="kz-releases"', 1)[1].split("</section>", 1)[0]
    assert f'href="/{DB}/sources/{SEED}"' in section and seed["title_kk"] in section
    assert {q["source_id"] for q in claims} == {SEED}
    for claim in claims:
        assert claim["field"] in section
    assert f"record_id=coordinated-actions-rule-of-law&amp;source_id={SEED}" in section


def test_a_row_of_a_code_list_names_no_release(get):
    page = get(f"/{DB}/iati_organisation_roles/1")
    assert page.status_code == 200 and 'class="kz-releases"' not in page.text
