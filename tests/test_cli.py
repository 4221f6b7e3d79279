"""The command line: JSON out and exit 0, or one readable error and exit 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workspace import ROOT, SEED, _env, cli, copy_project, default_signals, run_process


@pytest.mark.parametrize(
    "kind, text, expected",
    [
        ("date", "2025 жылғы 21 қарашада", {"date": "2025-11-21"}),
        ("date", "2023 жылдың 8 қыркүйегінде", {"date": "2023-09-08"}),
        ("money", "777\u00a0895 еуро", {"amount": "777895", "currency": "EUR"}),
        ("money", "1,5 млрд теңге", {"amount": "1500000000", "currency": "KZT"}),
        ("period", "2024–2026 жж.", {"start_year": 2024, "end_year": 2026}),
        ("count", "80-нен астам", {"value": 80, "qualifier": "more_than"}),
        ("count", "шамамен 120", {"value": 120, "qualifier": "about"}),
        ("duration", "үш жыл", {"years": 3}),
        (
            "legal-form",
            "ҚҚ",
            {
                "code": "ҚҚ",
                "name_kk": "қоғамдық қор",
                "name_ru": "общественный фонд",
                "abbr_ru": "ОФ",
                "name_en": "Public Foundation",
                "abbr_en": "PF",
            },
        ),
    ],
)
def test_normalize_prints_one_json_object(kind, text, expected):
    result = cli(ROOT, "normalize", kind, text)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected
    assert result.stderr == ""


@pytest.mark.parametrize(
    "kind, text, needle",
    [
        ("date", "2025 жылғы 31 ақпанда", "31 ақпанда"),
        ("money", "1e400 еуро", "1e400"),
        ("money", "100 фунт", "фунт"),
        ("period", "2026-2024 жж.", "2026-2024"),
        ("weight", "5 кг", "weight"),
    ],
)
def test_normalize_error_goes_to_stderr_with_exit_2(kind, text, needle):
    result = cli(ROOT, "normalize", kind, text)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and needle in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_command_as_a_process_prints_json_or_one_error_line_and_sets_its_exit_status():
    # The other tests run the command in-process; this one runs `python -m kz_rule_of_law` itself.
    ok = run_process(ROOT, "normalize", "money", "777\u00a0895 еуро")
    assert (ok.returncode, json.loads(ok.stdout), ok.stderr) == (0, {"amount": "777895", "currency": "EUR"}, "")
    failed = run_process(ROOT, "normalize", "date", "2025 жылғы 31 ақпанда")
    assert (failed.returncode, failed.stdout) == (2, "")
    assert len(failed.stderr.splitlines()) == 1 and failed.stderr.startswith("error: "), failed.stderr


def test_debug_adds_a_traceback():
    result = cli(ROOT, "--debug", "normalize", "date", "32 қаңтар 2025 ж.")
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "InputError" in result.stderr


def test_validate_passes_on_the_published_package(project_copy):
    result = cli(project_copy, "validate")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_json_format_gives_each_problem_its_code_and_keeps_the_lines_for_people(tmp_path):
    root = copy_project(tmp_path / "project")
    facts = root / "facts" / f"{SEED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "    iati_type: 21\n    country: BE", "    iati_type: twenty-one\n    country: BE", 1
        ),
        encoding="utf-8",
    )
    text = cli(root, "check", f"facts/{SEED}.yml")
    as_json = cli(root, "check", f"facts/{SEED}.yml", "--format", "json")
    assert text.returncode == as_json.returncode == 2
    assert text.stdout == "" and as_json.stderr == text.stderr
    assert json.loads(as_json.stdout) == {
        "ok": False,
        "problems": [
            {
                "code": "wrong-type",
                "file": f"facts/{SEED}.yml",
                "line": 60,
                "record": "iphr",
                "field": "iati_type",
                "value": "twenty-one",
                "expected": "an integer",
                "message": "wrong type",
                "text": text.stderr.removeprefix("error: ").rstrip("\n"),
            }
        ],
    }


def test_json_format_on_success_prints_ok_alone_on_stdout(project_copy):
    result = cli(project_copy, "validate", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"ok": True, "problems": []}
    assert result.stderr.startswith("valid: ")


def test_a_source_of_another_size_is_reported_on_its_bytes_field(tmp_path):
    root = copy_project(tmp_path / "project")
    facts = root / "facts" / f"{SEED}.yml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("  bytes: 6760\n", "  bytes: 6761\n", 1), encoding="utf-8"
    )
    result = cli(root, "check", f"facts/{SEED}.yml", "--format", "json")
    assert result.returncode == 2
    assert [
        (p["code"], p["file"], p["line"], p["record"], p["field"], p["value"])
        for p in json.loads(result.stdout)["problems"]
    ] == [("size-mismatch", f"facts/{SEED}.yml", 13, SEED, "bytes", 6761)]


def test_a_reader_that_stops_early_gets_no_error_line(tmp_path):
    # A real pipe is the point: `draft --json TEXT | head -1` closes it after the first line.
    months = ["қаңтарда", "ақпанда", "наурызда", "сәуірде", "мамырда", "маусымда"]
    dates = [f"{1950 + y} жылғы {d} {m} жиын болды." for y in range(40) for m in months for d in range(1, 6)]
    text = tmp_path / "many-dates.txt"
    text.write_text("\n".join(dates) + "\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "kz_rule_of_law", "draft", "--json", str(text)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        preexec_fn=default_signals,
    )
    assert process.stdout is not None and process.stderr is not None
    first = json.loads(process.stdout.readline())
    process.stdout.close()  # the reader goes away while the command still has lines to write
    errors = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=120) == 1
    assert first["quote"] == "1950 жылғы 1 қаңтарда"
    assert errors == ""
