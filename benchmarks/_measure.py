"""Measuring benchmark steps: each step runs in a child process of its own, so the peak resident
memory it reports (ru_maxrss) is that step's alone. Two times are kept: the step's own (from just
before its work to just after, in the child) and the whole process's (interpreter start-up, imports
and exit included), as a person running the command waits for it.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

RESULT_MARK = "@@step-result "


@dataclass(frozen=True)
class StepResult:
    name: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    detail: str
    process_seconds: float = 0.0


def peak_mb() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User plus system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


PROFILE_ENV = "PARTNER_DESK_BENCH_PROFILE"  # a file: the step runs under cProfile and writes its top entries there
PROFILE_TOP = 18


def child_main(steps: dict[str, Callable[[Any], str]], name: str, options: Any) -> None:
    """Run one step in this (child) process and report its figures on stdout."""
    profile_to = os.environ.get(PROFILE_ENV)
    profiler = cProfile.Profile() if profile_to else None
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    detail = steps[name](options)
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    figures = {"seconds": seconds, "cpu": cpu_seconds() - cpu_before, "peak_mb": peak_mb(), "detail": detail}
    if profiler is not None and profile_to:
        with open(profile_to, "w", encoding="utf-8") as out:
            out.write(profile_text(profiler))
    print(RESULT_MARK + json.dumps(figures), flush=True)


def profile_text(profiler: cProfile.Profile, top: int = PROFILE_TOP) -> str:
    """The entries that took the most time of their own, then those that took the most in all."""
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    lines = [line for line in text.getvalue().splitlines() if line.strip()]
    return "\n".join(line for line in lines if not line.lstrip().startswith(("Ordered by", "List reduced")))


def run_step(script: str, name: str, args: Sequence[str], *, profile: str | None = None) -> StepResult:
    """Run `script --step name args...` in a fresh interpreter and collect what it reported; with
    `profile` (a file), the step runs under cProfile and its top entries are written there."""
    env = dict(os.environ)
    if profile:
        env[PROFILE_ENV] = profile
    started = time.perf_counter()
    done = subprocess.run([sys.executable, script, "--step", name, *args], capture_output=True, text=True,
                          env=env)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"step {name} failed (exit {done.returncode})")
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            figures = json.loads(line[len(RESULT_MARK):])
            return StepResult(name, figures["seconds"], figures["cpu"], figures["peak_mb"], figures["detail"], wall)
    raise SystemExit(f"step {name} reported nothing (ran {wall:.1f} s)")


def load_line() -> str:
    """The load average and the CPUs it is shared among: read it beside every figure."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} CPUs"


def machine_line() -> str:
    """The processor, memory and Python the figures were measured with."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = ".".join(str(v) for v in sys.version_info[:3])
    return f"{os.cpu_count()} CPUs ({model or 'unknown model'}), {memory:.0f} GiB, Python {python}"


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


def copy_database(url: str, suffix: str) -> str:
    """A copy of the database as it stands (its name with `suffix`), replacing any earlier copy."""
    if url.startswith("sqlite:///"):
        source = Path(url[len("sqlite:///"):])
        # closed at once, not when collected: a connection left open in this process would keep the
        # file's old WAL index mapped, and a later one would read it after `restore_database`
        with closing(sqlite3.connect(source)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        target = source.with_name(f"{source.stem}{suffix}{source.suffix}")
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    copy = f"{parsed.database}{suffix}"
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        pg.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{parsed.database}"')
    return parsed.set(database=copy).render_as_string(hide_password=False)


def restore_database(snapshot: str, url: str) -> None:
    """Put the database `url` back as `snapshot` (a `copy_database` of it) holds it."""
    if url.startswith("sqlite:///"):
        source, target = (Path(u[len("sqlite:///"):]) for u in (snapshot, url))
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return
    import psycopg
    from sqlalchemy.engine import make_url

    parsed, saved = make_url(url), make_url(snapshot)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{parsed.database}"')
        pg.execute(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{saved.database}"')


def best_of(runs: list[StepResult]) -> StepResult:
    """The fastest run, with the largest peak memory of them all."""
    best = min(runs, key=lambda r: r.seconds)
    quickest_start = min(r.process_seconds for r in runs)
    return replace(best, peak_mb=max(r.peak_mb for r in runs), process_seconds=quickest_start,
                   detail=f"{best.detail}; best of {len(runs)}: " + ", ".join(f"{r.seconds:.2f}" for r in runs))
