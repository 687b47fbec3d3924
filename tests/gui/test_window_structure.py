"""The window's modules import one another in one direction: no cycle, counting the imports made only
for type checking too (the agency page's actions hold the page; they do not subclass it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import partner_desk
from partner_desk.domain.roles import Action
from partner_desk.services.changes import EVERYTHING, areas_of

PACKAGE = Path(partner_desk.__file__).parent


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _top_level_imports(tree: ast.Module) -> list[ast.ImportFrom | ast.Import]:
    found: list[ast.ImportFrom | ast.Import] = []
    for node in tree.body:
        inner = node.body if isinstance(node, ast.If) else [node]  # `if TYPE_CHECKING:` counts too
        found += [n for n in inner if isinstance(n, ast.ImportFrom | ast.Import)]
    return found


def import_graph(under: str) -> dict[str, set[str]]:
    """Module -> the modules of `under` it imports at its top level."""
    modules = {_module_name(p): p for p in (PACKAGE / under).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    deps.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}
    path: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                found.append([*path[path.index(dep):], dep])
            elif dep not in state:
                visit(dep)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_window_has_no_import_cycle() -> None:
    graph = import_graph("gui")
    assert "partner_desk.gui.pages.agency.actions" in graph
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_every_change_a_page_reports_names_what_it_touched() -> None:
    """Each `changed("action")` of the window is an action `services.changes` knows, so a change
    reloads the pages that show what it touched, not every page."""


    said = set()
    for path in (PACKAGE / "gui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        said.update(re.findall(r'changed\(f?"([a-z_.{}]+)"', text))
        said.update(re.findall(r'action="([a-z_.]+)"', text))  # a dialog's: _open(dialog, …, action="correct")
        # the same, named by the role table's enum: changed(Action.ACCRUE_POST, …), action=Action.CORRECT
        said.update(Action[name].value for name in re.findall(r'(?:changed\(|action=)Action\.([A-Z_]+)', text))
    said |= {"withdraw.approve", "withdraw.reject", "withdraw.paid", "withdraw.cancel"}  # f"withdraw.{move}"
    said.discard("withdraw.{move.value}")
    assert {"accrue.post", "pay_project", "import", "settings", "withdraw.export"} <= said
    for action in sorted(said):
        assert areas_of(action, "rates:rates.csv") != EVERYTHING, action
