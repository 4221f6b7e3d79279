"""The Datasette plugin of the kz-rule-of-law site, registered through the package's `datasette`
entry point; one concern a module:

- guard: read-only, URL length cap, off-site paths, unknown formats, no client-set `_ttl`;
- limits: bounded work per request: facets deduplicated and capped, arbitrary SQL capped per client;
- cache: complete responses kept in memory (the database is immutable);
- static: the downloads' text types say UTF-8;
- csvsafe: no spreadsheet formula in a CSV answer of the database;
- errors: error pages with the right status, without rich tracebacks;
- sqlguard: no huge value, no endless printf();
- search: full-text search by word beginnings;
- labels: foreign keys labelled on row pages;
- provenance: row pages name the press releases behind their values;
- language: the page's language and the translation of the interface's strings (`_`);
- chart: the funding chart at /-/funding;
- release_page, quote_page: each press release to read (/-/releases/<source id>), its quoted spans
  highlighted (marked_text), and each quote's page (/-/quotes/<quote id>) with its sentence
  (sentences) and how to cite it (citation); release_data reads what they show;
- quote_links: values in canned queries link to their quotes;
- version: the version and date of the data on every page;
- changes: what changed in each release (/-/changes, from CHANGELOG.md) and their Atom feed (/-/changes.atom);
- patches: every use of a Datasette private, and the workarounds that replace its methods.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette import hookimpl

from . import (
    cache,
    changes,
    chart,
    csvsafe,
    guard,
    language,
    limits,
    provenance,
    quote_page,
    release_page,
    static,
    version,
)
from .asgi import App
from .errors import handle_exception
from .labels import render_cell
from .patches import patch_datasette
from .search import register_escape_fts
from .sqlguard import cap_values

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

__all__ = [
    "asgi_wrapper",
    "cap_values",
    "extra_template_vars",
    "handle_exception",
    "patch_datasette",
    "register_escape_fts",
    "register_routes",
    "render_cell",
]


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Callable[[App], App]:
    """The site's middleware, outermost first: guard, facet cap, response cache, SQL caps (on what
    the cache does not answer), static charset, CSV escaping."""
    responses = cache.from_environment()
    sql = limits.SqlLimits.for_site(datasette)

    def wrap(app: App) -> App:
        inner = sql.wrap(datasette, static.wrap(datasette, csvsafe.wrap(datasette, app)))
        return guard.wrap(datasette, limits.wrap_facets(datasette, responses.wrap(inner)))

    return wrap


@hookimpl
def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Datasette
) -> Callable[[], Awaitable[dict[str, Any]]]:
    """Every page's language (`kz_lang`, `_`) and data version (`kz_version`, `kz_data_date`); on row pages,
    the releases behind the row (provenance)."""
    rows = provenance.extra_template_vars(view_name, database, table, request, datasette)

    async def variables() -> dict[str, Any]:
        found = language.template_vars(request)
        found.update(version.template_vars(datasette))
        if rows is not None:
            found.update(await rows())
        return found

    return variables


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Awaitable[Any]]]]:
    """The site's own pages: the funding chart, the press releases, the quotes, and what changed in
    each release of the data with its feed."""
    return [*chart.register_routes(), *release_page.routes(), *quote_page.routes(), *changes.routes()]
