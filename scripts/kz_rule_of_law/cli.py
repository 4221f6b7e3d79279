"""The kz-rule-of-law command line: build, check, validate, normalize."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Callable, Optional, TypeVar

import typer
from rich.console import Console

from .errors import InputError, KzError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Publish what Kazakh press releases on the rule of law state as open data.")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)
STATE = {"debug": False}
T = TypeVar("T")


def project_root() -> Path:
    """The project folder: the one holding datapackage.json and facts/, from the working directory up."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "datapackage.json").is_file() and (folder / "facts").is_dir():
            return folder
    raise InputError(f"{here}: not inside a kz-rule-of-law project (no datapackage.json beside a facts/ folder here or above)")


def run(action: Callable[[], T]) -> T:
    """Run a command body; print project errors plainly and exit with their code."""
    try:
        return action()
    except KzError as e:
        if STATE["debug"]:
            traceback.print_exc()
        problems = getattr(e, "problems", None) or getattr(e, "failures", None) or [str(e)]
        for problem in problems:
            err.print("error: " + str(problem), markup=False)
        if len(problems) > 1:
            err.print(f"{len(problems)} problems", markup=False)
        raise typer.Exit(e.exit_code) from None
    except typer.Exit:
        raise
    except Exception as e:  # noqa: BLE001 - the last line of defence: no traceback unless --debug
        if STATE["debug"]:
            traceback.print_exc()
        else:
            err.print(f"internal error: {type(e).__name__}: {e} (run with --debug for a traceback)", markup=False)
        raise typer.Exit(1) from None


@app.callback()
def main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks.")) -> None:
    """Publish what Kazakh press releases on the rule of law state as open data."""
    STATE["debug"] = debug


@app.command()
def build(check: bool = typer.Option(False, "--check", help="Exit 1 if data/ or datapackage.json differ from what the facts produce; write nothing.")) -> None:
    """Normalize the facts, write the CSVs and the descriptor, validate."""
    from . import build as building


    def body() -> None:
        root = project_root()
        if check:
            built, stale = building.check_published(root)
            if stale:
                for path in stale:
                    err.print(f"stale: {path} differs from what the facts produce", markup=False)
                err.print("run 'kz-rule-of-law build' and commit the result", markup=False)
                raise typer.Exit(1)
            out.print(f"up to date: {len(built.files)} files match the facts", markup=False)
            return
        built = building.build(root)
        counts = ", ".join(f"{name} {count}" for name, count in built.counts.items())
        csvs = sum(1 for path in built.files if path.startswith("data/"))
        out.print(f"built {root / 'datapackage.json'}, {csvs} CSVs in {root / 'data'}, "
                  f"{building.METADATA} and {building.database_path(root)}", markup=False)
        out.print(f"rows: {counts}", markup=False)

    run(body)


@app.command()
def validate(path: Optional[Path] = typer.Argument(None, help="Folder holding datapackage.json (default: the project).")) -> None:
    """Validate the published package: frictionless plus the project's own rules."""
    from .errors import ValidationFailed
    from .validation.validate import validate_package


    def body() -> None:
        root = project_root()
        failures = validate_package((path or root).resolve(), archive_root=root)
        if failures:
            raise ValidationFailed(failures)
        out.print(f"valid: {(path or root) / 'datapackage.json'}", markup=False)

    run(body)


@app.command()
def check(facts_file: Path = typer.Argument(..., help="The facts file to check.")) -> None:
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
        out.print(f"ok: {facts_file}", markup=False)

    run(body)


KINDS = ["date", "money", "period", "count", "duration", "legal-form"]


NORMALIZER_MODULES = {"kk": "normalize", "ru": "normalize_ru", "en": "normalize_en"}  # --lang -> curation module


@app.command()
def normalize(kind: str = typer.Argument(..., help="One of: " + ", ".join(KINDS)),
              text: str = typer.Argument(..., help="The text, e.g. '2025 жылғы 21 қарашада'"),
              lang: str = typer.Option("kk", "--lang", help="Language of the text: " + ", ".join(NORMALIZER_MODULES))) -> None:
    """Normalize one Kazakh, Russian or English value and print it as JSON."""
    from importlib import import_module

    def body() -> None:
        if lang not in NORMALIZER_MODULES:
            raise InputError("unknown language", value=lang, expected="one of: " + ", ".join(NORMALIZER_MODULES))
        normalizers = import_module(f".curation.{NORMALIZER_MODULES[lang]}", __package__).NORMALIZERS
        if kind not in normalizers:
            raise InputError("unknown kind", value=kind, expected="one of: " + ", ".join(normalizers))
        sys.stdout.write(json.dumps(normalizers[kind](text), ensure_ascii=False) + "\n")

    run(body)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8001, "--port", help="Port to listen on.")) -> None:
    """Build the database if it is missing or stale, then serve the site with Datasette."""
    from .web import serve as serving


    def body() -> None:
        root = project_root()
        serving.serve(root, host, port, lambda line: out.print(line, markup=False))

    run(body)


@app.command()
def publish(target: str = typer.Argument(..., help="Where to deploy: cloudrun or fly."),
            dry_run: bool = typer.Option(False, "--dry-run", help="Print the datasette publish command; deploy nothing.")) -> None:
    """Deploy the site with `datasette publish` (print the command with --dry-run)."""
    from .web import serve as serving


    def body() -> None:
        root = project_root()
        serving.publish(root, target, dry_run, lambda line: out.print(line, markup=False))

    run(body)


if __name__ == "__main__":
    app()
