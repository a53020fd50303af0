"""nbblox.compile.ir: the generated kernels as statements, printed once."""
import ast
from pathlib import Path

import sympy as sp

import nbblox as nb
from nbblox.compile import ir
from nbblox.compile.codegen import generate_source
from nbblox.compile.ir import (Assign, Blank, Break, For, Func, If, Item, Load, Math, Off, Pass,
                              Return, Temp, Verbatim, render)

GENERATORS = ["ir.py", "codegen.py", "netcode.py", "hoist.py", "sensitivity.py", "steps.py",
              "plastcode.py"]


def test_statements_print_as_nested_python():
    s0, q1 = sp.symbols("s0 q1", real=True)
    c0 = sp.Symbol("c0")
    body = [Load(s0, "tmp", 3), Load(q1, "p", 7, "post"), Temp(c0, q1 * s0),
            Assign(Item("k2", Off(3)), c0 + 1),
            If([("c0 > 1.0", [Assign("n", 1, "+=")]), ("c0 < 0.0", [Break()])], [Pass()])]
    f = Func("f", ("x", "p"), [For("i", (2,), body, note="group 0"), Return(("i", -1))])
    assert render([Verbatim("import math"), Blank(), f]).split("\n") == [
        "import math", "",
        '@njit(cache=True, nogil=True, error_model="numpy")',
        "def f(x, p):",
        "    for i in range(2):  # group 0",
        "        s0 = tmp[3 + i]",
        "        q1 = p[7 + post]",
        "        c0 = q1*s0",
        "        k2[3 + i] = c0 + 1.0",
        "        if c0 > 1.0:",
        "            n += 1",
        "        elif c0 < 0.0:",
        "            break",
        "        else:",
        "            pass",
        "    return i, -1"]


def test_names_are_substituted_by_the_printer_not_in_text():
    # a renamed symbol keeps the term order of the expression it was built as,
    # so a hoisted constant prints the arithmetic of the loop it came from
    q0, q10, s0 = sp.symbols("q0 q10 s0", real=True)
    e = sp.exp(q10) * q0 + s0
    names = {q0: "hq0_0", q10: "hq0_10"}
    plain, renamed = ir.pycode(e), Math(e, names).code()
    assert plain == "q0*math.exp(q10) + s0"
    assert renamed == "hq0_0*math.exp(hq0_10) + s0"   # q10 not touched by the q0 rename
    assert Item("x", (Off(4, "post"), 2)).code() == "x[4 + post, 2]"


def test_every_kernel_of_a_module_comes_from_one_printer():
    # the stage buffers of an RK4 loop are nodes' fields: k1..k4 and tmp appear
    # exactly where the scheme reads and writes them
    c = nb.Circuit([nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")])
    c.connect("a", "b", weight=1.0)
    src = generate_source(nb.compile(c).layout)
    ast.parse(src)
    run = src.split("def run_rk4(")[1].split("\n\n")[0]
    for k in ("k1", "k2", "k3", "k4"):
        assert f"{k}[" in run
    assert "tmp[i] = x[i] + 0.5 * dt * k1[i]" in run


def _text_rewrites(path):
    """Calls that edit text: ``<anything>.replace(...)``, ``re.sub``/``re.subn``,
    and any import of ``re``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            if f.attr == "replace" or (f.attr in ("sub", "subn") and
                                       isinstance(f.value, ast.Name) and f.value.id == "re"):
                found.append(f"{path.name}:{node.lineno} .{f.attr}(")
        if isinstance(node, ast.Import) and any(a.name == "re" for a in node.names):
            found.append(f"{path.name}:{node.lineno} import re")
        if isinstance(node, ast.ImportFrom) and node.module == "re":
            found.append(f"{path.name}:{node.lineno} from re import")
    return found


def test_generators_do_not_edit_source_text():
    here = Path(ir.__file__).parent
    found = [hit for name in GENERATORS for hit in _text_rewrites(here / name)]
    assert found == [], found


def test_the_scan_catches_a_template(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('import re\nT = "def run_NAME(): pass"\n'
                   'src = T.replace("NAME", "rk4")\nsrc = re.sub(r"\\bq0\\b", "hq", src)\n')
    assert len(_text_rewrites(bad)) == 3


def test_a_change_to_the_printer_or_a_generator_rekeys_the_source_cache(tmp_path):
    # cached sources are keyed on a hash of the compile modules: editing the IR printer
    # (or any generator) must make every cached kernel text stale, not load the old one
    from nbblox.compile.cache import _codegen_version
    src = Path(ir.__file__).parent
    pkg = tmp_path / "compile"
    pkg.mkdir()
    (tmp_path / "model").mkdir()
    for f in src.glob("*.py"):
        (pkg / f.name).write_bytes(f.read_bytes())
    for n in ("functions.py", "symbolic.py", "equations.py", "expression.py"):
        (tmp_path / "model" / n).write_bytes((src.parent / "model" / n).read_bytes())
    before = _codegen_version(pkg)
    assert before == _codegen_version(src)
    for name in ("ir.py", "netcode.py", "arrays.py"):
        f = pkg / name
        text = f.read_text()
        f.write_text(text + "\n# changed\n")
        assert _codegen_version(pkg) != before, name
        f.write_text(text)
    assert _codegen_version(pkg) == before
