"""Error pages: Datasette's, rendered by the site itself, with the right status and a quiet log.

Datasette 0.65.5's default handler prints a rich traceback with every local for every error (a
404 too) when `rich` is installed, which blocks the event loop, and answers 500 for some client
errors. The site's handler replaces it (`patches.drop_default_error_handler`) and renders the same
page (JSON for .json paths):

- bad `_sort`, `_sort_desc` and `_through` parameters and bad filter values answer 400;
- a row path with too few primary key values answers 404;
- a path through a static file (`/package/data/people.csv/x`) answers 404;
- anything else answers 500 with a generic message (no path or detail of the server) and its
  traceback printed once to the log.
"""

from __future__ import annotations

import sqlite3
import traceback
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from datasette import Response, hookimpl
from datasette.utils.asgi import Request
from markupsafe import Markup

from . import language, patches, version

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

INTERNAL_ERROR = "Internal server error"


@hookimpl(hookwrapper=True)
def handle_exception(datasette: Datasette, request: Request, exception: Exception) -> Generator[None, Any, None]:
    """Replace Datasette's default error handler (the last result) with `error_response`."""
    outcome = yield
    outcome.force_result(
        [
            *patches.drop_default_error_handler(outcome.get_result()),
            lambda: error_response(datasette, request, exception),
        ]
    )


def classify(exception: BaseException) -> tuple[int, Any, str | None, dict[str, Any]]:
    """Status, message, title and extra information of the error page for `exception`."""
    if isinstance(exception, patches.Base400):
        return exception.status, exception.args[0], None, {}
    if isinstance(exception, patches.DatasetteError):
        return _datasette_error(exception)
    status, message = _raised_where(exception)
    return status, message, None, {}


def _datasette_error(exception: patches.DatasetteError) -> tuple[int, Any, str | None, dict[str, Any]]:
    """A DatasetteError's page; the client errors Datasette answers 500 for answer 400."""
    message = Markup(exception.message) if exception.message_is_html else exception.message
    status = exception.status
    if status == 500 and str(exception.message).startswith(patches.CLIENT_ERROR_MESSAGES):
        status = 400
    return status, message, exception.title, dict(exception.error_dict)


def _raised_where(exception: BaseException) -> tuple[int, str]:
    """Status and message of another error, by where Datasette raised it: a client error, or 500."""
    if isinstance(exception, (ValueError, KeyError, TypeError)) and patches.raised_in_filters(exception):
        return 400, f"Invalid filter: {type(exception).__name__}: {exception}"
    if isinstance(exception, sqlite3.ProgrammingError) and patches.raised_in_row_view(exception):
        return 404, "Row not found (too few primary key values)"
    if isinstance(exception, OSError) and patches.raised_in_static_files(exception):
        return 404, "Not found"
    return 500, INTERNAL_ERROR


async def error_response(datasette: Datasette, request: Request, exception: Exception) -> Response:
    """The error page (JSON for .json paths) of Datasette 0.65.5's handler, minus its rich traceback."""
    status, message, title, info = classify(exception)
    if status == 500:
        traceback.print_exception(exception)
    info.update({"ok": False, "error": message, "status": status, "title": title})
    headers: dict[str, str] = {}
    if patches.cors(datasette):
        patches.add_cors_headers(headers)
    if request.path.split("?")[0].endswith(".json"):
        return Response.json(info, status=status, headers=headers)
    # Error pages share the footer of every page: its language (`_`) and the version of the data.
    page = {**info, **language.template_vars(request), **version.template_vars(datasette)}
    return Response.html(await patches.render_error_page(datasette, status, page), status=status, headers=headers)
