"""The kz-rule-of-law command line: build, check, validate, normalize, draft, diff, cite, release, serve, publish."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console

from .errors import InputError, InternalError, KzError, Problem, StaleOutputs, disk_full

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Publish what Kazakh press releases on the rule of law state as open data.",
)
# Plain consoles: what they print quotes the input, where ':x:' or '[b]' is text, never an emoji or a style.
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)
out = Console(highlight=False, soft_wrap=True, emoji=False, markup=False)
STATE = {"debug": False}
T = TypeVar("T")


class Format(StrEnum):
    """How a command reports its problems: lines for people, or also JSON for programs."""

    text = "text"
    json = "json"


FORMAT = typer.Option(
    Format.text,
    "--format",
    help="json: also print the problems, with their codes, as one JSON object on stdout "
    "(see docs/errors.md); the lines for people go to stderr.",
)


def project_root() -> Path:
    """The project folder: the one holding datapackage.json and facts/, from the working directory up."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "datapackage.json").is_file() and (folder / "facts").is_dir():
            return folder
    raise InputError(
        f"{here}: not inside a kz-rule-of-law project (no datapackage.json beside a facts/ folder here or above)",
        code="not-a-project",
    )


def run(action: Callable[[], T], output: Format = Format.text) -> T:
    """Run a command body; print project errors plainly and exit with their code.

    With `Format.json`, standard output carries only the JSON report, `{"ok": ..., "problems": [...]}`,
    and everything for people goes to standard error.
    """
    as_json = output is Format.json
    out.stderr = as_json
    try:
        result = action()
    except KzError as e:
        if STATE["debug"]:
            traceback.print_exc()
        # An internal error raised from a full disk (SQLite's, say) is the disk's fault: say so.
        e = (disk_full(e, "the project's files") if isinstance(e, InternalError) else None) or e
        report(e.problems, e.lines(), as_json)
        raise typer.Exit(e.exit_code) from None
    except typer.Exit:
        raise
    except BrokenPipeError:
        # The reader went away (`... | head`): nothing is wrong with the input, and there is no one
        # to tell; stdout goes to devnull so that Python's own flush at exit stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(1) from None
    except Exception as e:
        if STATE["debug"]:
            traceback.print_exc()
        unexpected(e, as_json)
        raise typer.Exit(1) from None
    finally:
        out.stderr = False
    if as_json:
        report([], [], as_json)
    return result


def unexpected(error: Exception, as_json: bool) -> None:
    """Report an error that is not the project's own: a full disk plainly, anything else as internal."""
    full = disk_full(error, "the project's files")
    if full is not None:
        report(full.problems, full.lines(), as_json)
        return
    lines = (
        []
        if STATE["debug"]
        else [f"internal error: {type(error).__name__}: {error} (run with --debug for a traceback)"]
    )
    report([Problem(f"{type(error).__name__}: {error}", code="internal-error")], lines, as_json)


def report(problems: list[Problem], lines: list[str], as_json: bool) -> None:
    """Print the lines for people on stderr and, for programs, the problems as JSON on stdout."""
    for line in lines:
        err.print(line, markup=False)
    if as_json:
        document = {"ok": not problems, "problems": [p.as_dict() for p in problems]}
        sys.stdout.write(json.dumps(document, ensure_ascii=False, default=str) + "\n")


@app.callback()
def main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks.")) -> None:
    """Publish what Kazakh press releases on the rule of law state as open data."""
    STATE["debug"] = debug


@app.command()
def build(
    check: bool = typer.Option(
        False, "--check", help="Exit 1 if data/ or datapackage.json differ from what the facts produce; write nothing."
    ),
    recover: bool = typer.Option(
        False,
        "--recover",
        help=(
            "Only finish what an interrupted build left: put the old outputs back, "
            "or discard a journal the build cannot trust."
        ),
    ),
    output: Format = FORMAT,
) -> None:
    """Normalize the facts, write the CSVs and the descriptor, validate."""
    from . import build as building

    def body() -> None:
        root = project_root()
        if recover:
            out.print(building.repair(root), markup=False)
            return
        if check:
            built, stale = building.check_published(root)
            if stale:
                raise StaleOutputs(stale)
            out.print(f"up to date: {len(built.files)} files match the facts", markup=False)
            return
        built = building.build(root)
        counts = ", ".join(f"{name} {count}" for name, count in built.counts.items())
        csvs = sum(1 for path in built.files if path.startswith("data/"))
        out.print(
            f"built {root / 'datapackage.json'}, {csvs} CSVs in {root / 'data'}, "
            f"{building.METADATA} and {building.database_path(root)}",
            markup=False,
        )
        out.print(f"rows: {counts}", markup=False)

    run(body, output)


@app.command()
def validate(
    path: Path | None = typer.Argument(None, help="Folder holding datapackage.json (default: the project)."),
    output: Format = FORMAT,
) -> None:
    """Validate the published package: frictionless plus the project's own rules."""
    from . import build as building
    from .errors import ValidationFailed
    from .validation.validate import validate_package

    def body() -> None:
        root = project_root()
        target = (path or root).resolve()
        with building.locked(root, shared=True):
            problems = validate_package(target, archive_root=root)
            note = building.interrupted(root) if target == root else None
        if note:
            problems.append(Problem(note, code="build-interrupted"))
        if problems:
            raise ValidationFailed(problems)
        out.print(f"valid: {(path or root) / 'datapackage.json'}", markup=False)

    run(body, output)


@app.command()
def check(facts_file: Path = typer.Argument(..., help="The facts file to check."), output: Format = FORMAT) -> None:
    """Report every problem of one facts file at once, with line numbers."""
    from . import build as building
    from .curation.rows import display_path

    def body() -> None:
        root = project_root()
        target = facts_file.resolve()
        others = [p for p in building.facts_files(root) if p.name != target.name]
        try:
            building.compile_package(root, None, [*others, target])
        except InputError as e:
            shown = display_path(target, root)
            mine = [p for p in e.problems if p.file in (shown, None)]
            if mine:
                raise InputError(*mine) from None
        from .curation.likeness import similar_records
        from .curation.lookalike import warnings as lookalikes

        for warning in similar_records(target, others, root):
            err.print(f"warning: {warning}", markup=False)
        # A warning, not an error: an archived text may itself mix scripts, and its quotes must too.
        for warning in lookalikes(target.read_text(encoding="utf-8"), display_path(target, root)):
            err.print(f"warning: {warning}", markup=False)
        out.print(f"ok: {facts_file}", markup=False)

    run(body, output)


KINDS = ["date", "money", "period", "count", "duration", "legal-form"]


class Language(StrEnum):
    """The languages `normalize` reads (curation/languages.py has their normalizers)."""

    kk = "kk"
    ru = "ru"
    en = "en"


@app.command()
def normalize(
    kind: str = typer.Argument(..., help="One of: " + ", ".join(KINDS)),
    text: str = typer.Argument(..., help="The text, e.g. '2025 жылғы 21 қарашада'"),
    lang: Language = typer.Option(Language.kk, "--lang", help="Language of the text."),
) -> None:
    """Normalize one Kazakh, Russian or English value and print it as JSON."""
    from .curation.languages import normalizers as language_normalizers

    def body() -> None:
        normalizers = language_normalizers(lang.value).json
        if kind not in normalizers:
            raise InputError(
                "unknown kind", value=kind, expected="one of: " + ", ".join(normalizers), code="unknown-kind"
            )
        sys.stdout.write(json.dumps(normalizers[kind](text), ensure_ascii=False) + "\n")

    run(body)


@app.command()
def draft(
    text_file: Path = typer.Argument(..., help="The archived text, e.g. archive/<id>.txt."),
    as_json: bool = typer.Option(
        False, "--json", help="Print what was found, one JSON object per line; write nothing."
    ),
    lang: Language = typer.Option(Language.kk, "--lang", help="Language of the text."),
    force: bool = typer.Option(False, "--force", help="Replace an existing facts/<id>.yml."),
) -> None:
    """Draft facts/<id>.yml from archive/<id>.txt: its values, placed for review, and the known records it names."""
    from .curation import draft_write
    from .curation.draft_known import KnownNames
    from .curation.draft_release import everything
    from .curation.facts import read_text
    from .curation.sources import MAX_SOURCE_BYTES

    def body() -> None:
        root = project_root()
        if not as_json:
            from .curation.lookalike import warnings as lookalikes

            target, found = draft_write.write(root, text_file, lang.value, force)
            for warning in lookalikes(target.read_text(encoding="utf-8"), str(target.relative_to(root))):
                err.print(f"warning: {warning}", markup=False)
            placed = sum(1 for c in found if c.field is not None)
            named = sum(1 for c in found if c.field is None and c.id is not None)
            out.print(
                f"wrote {target.relative_to(root)}: {placed} values placed for review, {named} known records "
                f"named, {len(found) - placed - named} other candidates; review it, then run check",
                markup=False,
            )
            return
        text = read_text(text_file, "source text", MAX_SOURCE_BYTES)
        index = KnownNames.cached(root, text, root / draft_write.NAMES_CACHE, keep=False)  # --json writes nothing
        for candidate in everything(text, lang.value, index):
            sys.stdout.write(json.dumps(candidate.as_json(), ensure_ascii=False) + "\n")

    run(body)


@app.command("diff")
def diff_command(
    ref: str = typer.Argument(..., help="A git ref: a release tag (v1.2.0), a branch or a commit."),
    output: Format = typer.Option(
        Format.text, "--format", help="json: the diff as one JSON object on stdout, every row and value whole."
    ),
) -> None:
    """Print what changed in the data since REF: rows added and removed, fields changed, by primary key."""
    from . import build as building
    from .versions import diff, release, report, semver

    def body() -> None:
        root = project_root()
        with building.locked(root, shared=True):
            found = release.diff_since(root, ref)
        if output is Format.json:
            step, reason = semver.implied_step(found)
            document = {"ref": ref, "implied_step": step.name, "reason": reason, **diff.as_json(found)}
            sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
            return
        for line in report.render_text(found, ref, "the working tree"):
            out.print(line, markup=False)

    run(body)


@app.command()
def cite(
    write: bool = typer.Option(False, "--write", help="Rewrite CITATION.cff and .zenodo.json from the descriptor."),
) -> None:
    """Print how to cite the data (its version, date, creators and licence, from the descriptor)."""
    from .package.descriptor import load_descriptor
    from .versions import citation, release

    def body() -> None:
        root = project_root()
        descriptor = load_descriptor(root / "datapackage.json")
        if write:
            release.write_citation(root, descriptor)
            err.print(f"wrote {citation.CITATION} and {citation.ZENODO} from datapackage.json", markup=False)
        out.print(citation.reference(descriptor), markup=False)

    run(body)


class ReleaseStep(StrEnum):
    """How far a release moves the version (semver)."""

    major = "major"
    minor = "minor"
    patch = "patch"


@app.command("release")
def release_command(
    step: ReleaseStep = typer.Argument(..., help="major, minor or patch: refused if smaller than the changes need."),
    date: str = typer.Option("", "--date", help="Date of the release, YYYY-MM-DD (default: today, UTC)."),
    note: list[str] = typer.Option([], "--note", help="A paragraph for the CHANGELOG.md entry (why, what to know)."),
    redo: bool = typer.Option(
        False, "--redo", help="Make the newest, untagged release again (after a merge), from the version it followed."
    ),
) -> None:
    """Write a data release: version in the descriptor, pyproject, CITATION.cff and .zenodo.json; CHANGELOG.md entry."""
    from datetime import UTC, datetime

    from . import build as building
    from .versions import release, semver

    def body() -> None:
        root = project_root()
        day = date or datetime.now(UTC).date().isoformat()
        if not release.DATE.fullmatch(day):
            raise InputError("not a date", value=day, expected="YYYY-MM-DD", code="bad-date")
        with building.locked(root):
            made = release.plan(root, semver.Step[step.value], day, tuple(note), redo)
            written = release.write(root, made)
        out.print(
            f"release {made.version} ({made.step.name}; the changes need {made.implied.name}: {made.reason})",
            markup=False,
        )
        out.print(f"wrote {', '.join(written)}; then run:", markup=False)
        for line in release.next_steps(made):
            out.print(f"  {line}", markup=False)

    run(body)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8001, "--port", help="Port to listen on."),
) -> None:
    """Check the committed package, make what is missing or stale under build/, then serve the site with Datasette."""
    from .web import serve as serving

    def body() -> None:
        root = project_root()
        serving.serve(root, host, port, lambda line: out.print(line, markup=False))

    run(body)


@app.command()
def publish(
    target: str = typer.Argument(..., help="Where to deploy: cloudrun or fly."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the datasette publish command; deploy nothing."),
) -> None:
    """Deploy the site with `datasette publish` (print the command with --dry-run)."""
    from .web import serve as serving

    def body() -> None:
        root = project_root()
        serving.publish(root, target, dry_run, lambda line: out.print(line, markup=False))

    run(body)


export_app = typer.Typer(no_args_is_help=True, help="Write the package in other standards' formats.")
app.add_typer(export_app, name="export")


@export_app.command("iati")
def export_iati(
    output: Path | None = typer.Option(
        None, "--output", help="Folder for the activity files (default: build/iati in the project)."
    ),
    reporting_org_ref: str = typer.Option(
        "", "--reporting-org-ref", help="The publisher's IATI organisation identifier, once it has one."
    ),
) -> None:
    """Write each project as an IATI 2.03 activity file (a secondary report), validated against IATI's XSD."""
    from .export import iati

    def body() -> None:
        root = project_root()
        folder = output or root / "build" / "iati"
        made = iati.export(root, folder, reporting_org_ref)
        for pid in made.files:
            out.print(str(folder / f"{pid}.xml"), markup=False)
        for pid, reason in made.skipped.items():
            err.print(f"left out {pid}: {reason}", markup=False)

    run(body)


@export_app.command("validate-iati")
def validate_iati(files: list[Path] = typer.Argument(..., help="IATI activity files to check.")) -> None:
    """Check IATI activity files against IATI's 2.03 activity XSD; print the XSD's messages and exit 2 if not valid."""
    from .export import iati

    def body() -> None:
        for path in files:
            iati.validate(path.read_bytes(), str(path))
            out.print(f"{path}: valid IATI {iati.VERSION}", markup=False)

    run(body)


if __name__ == "__main__":
    app()
