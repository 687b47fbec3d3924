"""A large table works out its columns' sort keys while the window is idle, once per row, so a first
sort finds them ready; a small one when it is first sorted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import Qt

from partner_desk.gui.table_model import WARM_ROWS, Column, RowTableModel


def counting(asked: Counter[tuple[int, int]], column: int) -> Callable[[int], int]:
    def value(row: int) -> int:
        asked[(column, row)] += 1
        return row * (column + 1) % 97

    return value


def test_each_rows_sort_keys_are_worked_out_once_while_idle_and_a_sort_asks_for_none(qtbot) -> None:
    asked: Counter[tuple[int, int]] = Counter()
    model: RowTableModel[int] = RowTableModel([Column(f"c{i}", counting(asked, i)) for i in range(3)])
    rows = range(WARM_ROWS + 500)
    model.set_rows(rows)
    assert not asked  # nothing yet: the keys wait for the window to be idle
    qtbot.waitUntil(lambda: len(asked) == 3 * len(rows))
    assert set(asked.values()) == {1}
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert set(asked.values()) == {1}  # the sort asked for no value again
    assert model.rows()[:4] == sorted(rows, key=lambda r: r * 3 % 97, reverse=True)[:4] == [32, 129, 226, 323]


def test_a_small_table_works_out_its_keys_when_it_is_first_sorted(qtbot) -> None:
    asked: Counter[tuple[int, int]] = Counter()
    model: RowTableModel[int] = RowTableModel([Column("c0", counting(asked, 0))])
    model.set_rows(range(10))
    qtbot.wait(50)
    assert not asked
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert len(asked) == 10
