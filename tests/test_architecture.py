"""The layer rules of docs/architecture.md, read from the code itself: every import of the
package (at module or function level) is collected with `ast`, then checked against what each
layer may import, and the module graph is searched for cycles."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pnae_desktop"

# What each layer never imports (docs/architecture.md).
FORBIDDEN = {
    "catalogue": {"domain", "store", "services", "exports", "ui", "cli"},
    "domain": {"store", "services", "exports", "ui", "cli"},
    "store": {"services", "exports", "ui", "cli"},
    "exports": {"store", "services", "ui", "cli"},
    "services": {"ui", "cli"},
    "ui": {"store", "exports", "cli"},
}
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """The package module `name` refers to (the longest known prefix), or None if foreign."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from pnae_desktop.services import budget` names the module services.budget
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for name in names:
            target = resolve(name, known) if name.startswith("pnae_desktop") else None
            if target is not None and target != module:
                found.add(target)
    return found


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in FORBIDDEN) else None


def graph() -> dict[str, set[str]]:
    known = modules()
    return {m: imports_of(m, p, known) for m, p in known.items()}


def test_no_layer_imports_what_it_must_not():
    wrong = []
    for module, targets in graph().items():
        for target in targets:
            if layer(target) in FORBIDDEN.get(layer(module), set()):
                wrong.append(f"{module} → {target}")
    assert not wrong, "imports against the layer rules:\n" + "\n".join(sorted(wrong))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_between_modules():
    edges = graph()
    # A package's __init__ importing its own modules (re-exports) is not a cycle of layers.
    edges = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in edges.items()}
    assert not cycles(edges), cycles(edges)


def test_no_import_cycle_between_layers():
    edges: dict[str, set[str]] = {}
    for module, targets in graph().items():
        for target in targets:
            a, b = layer(module), layer(target)
            if a and b and a != b:
                edges.setdefault(a, set()).add(b)
    assert not cycles(edges), cycles(edges)


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_over_600_lines():
    long = {m: n for m, p in modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long
