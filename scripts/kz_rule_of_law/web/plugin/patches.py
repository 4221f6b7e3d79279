"""Every use of a Datasette 0.65.5 private (an attribute, class, module or behaviour it does not
document), in one place: pyproject.toml pins that version, and tests/test_datasette_privates.py
fails when one of these changes.

Workarounds kept, each for what it still buys on 0.65.5:

- The default error handler is dropped (errors.py renders the pages): it prints a rich traceback
  with every local for every error, 404s included.
- A query that fails in an SQL thread (above all one cut at the time limit) lets go of its cursor
  in that thread. The exception's traceback otherwise keeps the cursor alive until the error page
  is done, on the event loop; freeing it there calls sqlite3_reset, which waits for the
  connection's mutex while its thread runs the next slow query: with more slow queries than SQL
  threads, every request (cached pages too) stopped for up to the time limit per interrupted query.
- The view-table permission rules of a table are remembered (the metadata is read once): each
  check deep-copies the whole metadata, hundreds of times on the home and database pages.
"""

from __future__ import annotations

import functools
import sqlite3
import traceback
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datasette import hookimpl
from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError

if TYPE_CHECKING:  # datasette.app imports the plugins: no import at run time
    from datasette.app import Datasette

__all__ = ["Base400", "DatasetteError", "add_cors_headers"]

DEFAULT_ERROR_HANDLER_MODULE = "datasette.handle_exception"
# Client errors Datasette 0.65.5 raises as DatasetteError with its default status, 500
CLIENT_ERROR_MESSAGES = ("Cannot sort table by ", "Cannot use _sort and _sort_desc", "Invalid _through")
FILTERS_SOURCE = "datasette/filters.py"
ROW_VIEW_SOURCE = "datasette/views/row.py"
STATIC_FILES_SOURCE = "datasette/utils/asgi.py"
PERMISSION_CACHE_SIZE = 4096  # (database, table) pairs; a URL can name any table
# How datasette/facets.py reads facet parameters: `_facet` is a column facet, `_facet_<type>` one of
# these types (any other type is ignored), each value a column name or a JSON config; every value
# runs its own query, repeats too; `_facet_size` is no facet.
FACET_TYPES = ("column", "array", "date")
FACET_OPTIONS = ("_facet_size",)


# Attributes read


def database_routes(datasette: Datasette) -> set[str]:
    """The names the databases have in URLs."""
    return {db.route or name for name, db in datasette.databases.items()}


def renderer_extensions(datasette: Datasette) -> Iterable[str]:
    """The format extensions of the registered output renderers."""
    extensions: Iterable[str] = datasette.renderers.keys()
    return extensions


def static_mounts(datasette: Datasette) -> list[str]:
    """The mount points of the static folders (`--static mount:folder`)."""
    return [mount for mount, _ in datasette.static_mounts]


def static_folder(datasette: Datasette, mount: str) -> Path | None:
    """The folder served at `/{mount}/` (`--static mount:folder`), or None if there is no such mount."""
    return next((Path(folder) for name, folder in datasette.static_mounts if name == mount), None)


def cors(datasette: Datasette) -> bool:
    """Whether the site was started with --cors."""
    return bool(datasette.cors)


async def render_error_page(datasette: Datasette, status: int, info: dict[str, Any]) -> str:
    """The HTML of an error page, as Datasette's default handler renders it."""
    template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
    html: str = await template.render_async(
        dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [])
    )
    return html


# Where Datasette raises what


def raised_in_filters(exception: BaseException) -> bool:
    """Whether `exception` comes from Datasette's parsing of filter parameters."""
    return _raised_in(exception, FILTERS_SOURCE)


def raised_in_row_view(exception: BaseException) -> bool:
    """Whether `exception` comes from Datasette's row view."""
    return _raised_in(exception, ROW_VIEW_SOURCE)


def raised_in_static_files(exception: BaseException) -> bool:
    """Whether `exception` comes from Datasette's serving of static files."""
    return _raised_in(exception, STATIC_FILES_SOURCE)


def _raised_in(exception: BaseException, filename: str) -> bool:
    """Whether `exception` was raised inside (or below) code of `filename`."""
    return any(
        frame.f_code.co_filename.replace("\\", "/").endswith(filename)
        for frame, _ in traceback.walk_tb(exception.__traceback__)
    )


def drop_default_error_handler(results: list[Any]) -> list[Any]:
    """The results of the handle_exception hook minus that of Datasette's default handler."""
    return [r for r in results if getattr(r, "__module__", None) != DEFAULT_ERROR_HANDLER_MODULE]


# Methods replaced


@hookimpl(specname="startup")
def patch_datasette(datasette: Datasette) -> None:
    """Replace, once per instance, the Datasette methods of the workarounds kept (module docstring)."""
    for db in datasette.databases.values():
        if not getattr(db.execute_fn, "_kz_frees_cursor", False):
            db.execute_fn = frees_cursor_in_thread(db.execute_fn)
    rules = datasette._table_permission_allows
    if not hasattr(rules, "cache_info"):
        datasette._table_permission_allows = functools.lru_cache(maxsize=PERMISSION_CACHE_SIZE)(
            lambda database, table: tuple(rules(database, table))
        )


def frees_cursor_in_thread(original: Callable[[Callable], Awaitable[Any]]) -> Callable[[Callable], Awaitable[Any]]:
    """`Database.execute_fn` whose function, when it raises, drops the locals of its finished frames
    (the cursor among them) in the SQL thread, before the exception reaches the event loop."""

    async def execute_fn(fn: Callable[[sqlite3.Connection], Any]) -> Any:
        def in_thread(conn: sqlite3.Connection) -> Any:
            try:
                return fn(conn)
            except BaseException as e:
                for exception in _chain(e):
                    traceback.clear_frames(exception.__traceback__)
                raise

        return await original(in_thread)

    setattr(execute_fn, "_kz_frees_cursor", True)  # noqa: B010 - a mark on a function, read by getattr
    return execute_fn


def _chain(exception: BaseException | None) -> list[BaseException]:
    """An exception and those it was raised from or during."""
    seen: list[BaseException] = []
    while exception is not None and not any(exception is s for s in seen):
        seen.append(exception)
        exception = exception.__cause__ or exception.__context__
    return seen
