"""IATI: the codelists as IATI publishes them, the codes the organizations get, and the activity export
valid against IATI's own 2.03 XSD."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from kz_rule_of_law.curation.codelists import codelists, official_rows
from kz_rule_of_law.errors import InputError
from kz_rule_of_law.export import iati
from kz_rule_of_law.package.descriptor import load_descriptor, tables
from workspace import ROOT, SEED, cli, copy_project

SCHEMA_FILES = ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd")


def published(table: str, root: Path = ROOT) -> list[dict[str, str]]:
    """A published table's rows, as text."""
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def codelist(name: str):
    """The codelist called `name` (OrganisationType, OrganisationRole, Sector)."""
    (found,) = [c for c in codelists() if c.codelist == name]
    return found


# Codelists


@pytest.mark.parametrize("name", ["OrganisationType", "OrganisationRole", "Sector"])
def test_each_codelist_csv_is_every_item_of_the_official_xml(name: str):
    entry = codelist(name)
    items = etree.parse(str(entry.xml)).getroot().findall("codelist-items/codelist-item")
    with open(entry.csv, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(items)
    assert [r["code"] for r in rows] == [i.findtext("code").strip() for i in items]
    assert rows == official_rows(entry)


@pytest.mark.parametrize("name", ["OrganisationType", "OrganisationRole", "Sector"])
def test_each_codelist_table_is_its_csv(name: str):
    entry = codelist(name)
    with open(entry.csv, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert published(entry.table) == rows


def test_codelists_record_their_version_and_source():
    for entry in codelists():
        assert entry.version and re.search(r"\b[0-9a-f]{40}\b", entry.version), entry
        assert re.fullmatch(r"https://github\.com/IATI/[\w-]+/blob/[0-9a-f]{40}/xml/\w+\.xml", entry.source_url)
        assert entry.source_url.endswith(entry.xml.relative_to(entry.xml.parent.parent).as_posix())
        assert entry.table in tables(load_descriptor(ROOT / "datapackage.json"))


def test_organisation_types_include_the_private_sector_by_country():
    names = {r["code"]: r["name"] for r in published("iati_organisation_types")}
    assert names["71"] == "Private Sector in Provider Country"
    assert names["72"] == "Private Sector in Aid Recipient Country"
    assert names["73"] == "Private Sector in Third Country"
    assert names["24"] == "Partner Country based NGO"


def test_the_iati_type_enum_is_the_whole_codelist():
    field = tables(load_descriptor(ROOT / "datapackage.json"))["organizations"].field("iati_type")
    assert field.constraints["enum"] == [int(r["code"]) for r in published("iati_organisation_types")]
    assert "24 Partner Country based NGO" in field.description and "not 22" in field.description


def test_no_ngo_based_in_kazakhstan_is_coded_national_ngo_of_a_provider_country():
    """22 National NGO is for NGOs of a provider country; one based in Kazakhstan (a recipient) is 24."""
    based_here = [
        r for r in published("organizations") if r["country"] == "KZ" and r["iati_type"] in ("21", "22", "24")
    ]
    assert based_here
    assert all(r["iati_type"] != "22" for r in based_here), based_here
    parents = {r["organization_id"]: r for r in published("organizations")}
    for row in based_here:
        # An office of an international NGO is that NGO (21); any other NGO based here is 24.
        international_office = row["parent_id"] and parents[row["parent_id"]]["iati_type"] == "21"
        assert row["iati_type"] == ("21" if international_office else "24"), row


def test_each_project_of_the_seed_has_a_dac_sector_from_the_codelist():
    sectors = {r["code"]: r for r in published("dac_sectors")}
    projects = {r["project_id"] for r in published("projects") if r["source_id"] == SEED}
    shares = [r for r in published("project_sectors") if r["project_id"] in projects]
    assert {r["project_id"]: sectors[r["dac_sector"]]["name"] for r in shares} == {
        "coordinated-actions-rule-of-law": "Legal and judicial development",
        "breaking-the-vicious-cycle": "Human rights",
    }
    assert all(sectors[r["dac_sector"]]["status"] == "active" for r in shares)


def test_each_project_with_sectors_has_shares_adding_up_to_100():
    totals: dict[str, float] = {}
    for row in published("project_sectors"):
        totals[row["project_id"]] = totals.get(row["project_id"], 0) + float(row["percentage"])
    assert totals and all(total == 100 for total in totals.values()), totals


def test_unverified_iati_identifiers_stay_empty():
    # No public IATI source verified for these organizations or projects: the columns stay null.
    assert all(r["iati_org_id"] == "" for r in published("organizations") if r["organization_id"] != "")
    assert all(r["funder_iati_activity_id"] == "" for r in published("projects"))


@pytest.mark.slow
def test_a_project_with_a_sector_not_in_the_codelist_fails_the_build(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    facts = root / "facts" / f"{SEED}.yml"
    text = facts.read_text(encoding="utf-8")
    assert "dac_sector: 15130" in text
    facts.write_text(text.replace("dac_sector: 15130", "dac_sector: 15199", 1), encoding="utf-8")
    result = cli(root, "build")
    assert result.returncode == 2
    assert "unknown dac_sectors reference" in result.stderr and "15199" in result.stderr


@pytest.mark.slow
def test_an_organisation_type_not_in_the_codelist_fails_the_build(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    facts = root / "facts" / f"{SEED}.yml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("iati_type: 21\n    country: BE", "iati_type: 74\n    country: BE", 1), "utf-8")
    result = cli(root, "build")
    assert result.returncode == 2 and "record iphr" in result.stderr and "iati_type" in result.stderr


# The activity export


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    """Every project's activity file, from the published package."""
    made = iati.activities(iati.read_package(ROOT))
    assert made.skipped == {}
    return made.files


def test_the_schema_is_vendored_with_its_licence_and_version():
    folder = iati.SCHEMA.parent
    assert all((folder / name).is_file() for name in SCHEMA_FILES)
    assert "IATI-Guidance" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert etree.parse(str(iati.SCHEMA)).getroot().get("version") == "2.03"
    readme = (folder.parent / "README.md").read_text(encoding="utf-8")
    assert "version-2.03" in readme and "Creative Commons Attribution 4.0" in readme


def test_every_project_gets_one_activity_file(files: dict[str, bytes]):
    assert sorted(files) == sorted(r["project_id"] for r in published("projects"))


def test_every_activity_file_is_valid_against_the_xsd(files: dict[str, bytes]):
    schema = etree.XMLSchema(etree.parse(str(iati.SCHEMA)))
    for pid, data in files.items():
        tree = etree.fromstring(data)
        assert schema.validate(tree), (pid, [e.message for e in schema.error_log])
        iati.validate(data, f"{pid}.xml")


def test_an_activity_says_what_the_package_states(files: dict[str, bytes]):
    project = next(r for r in published("projects") if r["project_id"] == "coordinated-actions-rule-of-law")
    budget = next(r for r in published("budgets") if r["project_id"] == project["project_id"])
    node = etree.fromstring(files[project["project_id"]]).find("iati-activity")
    assert node.find("reporting-org").get("secondary-reporter") == "1"
    title = node.findall("title/narrative")
    assert [(n.text, n.get("{http://www.w3.org/XML/1998/namespace}lang")) for n in title] == [
        (project["title_en"], None),
        (project["title_kk"], "kk"),
    ]
    dates = {d.get("type"): d.get("iso-date") for d in node.findall("activity-date")}
    assert dates == {"1": f"{project['start_year']}-01-01", "3": f"{project['end_year']}-12-31"}
    assert node.find("activity-status").get("code") == "2"  # the release (2025) falls within 2024-2026
    assert node.find("recipient-country").get("code") == project["country"]
    shares = [r for r in published("project_sectors") if r["project_id"] == project["project_id"]]
    assert [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in node.findall("sector")] == [
        ("1", r["dac_sector"], r["percentage"]) for r in shares
    ]
    value = node.find("budget/value")
    assert (value.text, value.get("currency")) == (budget["total_budget"], budget["currency"])
    roles = {(o.findtext("narrative"), o.get("role"), o.get("type")) for o in node.findall("participating-org")}
    links = [r for r in published("project_organizations") if r["project_id"] == project["project_id"]]
    organizations = {r["organization_id"]: r for r in published("organizations")}
    assert roles == {
        (
            organizations[r["organization_id"]]["name_en"],
            r["iati_role"],
            organizations[r["organization_id"]]["iati_type"],
        )
        for r in links
    }


def test_verified_identifiers_go_into_the_activity():
    package = iati.read_package(ROOT)
    project = next(p for p in package.rows["projects"] if p["project_id"] == "coordinated-actions-rule-of-law")
    project["funder_iati_activity_id"] = "XI-IATI-EXAMPLE-1"
    funder = next(
        package.by_key("organizations", "organization_id")[r["organization_id"]]
        for r in package.rows["project_organizations"]
        if r["project_id"] == project["project_id"] and r["iati_role"] == "1"
    )
    funder["iati_org_id"] = "XI-IATI-EXAMPLE"
    data = iati.activities(package, reporting_ref="XI-IATI-REPORTER").files[project["project_id"]]
    iati.validate(data, "changed.xml")
    node = etree.fromstring(data).find("iati-activity")
    assert node.findtext("iati-identifier") == "XI-IATI-EXAMPLE-1"
    assert node.find("reporting-org").get("ref") == "XI-IATI-REPORTER"
    (funding,) = node.findall("participating-org[@role='1']")
    assert (funding.get("ref"), funding.get("activity-id")) == ("XI-IATI-EXAMPLE", "XI-IATI-EXAMPLE-1")


def test_a_broken_activity_file_is_rejected_with_the_xsd_message(files: dict[str, bytes]):
    data = next(iter(files.values()))
    tree = etree.fromstring(data)
    activity = tree.find("iati-activity")
    activity.remove(activity.find("title"))
    broken = etree.tostring(tree)
    schema = etree.XMLSchema(etree.parse(str(iati.SCHEMA)))
    assert not schema.validate(etree.fromstring(broken))
    expected = [e.message for e in schema.error_log]
    with pytest.raises(InputError) as caught:
        iati.validate(broken, "broken.xml")
    problems = caught.value.problems
    assert [p.message for p in problems] == expected
    assert "Element 'description': This element is not expected. Expected is ( title )." in expected
    assert {(p.code, p.file) for p in problems} == {("iati-schema-invalid", "broken.xml")}


def test_not_well_formed_xml_is_rejected(tmp_path: Path):
    with pytest.raises(InputError) as caught:
        iati.validate(b"<iati-activities version='2.03'><iati-activity>", "cut.xml")
    (problem,) = caught.value.problems
    assert problem.code == "iati-schema-invalid" and problem.message.startswith("not well-formed XML")


@pytest.mark.slow
def test_export_iati_writes_valid_files_and_validate_iati_rejects_a_broken_one(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    out = tmp_path / "iati"
    result = cli(root, "export", "iati", "--output", str(out))
    assert result.returncode == 0, result.stderr
    written = sorted(out.glob("*.xml"))
    assert [p.stem for p in written] == sorted(r["project_id"] for r in published("projects", root))
    assert cli(root, "export", "validate-iati", *map(str, written)).returncode == 0
    broken = tmp_path / "broken.xml"
    broken.write_bytes(written[0].read_bytes().replace(b"<activity-status", b"<activity-state", 1))
    result = cli(root, "export", "validate-iati", str(broken))
    assert result.returncode == 2
    assert "Element 'activity-state': This element is not expected." in result.stderr
    assert "Traceback" not in result.stderr


def test_the_reference_file_no_longer_takes_iati_codelists(tmp_path: Path):
    from kz_rule_of_law.build import compile_package
    from kz_rule_of_law.curation.rows import NO_REFERENCE_SECTIONS

    root = copy_project(tmp_path / "project")
    reference = root / "facts" / "reference.yml"
    reference.write_text(
        reference.read_text(encoding="utf-8") + "iati_organisation_types:\n  - {code: 22, name: National NGO}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        compile_package(root, None)
    (problem,) = caught.value.problems
    assert (problem.code, problem.message, problem.expected) == (
        "unknown-section",
        "unknown section 'iati_organisation_types'",
        NO_REFERENCE_SECTIONS,
    )


@pytest.mark.slow
def test_every_release_s_projects_export_valid_or_are_left_out_with_the_reason(tmp_path: Path):
    from kz_rule_of_law.build import build

    releases = Path(__file__).parent / "releases"
    root = copy_project(tmp_path / "project")
    # Every test release but the one whose conflict is left unresolved on purpose (it fails the build).
    for facts in sorted(releases.glob("synthetic-*.yml")):
        if facts.stem != "synthetic-conflicting-budget":
            shutil.copy(releases / f"{facts.stem}.txt", root / "archive" / f"{facts.stem}.txt")
            shutil.copy(facts, root / "facts" / facts.name)
    build(root)
    made = iati.export(root, tmp_path / "iati")
    projects = {r["project_id"]: r for r in published("projects", root)}
    linked = {r["project_id"] for r in published("project_organizations", root)}
    assert set(made.files) == set(projects) & linked and set(made.skipped) == set(projects) - linked
    assert made.skipped, "the test releases should include a project stated without its organizations"
    assert sorted(p.stem for p in (tmp_path / "iati").glob("*.xml")) == sorted(made.files)
    budgets = {r["project_id"]: r for r in published("budgets", root)}
    sources = {r["source_id"]: r for r in published("sources", root)}
    for pid, data in made.files.items():
        iati.validate(data, f"{pid}.xml")
        node = etree.fromstring(data).find("iati-activity")
        project = projects[pid]
        if pid in budgets:
            value = node.find("budget/value")
            assert (value.text, value.get("currency")) == (budgets[pid]["total_budget"], budgets[pid]["currency"])
            assert value.get("value-date") == sources[project["source_id"]]["date"]
        else:
            assert node.find("budget") is None
        dates = [d.get("iso-date") for d in node.findall("activity-date")]
        assert dates == [f"{project['start_year']}-01-01", f"{project['end_year']}-12-31"]
