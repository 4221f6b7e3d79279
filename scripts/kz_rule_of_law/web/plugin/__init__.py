"""The Datasette plugin of the kz-rule-of-law site, registered through the package's `datasette`
entry point; one concern a module:

- localize: each page in each language at its own URL (`/kk/`, `/ru/`), its links in that language;
- guard: read-only, URL length cap, off-site paths, unknown formats, no client-set `_ttl`;
- limits: bounded work per request: facets deduplicated and capped, arbitrary SQL capped per client;
- http_cache: ETag, Last-Modified and Cache-Control on 200 answers, 304 for a client's current copy;
- cache: complete responses kept in memory (the database is immutable);
- compress: gzip for text answers, once per kept page;
- static: the downloads' text types say UTF-8, their 403 and 404 are the site's error pages;
- downloads_page: the downloads page at /package/ and the data dictionary at /-/data-dictionary;
- seo: Open Graph tags on every page, the Dataset JSON-LD on the home page, sitemap.xml, robots.txt;
- xlsx: `.xlsx` of every table and query page; the database's CSV answers as downloads (`_bom=1`);
- csvsafe: no spreadsheet formula in a CSV answer of the database;
- errors: error pages with the right status, without rich tracebacks;
- sqlguard: no huge value, no endless printf();
- search: full-text search by word beginnings (Russian stems, whole abbreviations), what exists when nothing is found;
- labels: foreign keys labelled on row pages;
- provenance: row pages name the press releases behind their values;
- parameters: canned query parameters labelled, with their choices;
- pages: project, organization and event row pages that read as pages;
- cells: amounts, counts and shares formatted in every table;
- row_links: ids in canned query results link to their rows;
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
    compress,
    csvsafe,
    downloads_page,
    guard,
    http_cache,
    language,
    limits,
    localize,
    pages,
    parameters,
    provenance,
    quote_page,
    release_page,
    search,
    seo,
    static,
    version,
    xlsx,
)
from .asgi import App
from .errors import handle_exception
from .http_cache import remember_identity
from .labels import render_cell
from .patches import patch_datasette
from .search import register_escape_fts
from .sqlguard import cap_values
from .xlsx import register_output_renderer

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

__all__ = [
    "asgi_wrapper",
    "cap_values",
    "extra_template_vars",
    "handle_exception",
    "patch_datasette",
    "register_escape_fts",
    "register_output_renderer",
    "register_routes",
    "remember_identity",
    "render_cell",
]


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Callable[[App], App]:
    """The site's middleware, outermost first: language prefix (off before anything judges the path),
    guard (refusals cost nothing more), cache headers and 304 (on kept and fresh answers alike, so
    they sit outside the cache), facet cap, response cache (keyed by language and encoding), gzip
    (inside the cache, so a kept page is compressed once), the page's links in its language (on the
    plain HTML, before gzip), Open Graph and JSON-LD tags, SQL caps (on what the cache does not
    answer), static charset and error pages, CSV downloads (the BOM before the escaped text), CSV
    escaping (on the plain bytes, before gzip)."""
    responses = cache.from_environment()
    sql = limits.SqlLimits.for_site(datasette)

    def wrap(app: App) -> App:
        csv = xlsx.wrap_csv_downloads(datasette, csvsafe.wrap(datasette, app))
        tagged = seo.wrap(datasette, sql.wrap(datasette, static.wrap(datasette, csv)))
        inner = compress.wrap(localize.wrap_links(datasette, tagged))
        kept = limits.wrap_facets(datasette, responses.wrap(inner))
        return localize.wrap(datasette, guard.wrap(datasette, http_cache.wrap(datasette, kept)))

    return wrap


@hookimpl
def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Datasette
) -> Callable[[], Awaitable[dict[str, Any]]]:
    """Every page's language (`kz_lang`, `_`) and data version (`kz_version`, `kz_data_date`); on row pages,
    the releases behind the row (provenance); on canned query pages, their parameters (parameters); the
    pages of projects, organizations, events (pages); on the search query's page, its languages and
    nearest words (search)."""
    rows = provenance.extra_template_vars(view_name, database, table, request, datasette)
    query = parameters.extra_template_vars(view_name, database, request, datasette)
    page = pages.extra_template_vars(view_name, database, table, request, datasette)
    searched = search.extra_template_vars(view_name, database, request, datasette)

    async def variables() -> dict[str, Any]:
        found = language.template_vars(request)
        found.update(version.template_vars(datasette))
        for more in (rows, query, page, searched):
            if more is not None:
                found.update(await more())
        return found

    return variables


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Awaitable[Any]]]]:
    """The site's own pages: the funding chart, the press releases, the quotes, what changed in each
    release of the data with its feed, the downloads page, the data dictionary, robots.txt and the
    sitemap."""
    return [
        *chart.register_routes(),
        *release_page.routes(),
        *quote_page.routes(),
        *changes.routes(),
        *downloads_page.routes(),
        *seo.routes(),
    ]
