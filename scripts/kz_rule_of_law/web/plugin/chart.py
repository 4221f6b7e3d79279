"""`/-/funding`: a bar chart of the EU contribution and co-financing of each project."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from datasette import Response, hookimpl
from datasette.utils.asgi import Request

from .. import formatting
from . import quote_links
from .language import language_of

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

FUNDING_VIEW = "funding_per_project"
CHART_WIDTH = 760
LABEL_HEIGHT = 44
BAR_HEIGHT = 22
ROW_HEIGHT = 104
# The claims on budget amounts (quote ids are budgets/<project>/<field>/<source>: 'budgets0' follows 'budgets/').
BUDGET_CLAIMS_SQL = """
SELECT quote_id, record_id, field FROM quotes
WHERE quote_id > 'budgets/' AND quote_id < 'budgets0' AND field IN ('total_budget', 'eu_contribution')
ORDER BY quote_id
"""


@hookimpl
def register_routes() -> list[tuple[str, Callable[[Datasette, Request], Awaitable[Response]]]]:
    """The funding chart."""
    return [(r"^/-/funding$", funding_chart)]


async def funding_chart(datasette: Datasette, request: Request) -> Response:
    """An SVG bar chart of each project's budget: EU contribution and co-financing."""
    database = await _database_with(datasette, FUNDING_VIEW)
    if database is None:
        return Response.html("No database has the funding_per_project view", status=404)
    result = await datasette.get_database(database).execute(
        f"SELECT * FROM {FUNDING_VIEW} ORDER BY currency, total_budget DESC, project_id"
    )
    rows = [dict(r) for r in result.rows]
    claims = await _budget_claims(datasette, database)
    scale: dict[str, float] = {}
    for r in rows:
        scale[r["currency"]] = max(scale.get(r["currency"], 0), r["total_budget"] or 0)
    lang = language_of(request)
    bars = []
    for i, r in enumerate(rows):
        top = scale[r["currency"]] or 1
        eu = CHART_WIDTH * (r["eu_contribution"] or 0) / top
        bars.append(
            {
                **r,
                "y": i * ROW_HEIGHT,
                "bar_y": i * ROW_HEIGHT + LABEL_HEIGHT,
                "eu_width": round(eu, 1),
                "co_x": round(eu, 1),
                "co_width": round(CHART_WIDTH * (r["cofinancing"] or 0) / top, 1),
                "total_text": _amount(r["total_budget"], lang),
                "eu_text": _amount(r["eu_contribution"], lang),
                "co_text": _amount(r["cofinancing"], lang),
                "share_text": ""
                if r["eu_share_percent"] is None
                else formatting.share(r["eu_share_percent"], None, lang),
                "total_quotes": claims.get((r["project_id"], "total_budget"), []),
                "eu_quotes": claims.get((r["project_id"], "eu_contribution"), []),
            }
        )
    return Response.html(
        await datasette.render_template(
            "funding.html",
            {
                "bars": bars,
                "width": CHART_WIDTH,
                "height": max(len(bars), 1) * ROW_HEIGHT,
                "bar_height": BAR_HEIGHT,
                "view_url": datasette.urls.table(database, FUNDING_VIEW),
                "csv_url": datasette.urls.table(database, FUNDING_VIEW, format="csv") + "?_size=max",
            },
            request=request,
        )
    )


async def _budget_claims(datasette: Datasette, database: str) -> dict[tuple[str, str], list[str]]:
    """The quote pages of each project's stated amounts, by project and field (none without a quotes table)."""
    db = datasette.get_database(database)
    if "quotes" not in await db.table_names():
        return {}
    found: dict[tuple[str, str], list[str]] = {}
    for row in (await db.execute(BUDGET_CLAIMS_SQL)).rows:
        found.setdefault((row["record_id"], row["field"]), []).append(quote_links.quote_url(datasette, row["quote_id"]))
    return found


async def _database_with(datasette: Datasette, view: str) -> str | None:
    """The first database that has `view`."""
    for name, db in datasette.databases.items():
        if view in await db.view_names():
            found: str = name
            return found
    return None


def _share(percent: int | float | None, lang: str) -> str:
    """The EU share as every page writes it, in the page's language; empty where there is none."""
    return "" if percent is None else formatting.share(percent, None, lang)


def _amount(value: int | float | None, lang: str) -> str:
    """An amount with the language's thousands separators; decimals only where it has them."""
    if value is None:
        return ""
    return formatting.number(int(value) if float(value).is_integer() else round(value, 2), lang)
