"""What an installed copy of the package holds: every file the code reads ships with it."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib

from workspace import ROOT

PACKAGE = ROOT / "scripts" / "kz_rule_of_law"


def package_data() -> list[str]:
    """The package-data globs of pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]["kz_rule_of_law"]


def test_every_file_of_the_package_that_is_not_python_ships_as_package_data():
    globs = package_data()
    data = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert data, "the package has templates, queries and settings"
    unshipped = [name for name in data if not any(fnmatch.fnmatch(name, glob) for glob in globs)]
    assert unshipped == []


def test_every_package_data_glob_matches_a_file():
    for glob in package_data():
        assert list(PACKAGE.glob(glob)), glob


def test_nothing_named_scripts_is_importable_even_from_the_checkout():
    result = subprocess.run([sys.executable, "-c", "import scripts"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("ImportError: scripts/ is a folder, not a package: import kz_rule_of_law")
