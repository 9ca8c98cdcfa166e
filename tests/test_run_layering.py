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


def _runtime_imports(module: str, path: Path | None = None) -> list[ast.ImportFrom | ast.Import]:
    """Every import statement of the module outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse((path or _path(module)).read_text(encoding="utf-8"))
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


def _all_modules() -> dict[str, Path]:
    out = {}
    for path in (SRC / "veracity").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def test_no_module_of_the_package_imports_a_private_name_of_another() -> None:
    crossing = []
    for module, path in _all_modules().items():
        for node in _runtime_imports(module, path):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("veracity"):
                crossing += [
                    f"{module}: {node.module}.{a.name}" for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert crossing == []


def test_the_package_has_no_import_cycle() -> None:
    """Imports made at run time (lazy ones inside functions included), between the package's
    modules: no module reaches itself."""
    mods = _all_modules()
    graph: dict[str, set[str]] = {}
    for module, path in mods.items():
        deps: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("veracity"):
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    deps.add(sub if sub in mods else node.module or "")
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name in mods)
        graph[module] = {d for d in deps if d in mods and d != module}

    def cycle_from(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], {start}
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*path, start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
        return None

    cycles = [c for m in sorted(graph) if (c := cycle_from(m))]
    assert cycles == []
