"""Write each project as an IATI 2.03 activity file (a secondary report), validated against IATI's own XSD.

The package states years, not days, and one budget for a whole multi-year period: an activity's
planned start is 1 January of its first year and its planned end 31 December of its last (each date
says so in a narrative), and its budget is one indicative budget over that span. The data dictionary
says the same beside the columns concerned (projects.start_year, end_year; budgets.total_budget).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import InputError, Problem
from ..package.descriptor import load_descriptor, tables

SCHEMA = Path(__file__).resolve().parent.parent / "reference" / "iati" / "schema" / "iati-activities-schema.xsd"
VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Who reports: this package, reproducing what others published (IATI's secondary reporter).
REPORTER_NAME = "kz-rule-of-law contributors"
REPORTER_TYPE = "90"  # OrganisationType: Other (a group of contributors, no organisation of a listed kind)
# IATI codes the export uses: ActivityDateType, ActivityStatus, BudgetType and BudgetStatus,
# DescriptionType, SectorVocabulary.
PLANNED_START, PLANNED_END = "1", "3"
PIPELINE, IMPLEMENTATION, FINALISATION = "1", "2", "3"
ORIGINAL, INDICATIVE = "1", "1"
GENERAL_DESCRIPTION = "1"
DAC_5_DIGIT = "1"
FUNDING = "1"
TABLES = ("projects", "project_organizations", "project_sectors", "organizations", "budgets", "sources", "dac_sectors")


@dataclass(frozen=True)
class Package:
    """The rows of the tables the export reads, each row by column name (empty cells as None)."""

    rows: dict[str, list[dict[str, str | None]]]

    def by_key(self, table: str, key: str) -> dict[str, dict[str, str | None]]:
        """A table's rows by the value of one column."""
        return {str(row[key]): row for row in self.rows[table]}


def read_package(root: Path) -> Package:
    """The published tables the export needs, read from the CSVs the descriptor names."""
    schema = tables(load_descriptor(root / "datapackage.json"))
    rows = {}
    for name in TABLES:
        with open(root / schema[name].path, encoding="utf-8", newline="") as handle:
            rows[name] = [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(handle)]
    return Package(rows)


@dataclass(frozen=True)
class Activities:
    """The activity file of each project IATI can hold, by project id, and why each other one is left out."""

    files: dict[str, bytes]
    skipped: dict[str, str]


def activities(package: Package, reporting_ref: str = "") -> Activities:
    """Each project's IATI activity file, by project id, in project id order; a project with no
    organization stated is left out, since IATI requires at least one participating-org."""
    organizations = package.by_key("organizations", "organization_id")
    budgets = package.by_key("budgets", "project_id")
    sources = package.by_key("sources", "source_id")
    sectors = package.by_key("dac_sectors", "code")
    files, skipped = {}, {}
    for project in sorted(package.rows["projects"], key=lambda p: str(p["project_id"])):
        pid = str(project["project_id"])
        links = [r for r in package.rows["project_organizations"] if r["project_id"] == pid]
        if not links:
            skipped[pid] = "no organization is stated for it (project_organizations); IATI requires a participating-org"
            continue
        shares = [r for r in package.rows["project_sectors"] if r["project_id"] == pid]
        parts = Parts(
            project, links, shares, organizations, budgets.get(pid), sources[str(project["source_id"])], sectors
        )
        files[pid] = document(activity(parts, reporting_ref))
    return Activities(files, skipped)


@dataclass(frozen=True)
class Parts:
    """What one activity is made from: the project, its organizations, sectors, budget and release."""

    project: dict[str, str | None]
    links: list[dict[str, str | None]]
    shares: list[dict[str, str | None]]
    organizations: dict[str, dict[str, str | None]]
    budget: dict[str, str | None] | None
    source: dict[str, str | None]
    sectors: dict[str, dict[str, str | None]]


def activity(parts: Parts, reporting_ref: str) -> etree._Element:
    """The iati-activity element of one project, its children in the order the XSD requires."""
    project = parts.project
    node = etree.Element("iati-activity", {"default-currency": (parts.budget or {}).get("currency") or "EUR"})
    node.set(XML_LANG, "en")
    _text(node, "iati-identifier", identifier(project, reporting_ref))
    reporter = _child(node, "reporting-org", ref=reporting_ref, type=REPORTER_TYPE, **{"secondary-reporter": "1"})
    _narratives(reporter, REPORTER_NAME)
    _narratives(_child(node, "title"), project["title_en"], project["title_kk"])
    description = _child(node, "description", type=GENERAL_DESCRIPTION)
    _narratives(description, project["aim_en"] or project["title_en"], project["aim_kk"])
    for link in sorted(parts.links, key=lambda r: (str(r["iati_role"]), str(r["organization_id"]))):
        _participant(node, link, parts.organizations[str(link["organization_id"])], project)
    _child(node, "activity-status", code=status(project, parts.source))
    _dates(node, project)
    if project["country"]:
        _child(node, "recipient-country", code=str(project["country"]), percentage="100")
    for share in sorted(parts.shares, key=lambda r: str(r["dac_sector"])):
        code = str(share["dac_sector"])
        sector = _child(node, "sector", vocabulary=DAC_5_DIGIT, code=code, percentage=str(share["percentage"]))
        _narratives(sector, parts.sectors[code]["name"])
    if parts.budget is not None:
        _budget(node, project, parts.budget, parts.source)
    return node


def identifier(project: dict[str, str | None], reporting_ref: str) -> str:
    """The activity's iati-identifier: the funder's own where verified (a secondary report repeats
    the primary publisher's identifier), else the reporter's prefix and the project id."""
    if project["funder_iati_activity_id"]:
        return str(project["funder_iati_activity_id"])
    return f"{reporting_ref}-{project['project_id']}" if reporting_ref else str(project["project_id"])


def status(project: dict[str, str | None], source: dict[str, str | None]) -> str:
    """ActivityStatus as of the date of the release that states the project: pipeline before its first
    year, implementation within its years, finalisation after its last."""
    year = int(str(source["date"])[:4])
    if year < int(str(project["start_year"])):
        return PIPELINE
    return IMPLEMENTATION if year <= int(str(project["end_year"])) else FINALISATION


def _participant(
    node: etree._Element, link: dict[str, str | None], org: dict[str, str | None], project: dict[str, str | None]
) -> None:
    """A participating-org: the organization's role, type and IATI identifier where verified, and for
    the funder its own identifier of the activity where verified."""
    attributes = {"role": str(link["iati_role"]), "type": str(org["iati_type"])}
    if org["iati_org_id"]:
        attributes["ref"] = str(org["iati_org_id"])
    if link["iati_role"] == FUNDING and project["funder_iati_activity_id"]:
        attributes["activity-id"] = str(project["funder_iati_activity_id"])
    _narratives(_child(node, "participating-org", **attributes), org["name_en"], org["name_kk"])


def _dates(node: etree._Element, project: dict[str, str | None]) -> None:
    """Planned start and end: the first and last day of the stated years, saying only years are stated."""
    start, end = project["start_year"], project["end_year"]
    for kind, day, note in (
        (PLANNED_START, f"{start}-01-01", f"The source states the year only ({start}): its first day stands for it."),
        (PLANNED_END, f"{end}-12-31", f"The source states the year only ({end}): its last day stands for it."),
    ):
        _narratives(_child(node, "activity-date", type=kind, **{"iso-date": day}), note)


def _budget(
    node: etree._Element, project: dict[str, str | None], budget: dict[str, str | None], source: dict[str, str | None]
) -> None:
    """One indicative budget over the whole stated period, valued at the date of the release."""
    element = _child(node, "budget", type=ORIGINAL, status=INDICATIVE)
    _child(element, "period-start", **{"iso-date": f"{project['start_year']}-01-01"})
    _child(element, "period-end", **{"iso-date": f"{project['end_year']}-12-31"})
    value = _child(element, "value", currency=str(budget["currency"]), **{"value-date": str(source["date"])})
    value.text = str(budget["total_budget"])


def _child(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    """Append an element with the attributes given."""
    return etree.SubElement(parent, tag, attributes)


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    """Append an element holding text."""
    element = _child(parent, tag)
    element.text = text
    return element


def _narratives(parent: etree._Element, english: str | None, kazakh: str | None = None) -> None:
    """The English narrative (the activity's default language) and the Kazakh one, marked xml:lang."""
    if english:
        _text(parent, "narrative", english)
    if kazakh:
        _text(parent, "narrative", kazakh).set(XML_LANG, "kk")


def document(node: etree._Element) -> bytes:
    """An iati-activities file holding one activity, as UTF-8 bytes with an XML declaration."""
    root = etree.Element("iati-activities", version=VERSION)
    root.append(node)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


@functools.cache
def schema() -> etree.XMLSchema:
    """IATI's 2.03 activity schema, from the vendored files (it includes iati-common.xsd and xml.xsd)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def validate(data: bytes, name: str) -> None:
    """Raise InputError with each message of the XSD if `data` is not a valid IATI activity file."""
    try:
        tree = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as e:
        raise InputError(
            Problem(
                f"not well-formed XML: {e.msg}", file=name, line=e.lineno, expected="XML", code="iati-schema-invalid"
            )
        ) from None
    checker = schema()
    if checker.validate(tree):
        return
    raise InputError(*problems(checker.error_log, name))


def problems(log: Iterable[Any], name: str) -> list[Problem]:
    """The XSD's messages as problems, each at its line."""
    return [
        Problem(
            error.message,
            file=name,
            line=error.line,
            expected=f"an IATI {VERSION} activity file (iati-activities-schema.xsd)",
            code="iati-schema-invalid",
        )
        for error in log
    ]


def export(root: Path, output: Path, reporting_ref: str = "") -> Activities:
    """Write every project's activity file, `<project id>.xml`, under `output`, each checked against
    the XSD first: nothing is written unless every file is valid."""
    made = activities(read_package(root), reporting_ref)
    for pid, data in made.files.items():
        validate(data, f"{pid}.xml")
    output.mkdir(parents=True, exist_ok=True)
    for pid, data in made.files.items():
        (output / f"{pid}.xml").write_bytes(data)
    return made
