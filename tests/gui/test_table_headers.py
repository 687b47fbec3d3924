"""A header too wide for its column on one line goes onto two lines, broken between words, rather
than being cut (a Ukrainian header is often longer than the English one)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from partner_desk.gui.table_model import Column, RowTableModel, table_view, text_width, two_lines

HEADERS = ["Курс до USD", "Сума у валюті партнера", "Повернення платежу", "Запізнілі", "Комісія\n≈ USD"]


def shown(model: RowTableModel[str], section: int) -> str:
    return str(model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))


def test_a_narrow_column_shows_its_header_on_two_lines(qtbot) -> None:  # type: ignore[no-untyped-def]
    model: RowTableModel[str] = RowTableModel([Column(h, lambda r: r, width=60, min_width=60) for h in HEADERS])
    view = table_view(model)
    qtbot.addWidget(view)
    view.resize(2 + 5 * 60 + view.verticalScrollBar().sizeHint().width(), 200)  # each column 60 px
    view.show()
    qtbot.waitUntil(lambda: view.columnWidth(0) == 60)
    metrics = view.horizontalHeader().fontMetrics()
    wrapped = [shown(model, i) for i in range(len(HEADERS))]
    # the words are the header's, on two lines, the wider line narrower than the whole header
    for header, text in zip(HEADERS[:3], wrapped[:3], strict=True):
        assert text.count("\n") == 1
        assert text.replace("\n", " ") == header
        assert text_width(text, metrics) < metrics.horizontalAdvance(header)
    # one word cannot be broken; a header with its own lines keeps them
    assert wrapped[3:] == ["Запізнілі", "Комісія\n≈ USD"]
    # the tooltip names the column whole, on one line
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "Курс до USD"

    wide: RowTableModel[str] = RowTableModel([Column(h, lambda r: r, width=260) for h in HEADERS])
    view.setModel(wide)
    view.resize(2 + 5 * 260 + view.verticalScrollBar().sizeHint().width(), 200)  # room for every header
    qtbot.waitUntil(lambda: view.columnWidth(0) >= 260)
    view.fit_columns()
    assert [shown(wide, i) for i in range(len(HEADERS))] == HEADERS


def test_two_lines_picks_the_break_that_makes_the_header_narrowest(qtbot) -> None:  # type: ignore[no-untyped-def]
    model: RowTableModel[str] = RowTableModel([Column("x", lambda r: r)])
    view = table_view(model)
    qtbot.addWidget(view)
    metrics = view.horizontalHeader().fontMetrics()
    header = "Сума у валюті партнера"
    words = header.split()
    every = [" ".join(words[:i]) + "\n" + " ".join(words[i:]) for i in range(1, len(words))]
    best = two_lines(header, metrics)
    assert best in every
    assert text_width(best, metrics) == min(text_width(t, metrics) for t in every)
