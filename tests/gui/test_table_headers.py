"""A header too wide for its column on one line goes onto two lines, broken between words, rather
than being cut (a Ukrainian header is often longer than the English one)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from partner_desk.gui.table_model import RIGHT, Column, RowTableModel, table_view, text_width, two_lines

HEADERS = ["Курс до USD", "Сума у валюті партнера", "Повернення платежу", "Запізнілі", "Комісія\n≈ USD"]


def shown(model: RowTableModel[str], section: int) -> str:
    return str(model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))


def test_a_narrow_column_shows_its_header_on_two_lines(qtbot) -> None:
    model: RowTableModel[str] = RowTableModel([Column(h, lambda r: r, width=60, min_width=60) for h in HEADERS])
    view = table_view(model)
    qtbot.addWidget(view)
    view.resize(2 + 5 * 60 + view.verticalScrollBar().sizeHint().width(), 200)  # about 60 px a column
    view.show()
    # room for less than the headers want even on two lines: every column is fitted into the 300 px
    qtbot.waitUntil(lambda: 0 < sum(view.columnWidth(i) for i in range(len(HEADERS))) <= 5 * 60)
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


def test_two_lines_picks_the_break_that_makes_the_header_narrowest(qtbot) -> None:
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


def test_columns_of_figures_keep_their_texts_whole_and_a_text_column_gives_way(qtbot) -> None:
    """Fitted to the texts the first rows show: a name elides before an amount does, and no header is
    cut, when the view has room for every figure and heading."""
    rows = [("Lviv Conversion Studio and Partners", "1 049 673,32 ₴", "25 760,37 USD")] * 3
    model: RowTableModel[tuple[str, str, str]] = RowTableModel([
        Column("Назва", lambda r: r[0], width=200, min_width=60),
        Column("Баланс", lambda r: r[1], align=RIGHT, width=60, min_width=40),
        Column("Баланс\n≈ USD", lambda r: r[2], align=RIGHT, width=60, min_width=40)])
    view = table_view(model)
    qtbot.addWidget(view)
    metrics = view.fontMetrics()
    figures = [metrics.horizontalAdvance(t) for t in rows[0][1:]]
    view.resize(2 + 120 + sum(figures) + 40 + view.verticalScrollBar().sizeHint().width(), 200)
    view.show()
    model.set_rows(rows)
    qtbot.waitUntil(lambda: view.columnWidth(1) >= figures[0])
    assert view.columnWidth(2) >= figures[1]  # each amount whole
    assert view.columnWidth(0) < metrics.horizontalAdvance(rows[0][0])  # the name elides instead
    heading = view.horizontalHeader().fontMetrics().horizontalAdvance("Назва")
    assert view.columnWidth(0) >= heading  # and its header is whole
