"""A crew of worker processes that act on one database at the same moment, round after round.

Each worker has its own connection (its own `Database`), started once; a round hands each worker one
task, lets them all start together (a barrier), and collects what each got: its result, or the
refusal it met. The processes are forked, so they share nothing but the database.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from partner_desk.domain.errors import UserError
from partner_desk.store.engine import Database

# a task: the name of a function of `ACTIONS` and its arguments (the worker's Database goes first)
Task = tuple[str, tuple[Any, ...]]
ACTIONS: dict[str, Callable[..., Any]] = {}
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


def rounds(everyday: int, deep: int) -> int:
    """How many rounds a race runs: `make test` keeps to its time, `make test-deep` runs more."""
    return deep if DEEP else everyday


def action(function: Callable[..., Any]) -> Callable[..., Any]:
    """Make a module-level function a task a worker can run (by name: tasks cross processes)."""
    ACTIONS[function.__name__] = function
    return function


@dataclass(frozen=True)
class Outcome:
    worker: int
    won: bool
    value: Any  # the action's result, or the refusal's message


def _serve(url: str, index: int, barrier: Any, inbox: Any, results: Any) -> None:
    db = Database(url)
    try:
        while True:
            task = inbox.get()
            if task is None:
                return
            name, args = task
            barrier.wait()
            try:
                results.put(Outcome(index, True, ACTIONS[name](db, *args)))
            except UserError as exc:
                results.put(Outcome(index, False, str(exc)))
            except Exception:  # a failure no rule explains: the test reports it
                results.put(Outcome(index, False, "UNEXPECTED " + traceback.format_exc()))
    finally:
        db.dispose()


class Crew:
    """`size` workers on the database at `url`. Dispose of every other connection before making it."""

    def __init__(self, url: str, size: int) -> None:
        context = multiprocessing.get_context("fork")
        self.barrier = context.Barrier(size)
        self.inboxes = [context.Queue() for _ in range(size)]
        self.results = context.Queue()
        self.workers = [context.Process(target=_serve, args=(url, i, self.barrier, inbox, self.results),
                                        daemon=True) for i, inbox in enumerate(self.inboxes)]
        for worker in self.workers:
            worker.start()

    def round(self, tasks: list[Task]) -> list[Outcome]:
        """Every worker runs its task at once; their outcomes, by worker."""
        assert len(tasks) == len(self.inboxes)
        for inbox, task in zip(self.inboxes, tasks, strict=True):
            inbox.put(task)
        outcomes = sorted((self.results.get(timeout=120) for _ in tasks), key=lambda o: o.worker)
        unexpected = [o.value for o in outcomes if isinstance(o.value, str) and o.value.startswith("UNEXPECTED")]
        assert not unexpected, unexpected[0]
        return outcomes

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for worker in self.workers:
            worker.join(timeout=30)
            assert worker.exitcode == 0

    def __enter__(self) -> Crew:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            for worker in self.workers:
                worker.kill()
