"""The layers of DESIGN.md and the absence of import cycles, checked rather than remembered.

DESIGN.md: text -> model/ -> compile/ -> sim/ analysis/ fit/ viz/ -> ui/, one direction only.
The contract lives in pyproject.toml ([tool.importlinter]); ``lint-imports`` reads it.  The
cycle test walks every ``import`` of every nbblox module with ``ast`` (function-level imports
included, which import-linter also sees but Python's import order hides) and fails on any
cycle that is not in the short, named allow-list below.
"""
from __future__ import annotations

import ast
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "nbblox"

# Cycles kept on purpose, each with its reason.  Name = the sorted modules of the cycle.
ALLOWED_CYCLES: dict[frozenset[str], str] = {
    # none left: compile/codegen.py <-> netcode.py went with the code generator IR (branch
    # `odds`, issue 22 item 2): both build on compile/emit.py, codegen -> netcode one way
}


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Edges module -> nbblox module it imports (any depth in the file, relative or absolute).

    An import of a package counts as an edge to its ``__init__``; ``from pkg import name``
    counts as an edge to ``pkg.name`` when that is a module, else to ``pkg``.
    """
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        is_pkg = path.name == "__init__.py"
        package = mod if is_pkg else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                subs = [f"{target}.{a.name}" for a in node.names]
                targets = [s for s in subs if s in modules] or [target]
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != mod and t.startswith("nbblox"):
                    graph[mod].add(t)
    return graph


def _is_ancestor(pkg: str, mod: str) -> bool:
    return mod.startswith(pkg + ".")


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan).

    Edges from a package's ``__init__`` to its own submodules (re-exports) and from a module
    to the ``__init__`` of a package that contains it are not counted: Python runs the parent
    ``__init__`` first anyway, so such pairs are an order, not a tangle.
    """
    g = {m: {t for t in ts if not _is_ancestor(m, t) and not _is_ancestor(t, m)}
         for m, ts in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[frozenset[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(frozenset(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_layers_contract_is_kept():
    """lint-imports with pyproject's contract: exits 0 and says the contract is KEPT."""
    pytest.importorskip("importlinter")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout, run.stdout


def test_cycle_finder_finds_a_cycle():
    """The finder itself: a -> b -> c -> a is one cycle, d alone is none."""
    g = {"nbblox.a": {"nbblox.b"}, "nbblox.b": {"nbblox.c"}, "nbblox.c": {"nbblox.a"},
         "nbblox.d": {"nbblox.a"}}
    assert cycles(g) == [frozenset({"nbblox.a", "nbblox.b", "nbblox.c"})]


def test_no_import_cycles_outside_the_allow_list():
    found = cycles(import_graph())
    unexpected = [sorted(c) for c in found if c not in ALLOWED_CYCLES]
    assert not unexpected, "import cycles among nbblox modules:\n" + "\n".join(map(str, unexpected))
    stale = [sorted(c) for c in ALLOWED_CYCLES if c not in found]
    assert not stale, f"allow-listed cycles that are gone (remove them from the list): {stale}"


# Private names (one leading underscore) imported from another nbblox module: each was made
# public within the package (underscore dropped, docstring) or moved to its user.  The code
# generator's shared helpers are public in compile/emit.py (branch `odds`, issue 22 item 2).
ALLOWED_PRIVATE_IMPORTS: frozenset[tuple[str, str, str]] = frozenset()


def private_imports(package: pathlib.Path = PACKAGE) -> list[tuple[str, str, str, int]]:
    """``(importer, source module, name, line)`` for every ``from <package module> import
    _name`` (relative or absolute, any depth in the file) whose ``_name`` is not itself a
    module (``_version`` is)."""
    def name(p: pathlib.Path) -> str:
        parts = p.relative_to(package.parent).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    modules = {name(p): p for p in package.rglob("*.py")}
    found = []
    for mod, path in modules.items():
        pkg = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != package.name:
                continue
            for a in node.names:
                private = a.name.startswith("_") and not a.name.startswith("__")
                if private and f"{source}.{a.name}" not in modules and source != mod:
                    found.append((mod, source, a.name, node.lineno))
    return found


def test_private_import_finder(tmp_path):
    """Relative, absolute and function-level imports of a private name are found; a private
    module, a dunder and a module's own names are not."""
    pkg = tmp_path / "pk"
    (pkg / "sub").mkdir(parents=True)
    files = {"__init__.py": "from ._version import v\n", "_version.py": "v = 1\n",
             "a.py": "_x = 1\n__all__ = []\n",
             "b.py": "from .a import _x, __all__\nfrom . import _version\n",
             "sub/__init__.py": "", "sub/c.py": "def f():\n    from ..a import _x\n",
             "sub/d.py": "from pk.a import _x as y\n"}
    for rel, text in files.items():
        (pkg / rel).write_text(text)
    got = sorted((m, s, n) for m, s, n, _ in private_imports(pkg))
    assert got == [("pk.b", "pk.a", "_x"), ("pk.sub.c", "pk.a", "_x"), ("pk.sub.d", "pk.a", "_x")]


def test_no_private_names_cross_module_lines():
    new = [f"{m}:{line} imports {n} from {s}" for m, s, n, line in private_imports()
           if (m, s, n) not in ALLOWED_PRIVATE_IMPORTS]
    assert not new, ("private names imported from another module (make the name public "
                     "within the package, with a docstring, or move it to its user):\n"
                     + "\n".join(new))
