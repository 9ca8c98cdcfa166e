"""How the run's modules depend on each other: no import cycle among them (imports made only
for type checking aside), no private name imported from another module, and the research loop
reaching the run only through the session's public surface."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

SRC = REPO / "src"
RUN_MODULES = [
    "veracity.pipeline", "veracity.resume", "veracity.sources", "veracity.run.spec", "veracity.run.tools",
    "veracity.run.session", "veracity.agent.loop", "veracity.agent.planner", "veracity.agent.ledger",
    "veracity.agent.wiring", "veracity.batch.runner", "veracity.server.jobs",
]


def _path(module: str) -> Path:
    return SRC / (module.replace(".", "/") + ".py")


def _runtime_imports(module: str) -> list[ast.ImportFrom | ast.Import]:
    """Every import statement of the module outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(_path(module).read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) and id(n) not in skip]


def _imported_modules(module: str) -> set[str]:
    out: set[str] = set()
    for node in _runtime_imports(module):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        out.update(n for n in names if n.startswith("veracity"))
    return out


def test_no_import_cycle_among_the_run_modules() -> None:
    graph = {m: {d for d in _imported_modules(m) if d in RUN_MODULES} for m in RUN_MODULES}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = [m for m in RUN_MODULES if reaches(m, m, {m})]
    assert cycles == []
    assert "veracity.pipeline" not in _imported_modules("veracity.agent.loop")
    assert not {"veracity.pipeline", "veracity.agent.loop"} & _imported_modules("veracity.run.session")


def test_no_private_name_crosses_a_module() -> None:
    crossing = []
    for module in RUN_MODULES:
        for node in _runtime_imports(module):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("veracity"):
                crossing += [f"{module}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert crossing == []


def test_the_loop_uses_no_private_attribute_of_the_session() -> None:
    tree = ast.parse(_path("veracity.agent.loop").read_text(encoding="utf-8"))
    private = sorted({
        ast.unparse(n) for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and n.attr.startswith("_") and not n.attr.startswith("__")
        and ast.unparse(n.value) in ("run", "self.run")
    })
    assert private == []


def test_run_modules_stay_under_800_lines() -> None:
    sizes = {m: len(_path(m).read_text(encoding="utf-8").splitlines()) for m in RUN_MODULES}
    assert max(sizes.values()) <= 800, sizes
