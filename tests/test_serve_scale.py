"""`serve` starts cheaply when nothing changed, and still notices every change.

With 20,000 press releases (an 860 MB database, 480 MB of CSVs) each start used to run
`PRAGMA quick_check` over the whole database, rewrite a zip of every CSV and make Datasette parse
10 MB of YAML: 9-10 s before the first page. `prepare` now records what it checked and wrote
(build/serve-state.json) and skips it while the files it depends on are the same.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

from kz_rule_of_law import build as building
from kz_rule_of_law.web import serve
from kz_rule_of_law.errors import InputError
from kz_rule_of_law.web.serve import SETTINGS, TEMPLATE_DIR, check_database, inputs, prepare, serve_command, site_files
from tests.workspace import ROOT, copy_project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, built and prepared once."""
    project = copy_project(tmp_path_factory.mktemp("serve-scale") / "project")
    prepare(project)
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built project (mtimes kept, so nothing is stale)."""
    target = tmp_path / "project"
    shutil.copytree(built, target, copy_function=shutil.copy2)
    prepare(target)  # new inodes: the first start in the copy checks and writes everything
    return target


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """What prepare does: full or cheap checks, downloads written, builds, inspect files."""
    seen: dict[str, list] = {"check": [], "downloads": [], "build": [], "inspect": [], "metadata": []}
    for name, key in (("check_database", "check"), ("write_downloads", "downloads"),
                      ("write_inspect", "inspect"), ("write_served_metadata", "metadata")):
        original = getattr(serve, name)

        def spy(*args, _original=original, _key=key, **kwargs):
            seen[_key].append(kwargs.get("full", True) if _key == "check" else True)
            return _original(*args, **kwargs)

        monkeypatch.setattr(serve, name, spy)
    original_build = building.build

    def spy_build(root):
        seen["build"].append(True)
        return original_build(root)

    monkeypatch.setattr(building, "build", spy_build)
    return seen


def test_a_second_start_skips_the_full_check_and_the_downloads(project, calls):
    prepare(project)
    assert calls == {"check": [False], "downloads": [], "build": [], "inspect": [], "metadata": []}


def test_a_changed_database_gets_the_full_check_again(project, calls):
    database = site_files(project).database
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE organizations SET name_en = name_en || ' ' WHERE rowid = 1")
    conn.close()
    newest = max(p.stat().st_mtime for p in inputs(project) if p.is_file())
    os.utime(database, (newest + 1, newest + 1))  # newer than every input: no rebuild
    prepare(project)
    assert calls["check"] == [True] and calls["inspect"] == [True] and not calls["build"]
    calls["check"].clear()
    prepare(project)
    assert calls["check"] == [False]


def test_a_changed_input_rebuilds_and_rewrites_the_downloads(project, calls):
    datapackage = project / "datapackage.json"
    stamp = datapackage.stat().st_mtime + 5
    os.utime(datapackage, (stamp, stamp))
    os.utime(site_files(project).database, (stamp - 1, stamp - 1))
    prepare(project)
    assert calls["build"] == [True] and calls["downloads"] == [True] and calls["check"] == [True]


@pytest.mark.parametrize("change", ["delete", "edit", "add"])
def test_a_changed_download_is_written_again(project, calls, change):
    downloads = site_files(project).downloads
    zipped = next(downloads.glob("*.zip"))
    original = zipped.read_bytes()
    if change == "delete":
        zipped.unlink()
    elif change == "edit":
        zipped.write_bytes(b"not a zip")
    else:
        (downloads / "extra.txt").write_text("left over")
    prepare(project)
    assert calls["downloads"] == [True] and not calls["build"]
    assert zipped.read_bytes() == original
    assert not (downloads / "extra.txt").exists()


def test_a_start_stopped_while_writing_the_downloads_writes_them_again(project, monkeypatch):
    def stopped(*args, **kwargs):
        raise RuntimeError("stopped")

    (site_files(project).downloads / "datapackage.json").unlink()
    with monkeypatch.context() as patch:
        patch.setattr(serve, "write_downloads", stopped)
        with pytest.raises(RuntimeError):
            prepare(project)
    prepare(project)
    assert (site_files(project).downloads / "datapackage.json").is_file()


def test_datasette_reads_metadata_yml_as_json(project, calls):
    site = site_files(project)
    command = serve_command(site, "127.0.0.1", 8001)
    assert command[command.index("--metadata") + 1] == str(site.served_metadata)
    assert json.loads(site.served_metadata.read_text(encoding="utf-8")) == yaml.safe_load(
        site.metadata.read_text(encoding="utf-8"))
    site.served_metadata.unlink()
    prepare(project)
    assert calls["metadata"] == [True] and site.served_metadata.is_file()


def test_an_unreadable_state_file_means_doing_everything_again(project, calls):
    site_files(project).state.write_text("{not json")
    prepare(project)
    assert calls["check"] == [True] and calls["downloads"] == [True] and calls["metadata"] == [True]


def test_the_cheap_check_refuses_a_truncated_database(project, tmp_path):
    database = tmp_path / "truncated.db"
    data = site_files(project).database.read_bytes()
    database.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="not a usable SQLite database \\(truncated: "):
        check_database(database, full=False)
    database.write_bytes(b"not a database" * 100)
    with pytest.raises(InputError, match="not a usable SQLite database \\(file is not a database\\)"):
        check_database(database, full=False)
    check_database(site_files(project).database, full=False)


def test_inputs_are_what_glob_finds_in_name_order(project):
    (project / "archive" / ".hidden").write_text("x")
    (project / "facts" / ".hidden.yml").write_text("x")
    expected = [project / "datapackage.json", *sorted((project / "data").glob("*.csv")),
                project / building.METADATA, *building.facts_files(project), *sorted((project / "archive").glob("*"))]
    assert inputs(project) == expected


def cache_headers(db_path: Path, *requests: dict[str, str]) -> list[str | None]:
    """The x-kz-cache header of each request (GET of one table page) to a fresh site."""
    datasette = Datasette(immutables=[str(db_path)], settings=SETTINGS, template_dir=str(ROOT / TEMPLATE_DIR))

    async def run() -> list[str | None]:
        answers = []
        for headers in requests:
            response = await datasette.client.get("/kz-rule-of-law/organizations", headers=headers)
            assert response.status_code == 200
            answers.append(response.headers.get("x-kz-cache"))
        return answers

    return asyncio.run(run())


def test_no_cache_requests_are_answered_afresh(db_path):
    assert cache_headers(db_path, {}, {}, {"Cache-Control": "no-cache"}, {}) == ["miss", "hit", "miss", "hit"]


def test_the_response_cache_can_be_turned_off(db_path, monkeypatch):
    monkeypatch.setenv("KZ_SITE_CACHE", "off")
    assert cache_headers(db_path, {}, {}) == ["off", "off"]


def test_a_query_cut_at_the_time_limit_lets_go_of_its_cursor_in_its_thread(db_path):
    # Freed on the event loop, the cursor's sqlite3_reset waited for the connection's next slow
    # query: with more slow queries than SQL threads every page stopped for seconds.
    from datasette.database import QueryInterrupted

    datasette = Datasette(immutables=[str(db_path)], settings=SETTINGS)

    async def run() -> BaseException:
        await datasette.invoke_startup()
        try:
            await datasette.get_database("kz-rule-of-law").execute(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
                custom_time_limit=50)
        except QueryInterrupted as e:
            return e
        raise AssertionError("the endless query was not interrupted")

    exception = asyncio.run(run())
    held = [name for error in (exception, exception.__cause__, exception.__context__) if error is not None
            for frame, _ in __import__("traceback").walk_tb(error.__traceback__)
            for name, value in frame.f_locals.items() if isinstance(value, sqlite3.Cursor)]
    assert held == []


def test_remembered_permission_rules_and_hidden_tables_still_apply(db_path):
    metadata = {"databases": {"kz-rule-of-law": {"tables": {"organizations": {"allow": False}}}}}
    datasette = Datasette(immutables=[str(db_path)], metadata=metadata, settings=SETTINGS)

    async def run() -> list[int]:
        statuses = []
        for path in ("/kz-rule-of-law/organizations", "/kz-rule-of-law/projects") * 2:
            statuses.append((await datasette.client.get(path, headers={"Cache-Control": "no-cache"})).status_code)
        hidden = await datasette.get_database("kz-rule-of-law").hidden_table_names()
        hidden.append("changed by a caller")
        assert "changed by a caller" not in await datasette.get_database("kz-rule-of-law").hidden_table_names()
        assert "organizations_fts" in hidden
        return statuses

    assert asyncio.run(run()) == [403, 200, 403, 200]
