"""Peak memory of a command, as the kernel counts it (peak RSS of a fresh process: libxml2's and
numpy's allocations included, which tracemalloc does not all see)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Runs the command as its only child and reports that child's peak RSS: RUSAGE_CHILDREN of a
# process that had no other children. An address-space limit keeps a regression from taking
# the machine's memory (it fails with MemoryError instead), a timeout from hanging the tests
# (it is killed: return code None).
_WRAPPER = """
import json, resource, subprocess, sys
limit, timeout = int(sys.argv[1]), float(sys.argv[2])
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    done = subprocess.run(sys.argv[3:], capture_output=True, text=True, preexec_fn=cap, timeout=timeout)
    rc, out, err = done.returncode, done.stdout, done.stderr
except subprocess.TimeoutExpired as e:
    rc, out, err = None, "", f"timed out after {timeout} s"
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"rc": rc, "stdout": out, "stderr": err, "peak": peak}))
"""


@dataclass(frozen=True)
class Measured:
    returncode: int | None  # None: killed at the timeout
    stdout: str
    stderr: str
    peak_mb: float


def measure(args: list[str], *, cwd: Path, env: dict | None = None, limit_gb: float = 4,
            timeout: float = 600) -> Measured:
    """Run ``args`` (the first a program path) and measure its peak RSS."""
    done = subprocess.run([sys.executable, "-c", _WRAPPER, str(int(limit_gb * 2**30)), str(timeout), *map(str, args)],
                          cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout + 60, check=True)
    out = json.loads(done.stdout)
    return Measured(out["rc"], out["stdout"], out["stderr"], out["peak"] / 2**20)


def workbench_exe() -> str:
    return str(Path(sys.executable).parent / "workbench")
