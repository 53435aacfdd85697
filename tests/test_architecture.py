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


def test_function_level_imports_say_why():
    """An import inside a function is kept only for start-up speed, and says so: a comment on
    its line or at the head of the run of imports it belongs to."""
    silent = []
    for module, path in modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for func in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue
                i = node.lineno - 1
                block = lines[i : node.end_lineno]
                while i > 0 and lines[i - 1].strip().startswith(("from ", "import ", "#")):
                    i -= 1
                    block.append(lines[i])
                if not any("#" in line for line in block):
                    silent.append(f"{module}:{node.lineno}")
    assert not silent, silent


def test_the_window_loads_without_the_heavy_libraries():
    """Start-up: the modules up to the first paint import no ORM, no document library (they
    load after the window shows). A module-level import in the wrong place fails here."""
    import subprocess
    import sys

    heavy = ("sqlalchemy", "alembic", "openpyxl", "reportlab", "jsonschema", "pyhanko")
    code = (
        "import sys\n"
        "import pnae_desktop.cli.main, pnae_desktop.ui.app, pnae_desktop.ui.main_window, pnae_desktop.ui.undo\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_one_escaping_function_for_markup():
    """Every reportlab Paragraph and Qt rich-text label built from data escapes it through
    pnae_desktop.text.escape_markup: no second, subtly different escaper."""
    others = [
        f"{module}:{n}"
        for module, path in modules().items()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "html.escape(" in line or "xml.sax.saxutils" in line
    ]
    assert not others, others
