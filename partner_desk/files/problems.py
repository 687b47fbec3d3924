"""A file's problems: `row N: column: problem`, every one counted, the first PROBLEM_CAP kept.

Readers of every format (files/table.py for CSV, files/xlsx_input.py for XLSX) and the imports report
through these, so a file of a million bad rows is refused in bounded memory with a readable list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from partner_desk.domain.errors import UserError
from partner_desk.domain.refusals import Refusal
from partner_desk.refusal_text import english

PROBLEM_CAP = 1_000
# one row's cells as text, and the problems of the cells that could not be read as they are
RawRow = tuple[list[str], dict[int, str | Refusal]]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input row: `row N: column: problem`."""

    row: int
    column: str
    message: str
    # the problem as a code and its values, when the catalog words it (refusal_text.py): the window
    # shows it in its own language; `message` is its English text
    reason: Refusal | None = field(default=None, compare=False)

    @classmethod
    def of(cls, row: int, column: str, reason: Refusal) -> Problem:
        return cls(row, column, english(reason), reason)

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row > 0 else []
        where += [self.column] if self.column else []
        return ": ".join([*where, self.message])


def _order(problem: Problem) -> tuple[int, str]:
    return problem.row, problem.column


class Problems:
    """The problems of one file: every one counted, the first `cap` by row then column kept."""

    def __init__(self, cap: int = PROBLEM_CAP) -> None:
        self.cap = cap
        self.count = 0
        self._kept: list[Problem] = []

    def append(self, problem: Problem) -> None:
        self.count += 1
        self._kept.append(problem)
        if len(self._kept) >= 2 * self.cap:
            self._trim()

    def _trim(self) -> None:
        self._kept.sort(key=_order)  # stable: problems of one cell keep the order they were found in
        del self._kept[self.cap:]

    def first(self) -> list[Problem]:
        """The first `cap` problems, by row then column."""
        self._trim()
        return list(self._kept)

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.first())


class FileRejected(UserError):
    """A file refused as a whole; `problems` lists the first PROBLEM_CAP reasons, `total` counts all."""

    def __init__(self, problems: Iterable[Problem], what: str = "file") -> None:
        collected = problems if isinstance(problems, Problems) else Problems()
        if collected is not problems:
            for problem in problems:
                collected.append(problem)
        self.problems = collected.first()
        self.total = collected.count
        self.what = what
        # the first line, which the audit trail keeps, typed so the window words it too
        self.head = Refusal("file_refused_one" if self.total == 1 else "file_refused",
                            {"file": what, "n": self.total})
        lines = [english(self.head), *(str(p) for p in self.problems)]
        if self.total > len(self.problems):
            lines.append(f"… and {self.total - len(self.problems)} more problems "
                         f"(the first {len(self.problems)} are listed)")
        super().__init__("\n".join(lines))
