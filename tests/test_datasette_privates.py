"""Every Datasette private the plugin uses (web/plugin/patches.py), as Datasette 0.65.5 has it: each
test fails when the name, its signature or the behaviour the plugin relies on changes, and so
says when the pin in pyproject.toml may move and what to look at then."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import sqlite3
import tomllib
import traceback
import types
from pathlib import Path

import datasette
import datasette.facets
import datasette.filters
import datasette.handle_exception
import datasette.utils.asgi
import datasette.views.row
import pytest
from datasette import hookimpl
from datasette.app import Datasette
from datasette.database import Database, QueryInterrupted
from datasette.plugins import pm

from kz_rule_of_law.web.plugin import patches

DB = "kz-rule-of-law"
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


def test_the_pinned_version_is_the_installed_one(root: Path):
    dependencies = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert f"datasette=={datasette.__version__}" in dependencies
    assert datasette.__version__ == "0.65.5"


def test_databases_have_a_route(db_path):
    site = Datasette(immutables=[str(db_path)])
    assert site.get_database(DB).route == DB
    assert DB in patches.database_routes(site)


def test_renderers_are_by_extension():
    renderer = types.ModuleType("kz_test_renderer")  # Datasette lists plugins by module name
    renderer.register_output_renderer = hookimpl(lambda datasette: {"extension": "kzx", "render": lambda: None})
    pm.register(renderer, name="kz-test-renderer")
    try:
        assert "kzx" in patches.renderer_extensions(Datasette(memory=True))
    finally:
        pm.unregister(name="kz-test-renderer")
    assert "kzx" not in patches.renderer_extensions(Datasette(memory=True))


def test_static_mounts_are_mount_and_folder_pairs(tmp_path):
    site = Datasette(memory=True, static_mounts=[("package", str(tmp_path))])
    assert site.static_mounts == [("package", str(tmp_path))]
    assert patches.static_mounts(site) == ["package"]


def test_cors_is_an_attribute():
    assert (patches.cors(Datasette(memory=True, cors=True)), patches.cors(Datasette(memory=True))) == (True, False)


def test_add_cors_headers_opens_the_api_to_every_origin():
    headers: dict[str, str] = {}
    patches.add_cors_headers(headers)
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_error_pages_render_with_the_jinja_environment_and_the_css_hash():
    site = Datasette(memory=True)

    async def render() -> str:
        await site.invoke_startup()
        return await patches.render_error_page(
            site, 404, {"ok": False, "error": "Gone <b>", "status": 404, "title": None}
        )

    html = asyncio.run(render())
    assert "Gone &lt;b&gt;" in html
    assert f"app.css?{site.app_css_hash()}" in html


def test_client_errors_are_base400_with_a_status():
    assert issubclass(datasette.NotFound, patches.Base400)
    assert (patches.Base400.status, datasette.NotFound.status, datasette.Forbidden.status) == (400, 404, 403)


def test_datasette_errors_carry_message_title_details_status():
    error = patches.DatasetteError("<b>x</b>", title="T", error_dict={"a": 1}, status=400, message_is_html=True)
    assert (error.message, error.title, error.error_dict, error.status, error.message_is_html) == (
        "<b>x</b>",
        "T",
        {"a": 1},
        400,
        True,
    )
    assert patches.DatasetteError("x").status == 500


def test_the_default_error_handler_is_told_apart_by_its_module(db_path):
    # The reason it is dropped: it prints a rich traceback with every local for every error.
    assert datasette.handle_exception.rich is not None
    assert "print_exception(show_locals=True)" in inspect.getsource(datasette.handle_exception.handle_exception)
    assert pm.get_plugin(patches.DEFAULT_ERROR_HANDLER_MODULE) is datasette.handle_exception
    site = Datasette(immutables=[str(db_path)])
    request = datasette.Request.fake("/nope")
    answer = datasette.handle_exception.handle_exception(datasette=site, request=request, exception=ValueError())
    other = lambda: None  # noqa: E731
    assert patches.drop_default_error_handler([other, answer]) == [other]


@pytest.mark.parametrize(
    ("query", "prefix"),
    [
        ("_sort=nope", "Cannot sort table by "),
        ("_sort_desc=nope", "Cannot sort table by "),
        ("_sort=name_en&_sort_desc=name_kk", "Cannot use _sort and _sort_desc"),
        ('_through={"table":"nope","column":"x","value":1}', "Invalid _through"),
    ],
)
def test_client_errors_raised_with_status_500_are_known_by_their_message(get, query, prefix):
    assert prefix in patches.CLIENT_ERROR_MESSAGES
    response = get(f"/{DB}/organizations.json?{query}")
    assert response.status_code == 400  # 500 if Datasette changes the message
    assert response.json()["error"].startswith(prefix)


def test_bad_filter_values_are_raised_in_the_filters_module(get):
    assert datasette.filters.__file__.replace("\\", "/").endswith(patches.FILTERS_SOURCE)
    for query in ("name_en__in=[1", "_through=[1]", "_through={}"):
        response = get(f"/{DB}/organizations.json?{query}")
        assert response.status_code == 400, query
        assert response.json()["error"].startswith("Invalid filter: "), query


def test_too_few_key_values_are_raised_in_the_row_view(get):
    assert datasette.views.row.__file__.replace("\\", "/").endswith(patches.ROW_VIEW_SOURCE)
    response = get(f"/{DB}/project_organizations/a,b.json")
    assert (response.status_code, response.json()["error"]) == (404, "Row not found (too few primary key values)")


def test_static_files_are_served_by_the_asgi_module(get):
    assert datasette.utils.asgi.__file__.replace("\\", "/").endswith(patches.STATIC_FILES_SOURCE)
    assert "asgi_send_file" in inspect.getsource(datasette.utils.asgi.asgi_static)
    assert get("/package/data/budgets.csv/x").status_code == 404


def test_every_query_runs_through_the_databases_execute_fn(db_path):
    assert list(inspect.signature(Database.execute_fn).parameters) == ["self", "fn"]
    assert inspect.iscoroutinefunction(Database.execute_fn)
    db = Datasette(immutables=[str(db_path)]).get_database(DB)
    calls = []
    original = db.execute_fn

    async def counted(fn):
        calls.append(fn)
        return await original(fn)

    db.execute_fn = counted
    assert asyncio.run(db.execute("SELECT 1")).first()[0] == 1
    assert len(calls) == 1


def test_an_interrupted_query_still_holds_its_cursor_without_the_workaround(db_path):
    # The reason for patches.frees_cursor_in_thread: if Datasette frees the cursor itself, drop it.
    site = Datasette(immutables=[str(db_path)])

    async def interrupted() -> BaseException:
        db = site.get_database(DB)
        db.execute_fn = Database.execute_fn.__get__(db)  # Datasette's own, whatever startup did
        try:
            await db.execute(ENDLESS, custom_time_limit=50)
        except QueryInterrupted as e:
            return e
        raise AssertionError("the endless query was not interrupted")

    exception = asyncio.run(interrupted())
    held = [
        value
        for error in (exception, exception.__cause__, exception.__context__)
        if error is not None
        for frame, _ in traceback.walk_tb(error.__traceback__)
        for value in frame.f_locals.values()
        if isinstance(value, sqlite3.Cursor)
    ]
    assert held


def test_view_table_permission_rules_come_from_one_method(db_path):
    assert list(inspect.signature(Datasette._table_permission_allows).parameters) == ["self", "database", "table"]
    metadata = {"databases": {DB: {"tables": {"organizations": {"allow": False}}}}}
    site = Datasette(immutables=[str(db_path)], metadata=metadata)
    asked = []
    original = site._table_permission_allows

    def counted(database, table):
        asked.append((database, table))
        return original(database, table)

    site._table_permission_allows = counted

    async def allowed(table: str) -> bool:
        return await site.permission_allowed(None, "view-table", resource=(DB, table), default=True)

    assert (asyncio.run(allowed("organizations")), asyncio.run(allowed("projects"))) == (False, True)
    assert asked == [(DB, "organizations"), (DB, "projects")]


def test_the_permission_rules_of_a_table_do_not_change_while_the_site_runs(datasette):
    # What makes remembering them right: they depend on the metadata, read once at start.
    assert "_metadata_local" in inspect.getsource(Datasette._metadata_sources)
    asyncio.run(datasette.invoke_startup())
    remembered = datasette._table_permission_allows
    assert hasattr(remembered, "cache_info")
    fresh = Datasette._table_permission_allows.__get__(datasette)
    for table in ("organizations", "projects", "nope"):
        assert remembered(DB, table) == tuple(fresh(DB, table))


def test_facet_types_are_those_of_the_registered_facet_classes():
    classes = itertools.chain.from_iterable(pm.hook.register_facet_classes())
    assert {klass.type for klass in classes} == set(patches.FACET_TYPES)


def _facet_configs(query: str) -> dict:
    """What Datasette 0.65.5 reads from the facet parameters of `query`."""
    request = datasette.utils.asgi.Request.fake(f"/db/table?{query}")
    return datasette.facets.load_facet_configs(request, {"facets": ["m", {"array": "n"}]})


def test_every_facet_parameter_is_one_config_repeats_included():
    configs = _facet_configs('_facet=a&_facet=a&_facet={"column":"a"}&_facet_date=b&_facet_size=5')
    assert [c["config"] for c in configs["column"]] == [
        {"simple": "m"},
        {"simple": "a"},
        {"simple": "a"},
        {"column": "a"},
    ]
    assert configs["array"] == [{"source": "metadata", "config": {"simple": "n"}}]
    assert configs["date"] == [{"source": "request", "config": {"simple": "b"}}]
    assert set(configs) - set(patches.FACET_TYPES) == {"size"}  # `_facet_size` is read, as no type


def test_a_parameter_starting_with_facet_takes_the_type_of_the_one_before():
    assert [c["config"] for c in _facet_configs("_facet_date=a&_facetx=b")["date"]] == [
        {"simple": "a"},
        {"simple": "b"},
    ]


def test_static_folder_is_the_folder_of_a_mount(tmp_path):
    site = Datasette(memory=True, static_mounts=[("package", str(tmp_path))])
    assert patches.static_folder(site, "package") == tmp_path
    assert patches.static_folder(site, "other") is None
