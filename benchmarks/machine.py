"""What a benchmark ran on: processor, memory, package versions."""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path


def cpu_and_memory() -> tuple[str, str]:
    """The processor's model name and the total memory, read from /proc where it exists."""
    memory, cpu = "?", platform.processor() or "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return cpu, memory


def version(distribution: str, missing: str = "not installed") -> str:
    """The installed version of a distribution, or `missing`."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return missing
