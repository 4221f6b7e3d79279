"""How to cite the package: CITATION.cff and .zenodo.json, rendered from the descriptor."""

from __future__ import annotations

import json
from typing import Any

import yaml

CITATION = "CITATION.cff"
ZENODO = ".zenodo.json"
CFF_VERSION = "1.2.0"
MESSAGE = "If you use these data, please cite them by version as below."
# The descriptor's contributor roles (Data Package v1 `role`, v2 `roles`) that make a creator of
# the dataset; every other role is a contributor, typed for Zenodo by CONTRIBUTOR_TYPES.
CREATOR_ROLES = {"author", "creator"}
CONTRIBUTOR_TYPES = {
    "publisher": "Distributor",
    "maintainer": "DataManager",
    "wrangler": "DataCurator",
    "curator": "DataCurator",
    "rightsHolder": "RightsHolder",
    "funder": "Sponsor",
}
DEFAULT_CONTRIBUTOR_TYPE = "Other"


def roles(contributor: dict[str, Any]) -> list[str]:
    """A contributor's roles, whichever way the descriptor spells them (v1 `role`, v2 `roles`)."""
    found = contributor.get("roles", contributor.get("role", "contributor"))
    return [found] if isinstance(found, str) else [str(role) for role in found]


def creators(descriptor: dict[str, Any]) -> list[str]:
    """The names of the dataset's creators: the contributors with an author's role."""
    return [c["title"] for c in descriptor.get("contributors", []) if CREATOR_ROLES & set(roles(c))]


def other_contributors(descriptor: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, Zenodo contributor type) of every other role a contributor holds."""
    return [
        (c["title"], CONTRIBUTOR_TYPES.get(role, DEFAULT_CONTRIBUTOR_TYPE))
        for c in descriptor.get("contributors", [])
        for role in roles(c)
        if role not in CREATOR_ROLES
    ]


def data_license(descriptor: dict[str, Any]) -> str:
    """The SPDX identifier of the data's licence: the descriptor's first licence."""
    return str(descriptor["licenses"][0]["name"])


def release_date(descriptor: dict[str, Any]) -> str:
    """The date of the data (YYYY-MM-DD): the day the descriptor was created."""
    return str(descriptor["created"])[:10]


def citation(descriptor: dict[str, Any]) -> dict[str, Any]:
    """CITATION.cff (CFF 1.2.0) as a mapping, every value taken from the descriptor."""
    found = {
        "cff-version": CFF_VERSION,
        "message": MESSAGE,
        "type": "dataset",
        "title": descriptor["title"],
        "abstract": descriptor["description"],
        "version": descriptor["version"],
        "date-released": release_date(descriptor),
        "license": data_license(descriptor),
        "keywords": list(descriptor.get("keywords", [])),
        "authors": [{"name": name} for name in creators(descriptor)],
    }
    if _is_url(descriptor.get("homepage")):
        found["url"] = descriptor["homepage"]
    if _is_url(descriptor.get("id")):
        found["identifiers"] = [{"type": "url", "value": descriptor["id"], "description": "The package's id."}]
    return found


def _is_url(value: object) -> bool:
    """Whether a descriptor value is a web address CFF accepts as a URL."""
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def reference(descriptor: dict[str, Any]) -> str:
    """The citation as one line of text: creators (year). Title (version X) [Data set]. Licence."""
    names = "; ".join(creators(descriptor))
    year = release_date(descriptor)[:4]
    where = f" {descriptor['homepage']}" if _is_url(descriptor.get("homepage")) else ""
    return (
        f"{names} ({year}). {descriptor['title']} (version {descriptor['version']}) [Data set]. "
        f"{data_license(descriptor)}.{where}"
    )


def render_citation(descriptor: dict[str, Any]) -> str:
    """The text of CITATION.cff: YAML in the order a reader expects, with a header saying where it comes from."""
    header = "# Written from datapackage.json by `kz-rule-of-law release`; edit the descriptor, not this file.\n"
    body = yaml.safe_dump(citation(descriptor), sort_keys=False, allow_unicode=True, width=1000)
    return header + body


def zenodo(descriptor: dict[str, Any]) -> dict[str, Any]:
    """Zenodo's deposit metadata (.zenodo.json), every value taken from the descriptor."""
    found: dict[str, Any] = {
        "title": descriptor["title"],
        "upload_type": "dataset",
        "description": descriptor["description"],
        "creators": [{"name": name} for name in creators(descriptor)],
        "license": data_license(descriptor).lower(),
        "access_right": "open",
        "version": descriptor["version"],
        "publication_date": release_date(descriptor),
        "keywords": list(descriptor.get("keywords", [])),
    }
    others = other_contributors(descriptor)
    if others:
        found["contributors"] = [{"name": name, "type": kind} for name, kind in others]
    return found


def render_zenodo(descriptor: dict[str, Any]) -> str:
    """The text of .zenodo.json: indented JSON, UTF-8, trailing newline."""
    return json.dumps(zenodo(descriptor), ensure_ascii=False, indent=2) + "\n"
