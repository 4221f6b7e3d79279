"""Read the package as a git ref holds it: the descriptor and CSVs at a commit, and the release tags."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import InputError

GIT_TIMEOUT = 120


def git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run git in `root`; its result, whatever the exit status (callers judge it)."""
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise InputError(
            "git is not installed: the versions of the data are read from git", code="git-failed"
        ) from None


def require_repository(root: Path) -> None:
    """InputError unless `root` is in a git work tree: the versions of the data are read from git."""
    if git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise InputError(
            f"{root}: not in a git repository: the versions of the data are read from git",
            code="not-a-git-repository",
        )


def resolve(root: Path, ref: str) -> str:
    """The commit `ref` names; InputError if the project is not in git or the ref names no commit."""
    require_repository(root)
    found = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if found.returncode != 0 or ref.startswith("-"):
        raise InputError(
            "no such git ref", value=ref, expected="a tag, branch or commit of this repository", code="unknown-ref"
        )
    return found.stdout.decode("ascii").strip()


def show(root: Path, commit: str, path: str) -> bytes | None:
    """The bytes of `path` (relative to `root`) at `commit`, or None where the commit has no such file."""
    found = git(root, "show", f"{commit}:./{path}")
    if found.returncode == 0:
        return found.stdout
    exists = git(root, "cat-file", "-e", f"{commit}:./{path}")
    if exists.returncode != 0:
        return None
    message = found.stderr.decode("utf-8", "replace").strip()
    raise InputError(f"{path} at {commit[:12]}: git cannot read it: {message}", code="git-failed")


def release_tags(root: Path) -> list[str]:
    """The tags `v*` reachable from HEAD, the newest version first (git's version sort)."""
    found = git(root, "tag", "--list", "v*", "--merged", "HEAD", "--sort=-v:refname")
    if found.returncode != 0:
        return []
    return [line for line in found.stdout.decode("utf-8", "replace").splitlines() if line]
