"""Measuring benchmark steps: each step runs in a child process of its own, so the peak resident
memory it reports (ru_maxrss) is that step's alone, and the wall time includes its start-up.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

RESULT_MARK = "@@step-result "


@dataclass(frozen=True)
class StepResult:
    name: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    detail: str


def peak_mb() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User plus system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_main(steps: dict[str, Callable[[Any], str]], name: str, options: Any) -> None:
    """Run one step in this (child) process and report its figures on stdout."""
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    detail = steps[name](options)
    seconds = time.perf_counter() - started
    figures = {"seconds": seconds, "cpu": cpu_seconds() - cpu_before, "peak_mb": peak_mb(), "detail": detail}
    print(RESULT_MARK + json.dumps(figures), flush=True)


def run_step(script: str, name: str, args: Sequence[str]) -> StepResult:
    """Run `script --step name args...` in a fresh interpreter and collect what it reported."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, script, "--step", name, *args], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"step {name} failed (exit {done.returncode})")
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            figures = json.loads(line[len(RESULT_MARK):])
            # the step's own time, not the interpreter's start-up
            return StepResult(name, figures["seconds"], figures["cpu"], figures["peak_mb"], figures["detail"])
    raise SystemExit(f"step {name} reported nothing (ran {wall:.1f} s)")


def print_table(results: Sequence[StepResult], targets: dict[str, tuple[float | None, float | None]]) -> None:
    """One line per step: wall and CPU seconds, peak MiB and the target each is held to.

    On a machine shared with other work the wall time grows while the CPU time barely does;
    the load average printed beside the table tells how shared it was.
    """
    print(f"{'step':<18}{'seconds':>10}{'cpu s':>8}{'peak MiB':>10}  target                detail")
    for r in results:
        secs, mem = targets.get(r.name, (None, None))
        target = " ".join(
            part for part in (f"<{secs:g} s" if secs else "", f"<{mem:g} MiB" if mem else "") if part
        )
        ok = (secs is None or r.seconds < secs) and (mem is None or r.peak_mb < mem)
        flag = "" if not target else (" ok" if ok else " MISSED")
        print(f"{r.name:<18}{r.seconds:>10.1f}{r.cpu_seconds:>8.1f}{r.peak_mb:>10.0f}  {target + flag:<22}{r.detail}")
