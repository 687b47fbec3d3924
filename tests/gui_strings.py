"""Finding text a person reads in the window that is not marked for translation.

An AST scan of `partner_desk/gui/`: the string arguments of Qt's text setters (`setText`,
`setToolTip`, `setWindowTitle`...), of widgets built with a text (`QLabel(...)`, `QPushButton(...)`),
of message boxes, table columns and header lists. Literal text with a letter in it (HTML tags and
`{placeholders}` aside) must be wrapped in `_()`, `N_()` or `ngettext()`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

MARKERS = {"_", "N_", "ngettext"}
EVERY = None
TEXT_CALLS: dict[str, tuple[int, ...] | None] = {
    # every positional argument is text a person reads
    **dict.fromkeys((
        "setText", "setToolTip", "setWindowTitle", "setPlaceholderText", "setStatusTip", "setLabelText",
        "setTitle", "setTitleText", "setName", "setFormat", "showMessage", "setInformativeText",
        "setSpecialValueText", "setPrefix", "setSuffix", "setHeaderLabels", "setHorizontalHeaderLabels",
        "setVerticalHeaderLabels", "addItems", "setNameFilters", "setTabToolTip", "setWhatsThis", "addAction",
        "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QListWidgetItem",
        "QTreeWidgetItem", "QTableWidgetItem", "QBarSet", "QMessageBox", "QProgressDialog", "QFileDialog",
        "information", "warning", "critical", "question", "getOpenFileName", "getSaveFileName",
        "getExistingDirectory", "inform", "warn", "confirm", "Column", "FormDialog", "__init__", "_box",
    ), EVERY),
    # the first text argument only; the others are data
    "addItem": (0,), "addRow": (0,), "insertItem": (1,), "setTabText": (1,), "addTab": (1,), "insertTab": (2,),
}
TEXT_KEYWORDS = {"header", "title", "intro", "text", "ok_label", "yes_label", "label", "tip"}
# the same in every language: a currency code on a chart axis, a file name's extension
NOT_WORDS = {"USD", ".xlsx"}
LOGGERS = {"log", "logging", "logger"}  # log lines go to stderr for whoever runs the program


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _readable(text: str) -> bool:
    stripped = re.sub(r"<[^>]*>|&\w+;|\{[^{}]*\}", "", text)
    return text.strip() not in NOT_WORDS and any(ch.isalpha() for ch in stripped)


def _bare(node: ast.expr) -> list[str]:
    """Literal text in `node` that no marker wraps."""
    if isinstance(node, ast.Call):
        callee = _name(node.func)
        if callee in MARKERS:
            return []
        if callee in ("format", "join") and isinstance(node.func, ast.Attribute):
            return _bare(node.func.value) + [t for a in node.args for t in _bare(a)]
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if _readable(node.value) else []
    if isinstance(node, ast.JoinedStr):
        template = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        inner = [t for v in node.values if isinstance(v, ast.FormattedValue) for t in _bare(v.value)]
        return ([template] if _readable(template) else []) + inner
    if isinstance(node, ast.BinOp):
        return _bare(node.left) + _bare(node.right)
    if isinstance(node, ast.IfExp):
        return _bare(node.body) + _bare(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return [t for e in node.elts for t in _bare(e)]
    return []


def unmarked(source: str, where: str = "<source>") -> list[str]:
    """`where:line: call('text')` for each unmarked user-visible literal in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        callee = _name(node.func)
        if callee not in TEXT_CALLS:
            continue
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if isinstance(receiver, ast.Name) and receiver.id in LOGGERS:
            continue
        positions = TEXT_CALLS[callee]
        args = [a for i, a in enumerate(node.args) if positions is None or i in positions]
        args += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        found += [f"{where}:{node.lineno}: {callee}({text!r})" for arg in args for text in _bare(arg)]
    return found


def unmarked_in(folder: Path) -> list[str]:
    root = folder.parent.parent
    return [problem for path in sorted(folder.rglob("*.py"))
            for problem in unmarked(path.read_text(encoding="utf-8"), str(path.relative_to(root)))]
