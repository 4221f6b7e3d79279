"""`/-/changes`: what changed in each release of the data, from CHANGELOG.md; `/-/changes.atom`: its feed."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette import Response
from datasette.utils.asgi import Request

from ...versions.changelog import CHANGELOG, Entry, parse
from ...versions.citation import creators
from .version import DESCRIPTOR, downloads_file

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
CHANGES_PATH = "/-/changes"
FEED_PATH = "/-/changes.atom"
# Entry ids are UUIDs made from the package's name and the version: the same release, the same id,
# whatever host serves the feed.
ID_NAMESPACE = uuid.NAMESPACE_URL


def routes() -> list[tuple[str, Callable[[Datasette, Request], Awaitable[Response]]]]:
    """The page of every release, the page of one, and the feed."""
    return [
        (r"^/-/changes$", changes_page),
        (r"^/-/changes/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)$", changes_page),
        (r"^/-/changes\.atom$", changes_feed),
    ]


def _read(datasette: Datasette, name: str) -> str:
    """A text file of the served package, empty where the site has none."""
    path = downloads_file(datasette, name)
    try:
        return path.read_text(encoding="utf-8") if path is not None else ""
    except (OSError, UnicodeDecodeError):
        return ""


def entries(datasette: Datasette) -> list[Entry]:
    """The releases CHANGELOG.md states, newest first."""
    return parse(_read(datasette, CHANGELOG))


def descriptor(datasette: Datasette) -> dict[str, Any]:
    """The served descriptor, or an empty one."""
    try:
        found = json.loads(_read(datasette, DESCRIPTOR) or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


async def changes_page(datasette: Datasette, request: Request) -> Response:
    """Every release's changes, or one release's (404 for a version CHANGELOG.md does not have)."""
    found = entries(datasette)
    version = request.url_vars.get("version")
    if version is not None:
        found = [entry for entry in found if entry.version == version]
        if not found:
            return Response.html(f"No release {version} of the data", status=404)
    context = {
        "entries": found,
        "one": version is not None,
        "feed_url": datasette.urls.path(FEED_PATH),
        "changes_url": datasette.urls.path(CHANGES_PATH),
        "changelog_url": datasette.urls.path(f"/package/{CHANGELOG}"),
    }
    return Response.html(await datasette.render_template("changes.html", context, request=request))


async def changes_feed(datasette: Datasette, request: Request) -> Response:
    """An Atom feed with an entry per release."""
    page = datasette.absolute_url(request, datasette.urls.path(CHANGES_PATH))
    feed = atom(descriptor(datasette), entries(datasette), page, datasette.absolute_url(request, request.path))
    return Response(feed, content_type=ATOM_TYPE)


def release_id(name: str, version: str) -> str:
    """The stable id of a release in the feed."""
    return uuid.uuid5(ID_NAMESPACE, f"{name}/releases/{version}").urn


def atom(package: dict[str, Any], found: list[Entry], page: str, self_url: str) -> str:
    """The Atom 1.0 document of the releases: the feed's id and each entry's are stable."""
    name = str(package.get("name", "data"))
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", uuid.uuid5(ID_NAMESPACE, f"{name}/releases").urn)
    _text(feed, "title", f"{package.get('title', name)}: releases of the data")
    newest = found[0].date if found else str(package.get("created", "1970-01-01"))[:10]
    _text(feed, "updated", f"{newest}T00:00:00Z")
    for creator in creators(package) or [name]:
        _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", creator)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=page)
    for entry in found:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "id", release_id(name, entry.version))
        _text(item, "title", f"Release {entry.version} ({entry.date})")
        _text(item, "updated", f"{entry.date}T00:00:00Z")
        ET.SubElement(item, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=f"{page}/{entry.version}")
        _text(item, "summary", summary(entry))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def summary(entry: Entry) -> str:
    """An entry's text for a feed reader: its paragraphs, the counts per table and the notable changes."""
    counts = [f"{t}: +{added} -{removed} ~{changed}" for t, added, removed, changed, *_ in entry.counts]
    return "\n".join([*entry.paragraphs, *counts, *(f"- {line}" for line in entry.notable)])


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    """A child element in Atom's namespace holding `text`."""
    child = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    child.text = text
    return child
