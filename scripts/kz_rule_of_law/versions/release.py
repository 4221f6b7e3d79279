"""A data release: the diff since the last release, the step it implies, and the files that carry the version."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import atomic_write, write_bytes
from ..errors import InputError
from ..package.writer import descriptor_bytes
from . import changelog, git
from .citation import CITATION, ZENODO, render_citation, render_zenodo
from .diff import PackageDiff, diff_packages
from .semver import Step, bump, implied_step, parse_version
from .state import PackageState, at_commit, working_tree

TAG = re.compile(r"v[0-9]+\.[0-9]+\.[0-9]+")
DATE = re.compile(r"[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])")
PYPROJECT_VERSION = re.compile(r'^version = "[^"\n]*"$', re.MULTILINE)


@dataclass(frozen=True)
class Release:
    """A release to make: its version and date, the step asked and the one the diff implies, and the entry."""

    version: str
    previous: str
    date: str
    step: Step
    implied: Step
    reason: str
    since: str | None
    diff: PackageDiff
    notes: tuple[str, ...] = ()
    redo: bool = False

    @property
    def tag(self) -> str:
        """The git tag of the release."""
        return f"v{self.version}"

    def entry(self) -> str:
        """Its CHANGELOG.md entry."""
        summary = changelog.summary_line(self.step, self.previous, self.since, self.reason)
        return changelog.render_entry(self.version, self.date, summary, self.diff, list(self.notes))


def last_release(root: Path) -> str | None:
    """The newest tag vX.Y.Z reachable from HEAD, or None before the first release."""
    return next((tag for tag in git.release_tags(root) if TAG.fullmatch(tag)), None)


def diff_since(root: Path, ref: str | None) -> PackageDiff:
    """The data diff from `ref` (an empty package where None) to the working tree."""
    before = at_commit(root, git.resolve(root, ref), ref) if ref else PackageState()
    return diff_packages(before, working_tree(root))


def plan(root: Path, step: Step, date: str, notes: tuple[str, ...] = (), redo: bool = False) -> Release:
    """The release `step` makes on `date`; InputError if the diff since the last release needs a larger step.

    With `redo`, the newest entry of CHANGELOG.md, written but not tagged, is made again (after a merge,
    say) from the version it followed."""
    git.require_repository(root)
    since = last_release(root)
    diff = diff_since(root, since)
    if redo:
        previous = _untagged_entry(root, diff.after).previous
    else:
        _refuse_untagged(root, diff.after)
        previous = since[1:] if since else diff.after
    implied, reason = implied_step(diff)
    if step < implied:
        raise InputError(
            f"a {step.name} release is too small for the changes since {since or 'the start'}: {reason}",
            value=step.name,
            expected=f"{implied.name} (or larger); `kz-rule-of-law diff {since or 'REF'}` lists the changes",
            code="release-step-too-small",
        )
    base = parse_version(previous, "the version before the release")
    return Release(bump(base, step), str(previous), date, step, implied, reason, since, diff, notes, redo)


def _untagged_entry(root: Path, version: str | None) -> changelog.Entry:
    """The newest entry of CHANGELOG.md when it is `version`'s and not tagged; InputError otherwise."""
    entries = changelog.parse(_read(root / changelog.CHANGELOG))
    if entries and entries[0].version == version and entries[0].previous is None:
        raise InputError(
            f"{changelog.CHANGELOG}: the entry of {version} does not say the version it followed",
            expected="its first paragraph to start '<Step> release after X.Y.Z'",
            code="nothing-to-redo",
        )
    if not entries or entries[0].version != version or f"v{version}" in git.release_tags(root):
        raise InputError(
            f"{changelog.CHANGELOG}: no untagged entry of the current version {version} to make again",
            expected="`release` without --redo",
            code="nothing-to-redo",
        )
    return entries[0]


def _refuse_untagged(root: Path, version: str | None) -> None:
    """InputError when CHANGELOG.md already has an entry for `version` that was never tagged."""
    written = [e.version for e in changelog.parse(_read(root / changelog.CHANGELOG))]
    if version in written and f"v{version}" not in git.release_tags(root):
        raise InputError(
            f"{changelog.CHANGELOG}: release {version} is written but not tagged",
            expected=f"its tag first (git tag -a v{version}), or `release --redo` to make it again",
            code="release-not-tagged",
        )


def write(root: Path, release: Release) -> list[str]:
    """Set the version and date everywhere they are stated and add the CHANGELOG.md entry; the paths written."""
    descriptor = json.loads(_read(root / "datapackage.json"))
    descriptor["version"] = release.version
    descriptor["created"] = f"{release.date}T00:00:00Z"
    write_bytes(root / "datapackage.json", descriptor_bytes(descriptor))
    _set_pyproject_version(root / "pyproject.toml", release.version)
    write_citation(root, descriptor)
    text = _read(root / changelog.CHANGELOG)
    text = changelog.add_entry(changelog.without_top_entry(text) if release.redo else text, release.entry())
    write_bytes(root / changelog.CHANGELOG, text.encode("utf-8"))
    written = ["datapackage.json", CITATION, ZENODO, changelog.CHANGELOG]
    return written[:1] + (["pyproject.toml"] if (root / "pyproject.toml").is_file() else []) + written[1:]


def write_citation(root: Path, descriptor: dict[str, Any]) -> None:
    """Write CITATION.cff and .zenodo.json from the descriptor (only where they change)."""
    for name, text in ((CITATION, render_citation(descriptor)), (ZENODO, render_zenodo(descriptor))):
        with atomic_write(root / name, keep_same=True) as out:
            out.write(text.encode("utf-8"))


def _set_pyproject_version(path: Path, version: str) -> None:
    """Set `version = "..."` of pyproject.toml's [project], if the project has a pyproject.toml."""
    if not path.is_file():
        return
    text = _read(path)
    changed, count = PYPROJECT_VERSION.subn(f'version = "{version}"', text, count=1)
    if count != 1:
        raise InputError(f'{path.name}: no `version = "..."` line to set', code="bad-version")
    write_bytes(path, changed.encode("utf-8"))


def _read(path: Path) -> str:
    """A text file of the project, empty if it does not exist."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path.name}: cannot read: {e}", code="cannot-read") from None


def next_steps(release: Release) -> list[str]:
    """What to run after `release` writes its files: rebuild, commit, tag."""
    return [
        "kz-rule-of-law build",
        f'git add -A && git commit -m "Release {release.version} of the data"',
        f'git tag -a {release.tag} -m "Release {release.version} of the data"',
    ]
