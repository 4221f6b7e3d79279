"""`serve` starts cheaply when nothing changed, still notices every change, and writes only under build/.

Each file under build/ is recorded (build/derived.json) with the identity, by content, of what it
was made from; the committed package with that of the facts, archived texts and code it is built
from. Digests are remembered by each file's size, mtime, ctime and inode (build/identities.json), so
an unchanged file is not read again, but every decision is the digest's: a file touched and
unchanged is current, a file rewritten with its mtime set back is not.
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
from kz_rule_of_law import identity, state
from kz_rule_of_law.errors import InputError
from kz_rule_of_law.identity import Identities
from kz_rule_of_law.web import serve
from kz_rule_of_law.web.serve import SETTINGS, TEMPLATE_DIR, check_database, inputs, prepare, serve_command, site_files
from tests.workspace import ROOT, SEED, cli, copy_project, free_port, snapshot

pytestmark = pytest.mark.slow  # whole builds and full checks, one or more a test

STALE = (
    "error: data/projects.csv and 2 other files are out of date with facts/, archive/ and datapackage.json: "
    "run kz-rule-of-law build"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, prepared once (no build: as a fresh clone)."""
    project = copy_project(tmp_path_factory.mktemp("serve-scale") / "project")
    prepare(project)
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the prepared project."""
    target = tmp_path / "project"
    shutil.copytree(built, target, copy_function=shutil.copy2)
    prepare(target)  # new inodes: every digest is read again, and found the same
    return target


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """What prepare does: full or cheap checks, the package built to compare, files written."""
    seen: dict[str, list] = {"check": [], "compile": [], "database": [], "downloads": [], "inspect": [], "metadata": []}
    spied = [
        (serve, "check_database", "check"),
        (building, "compile_package", "compile"),
        (serve, "write_database", "database"),
        (serve, "write_downloads", "downloads"),
        (serve, "write_inspect", "inspect"),
        (serve, "write_served_metadata", "metadata"),
    ]
    for module, name, key in spied:
        original = getattr(module, name)

        def spy(*args, _original=original, _key=key, **kwargs):
            seen[_key].append(kwargs.get("full", True) if _key == "check" else True)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return seen


NOTHING = {"check": [False], "compile": [], "database": [], "downloads": [], "inspect": [], "metadata": []}


def test_a_second_start_writes_nothing_and_skips_the_full_check(project, calls):
    prepare(project)
    assert calls == NOTHING


def test_a_fresh_clone_checks_the_package_against_the_facts_then_builds_the_database(tmp_path, calls):
    project = copy_project(tmp_path / "project")
    published = snapshot(project)
    prepare(project)
    assert calls == {
        "check": [True],
        "compile": [True],
        "database": [True],
        "downloads": [True],
        "inspect": [True],
        "metadata": [True],
    }
    assert snapshot(project) == {**published, "build/kz-rule-of-law.db": site_files(project).database.read_bytes()}


def test_serve_with_stale_committed_outputs_says_so_in_one_line_and_changes_nothing(project):
    facts = project / "facts" / f"{SEED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("Rule of Law for All", "Rule of Law for Everyone"), encoding="utf-8"
    )
    before = snapshot(project)
    result = cli(project, "serve", "--port", str(free_port()), timeout=60)
    assert (result.returncode, result.stderr.splitlines()) == (2, [STALE])
    assert snapshot(project) == before


def test_a_committed_file_edited_by_hand_is_stale(project):
    csv = project / "data" / "budgets.csv"
    csv.write_bytes(csv.read_bytes().replace(b"777895", b"777896"))
    with pytest.raises(InputError) as raised:
        prepare(project)
    assert str(raised.value) == (
        "data/budgets.csv is out of date with facts/, archive/ and datapackage.json: run kz-rule-of-law build"
    )


def test_an_input_touched_but_unchanged_is_not_stale(project, calls):
    for path in (
        project / "datapackage.json",
        project / "facts" / f"{SEED}.yml",
        project / "data" / "quotes.csv",
        project / "archive" / f"{SEED}.txt",
        site_files(project).database,
    ):
        stamp = path.stat().st_mtime + 3600
        os.utime(path, (stamp, stamp))
    prepare(project)
    assert calls == NOTHING


def test_a_database_older_than_its_inputs_is_still_current(project, calls):
    os.utime(site_files(project).database, (0, 0))
    prepare(project)
    assert calls == NOTHING


def test_a_changed_fact_that_builds_the_same_package_is_checked_once(project, calls):
    facts = project / "facts" / f"{SEED}.yml"
    facts.write_text(facts.read_text(encoding="utf-8") + "# a comment changes no value\n", encoding="utf-8")
    prepare(project)
    assert calls == {**NOTHING, "compile": [True]}
    calls["check"].clear()
    calls["compile"].clear()
    prepare(project)
    assert calls == NOTHING


def test_a_database_changed_in_place_with_its_mtime_restored_gets_the_full_check_again(project, calls):
    database = site_files(project).database
    status = database.stat()
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE organizations SET name_en = upper(name_en) WHERE rowid = 1")
    conn.close()
    os.utime(database, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (database.stat().st_size, database.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns)
    prepare(project)
    assert calls == {**NOTHING, "check": [True], "inspect": [True]}  # served as it is, not built again
    calls["check"].clear()
    prepare(project)
    assert calls["check"] == [False]


def test_after_a_build_serve_uses_the_database_the_build_wrote(project, calls):
    facts = project / "facts" / f"{SEED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("Rule of Law for All", "Rule of Law for Everyone"), encoding="utf-8"
    )
    building.build(project)
    calls["compile"].clear()
    prepare(project)
    # metadata.yml holds no project title: the same file, the same metadata.json
    assert calls == {**NOTHING, "check": [True], "downloads": [True], "inspect": [True]}


def test_a_missing_database_is_built_again_from_the_committed_package(project, calls):
    database = site_files(project).database
    original = database.read_bytes()
    database.unlink()
    prepare(project)
    assert calls == {**NOTHING, "database": [True]}  # the same bytes: checked and inspected before
    assert database.read_bytes() == original


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
    assert calls == {**NOTHING, "downloads": [True]}
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
        site.metadata.read_text(encoding="utf-8")
    )
    site.served_metadata.unlink()
    prepare(project)
    assert calls == {**NOTHING, "metadata": [True]} and site.served_metadata.is_file()


def test_unreadable_records_mean_making_everything_again(project, calls):
    (project / "build" / state.RECORDS).write_text("{not json")
    prepare(project)
    assert calls == {
        "check": [True],
        "compile": [True],
        "database": [True],
        "downloads": [True],
        "inspect": [True],
        "metadata": [True],
    }


def test_unreadable_remembered_digests_are_read_again_and_change_nothing(project, calls):
    (project / "build" / state.IDENTITIES).write_text("[1, 2")
    prepare(project)
    assert calls == NOTHING


def test_scratch_files_of_killed_starts_are_removed(project):
    build = project / "build"
    gone = [build / ".metadata.json.99999999.0123abcd.tmp", build / ".check.99999999.0123abcd.tmp"]
    gone[0].write_text("half written")
    (gone[1] / "data").mkdir(parents=True)
    mine = build / f".metadata.json.{os.getpid()}.0123abcd.tmp"  # a writer still running
    mine.write_text("being written")
    prepare(project)
    assert [path.exists() for path in (*gone, mine)] == [False, False, True]


def test_unchanged_files_are_not_read_again(project, monkeypatch):
    monkeypatch.setattr(identity, "RACY_NS", 0)  # every file here was written moments ago
    prepare(project)
    read: list[str] = []
    original = identity.file_digest
    monkeypatch.setattr(identity, "file_digest", lambda path: read.append(str(path)) or original(path))
    prepare(project)
    assert read == []
    fact = project / "facts" / f"{SEED}.yml"
    os.utime(fact, (0, 0))
    prepare(project)
    assert read == [str(fact)]


def test_a_file_rewritten_with_its_mtime_restored_is_read_again(tmp_path):
    path = tmp_path / "file.txt"
    path.write_bytes(b"first")
    known = Identities(tmp_path)
    first = known.of(path)
    status = path.stat()
    path.write_bytes(b"other")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert known.of(path) == identity.file_digest(path) != first


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
    expected = [
        project / "datapackage.json",
        *sorted((project / "data").glob("*.csv")),
        project / building.METADATA,
        project / building.DICTIONARY,
        *building.facts_files(project),
        *sorted((project / "archive").glob("*")),
    ]
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
                custom_time_limit=50,
            )
        except QueryInterrupted as e:
            return e
        raise AssertionError("the endless query was not interrupted")

    exception = asyncio.run(run())
    held = [
        name
        for error in (exception, exception.__cause__, exception.__context__)
        if error is not None
        for frame, _ in __import__("traceback").walk_tb(error.__traceback__)
        for name, value in frame.f_locals.items()
        if isinstance(value, sqlite3.Cursor)
    ]
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
