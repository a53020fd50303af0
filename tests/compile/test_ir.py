"""nbblox.compile.ir: the generated kernels as statements, printed once."""
import ast
from pathlib import Path

import sympy as sp

import nbblox as nb
from nbblox.compile import ir
from nbblox.compile.codegen import generate_source
from nbblox.compile.ir import (Assign, Blank, Break, For, Func, If, Item, Load, Math, Off, Pass,
                              Return, Temp, Verbatim, render)

GENERATORS = ["ir.py", "codegen.py", "fusedsteps.py", "netcode.py", "hoist.py", "sensitivity.py", "steps.py",
              "plastcode.py", "emit.py", "delays.py", "kernels.py",
              # the variants: passes over the statements, never edits of printed text
              "fastmath.py", "stream.py"]
#: modules outside compile/ that make kernel modules or their variants
SWEEP_GENERATORS = ["lockstep.py", "stream.py", "cpu.py", "cuda.py"]


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
    # the stage buffers of an RK4 loop are nodes' fields: k1..k4 (run_rk4: the rows of
    # K, written once in the loop over the stages) and tmp appear exactly where the
    # scheme reads and writes them
    c = nb.Circuit([nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")])
    c.connect("a", "b", weight=1.0)
    src = generate_source(nb.compile(c).layout)
    ast.parse(src)
    run = src.split("def run_rk4(")[1].split("\n\n")[0]
    assert "K[ko + 0 + i] = " in run and "k1[" not in run
    for row in ("K[i]", "K[N_STATES + i]", "K[2 * N_STATES + i]", "K[3 * N_STATES + i]"):
        assert row in run
    assert "tmp[i] = x[i] + 0.5 * dt * K[i]" in run
    full = src.split("def run_rk4_full(")[1].split("\n\n")[0]
    for k in ("k1", "k2", "k3", "k4"):
        assert f"{k}[" in full
    assert "tmp[i] = x[i] + 0.5 * dt * k1[i]" in full


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
    sweep = here.parent / "sim" / "sweep"
    found = [hit for name in GENERATORS for hit in _text_rewrites(here / name)]
    found += [hit for name in SWEEP_GENERATORS for hit in _text_rewrites(sweep / name)]
    assert found == [], found


def _coupled_layout():
    c = nb.Circuit([nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")])
    c.connect("a", "b", weight=1.0)
    return nb.compile(c).layout


def test_variants_are_passes_over_the_strict_statements():
    from nbblox.compile.codegen import module_stmts, or_check, render_module
    from nbblox.compile.fastmath import FAST_DECORATOR, fast_module
    from nbblox.compile.stream import stream_module
    M = module_stmts(_coupled_layout())
    strict = render_module(M)
    fast = render_module(fast_module(M))
    lock = render_module(or_check(M))
    streamed = render_module(stream_module(M, "msc"))
    assert render_module(M) == strict            # no pass changed the statements
    # every kernel of the fast module carries the flags; the dense products changed form
    n_kernels = strict.count(ir.DECORATOR + "\n")
    assert fast.count(FAST_DECORATOR + "\n") == n_kernels and ir.DECORATOR + "\n" not in fast
    assert strict.count("acc += WD[a, b] * o[b0 + b]") == fast.count("np.dot(WD, o[b0:") > 0
    assert "np.dot" not in strict and "acc += WD[a, b]" not in fast
    # the OR check goes once into each run_<m> (not into run_<m>_full)
    n_run = len([f for f in M if isinstance(f, Func) and f.params[-1] == "out_x"])
    assert lock.count("ls_bad = ls_bad | (not math.isfinite(x[i]))") == n_run > 3
    # a stream loop per run_<m>: the recording sites replaced, nothing else
    assert streamed.startswith(strict) and streamed.count("def stream_") == n_run
    for f in M:
        if isinstance(f, Func) and f.params[-1] == "out_x":
            m = f.name[4:]
            run = strict.split(f"def run_{m}(")[1].split("\n\n")[0]
            loop = streamed.split(f"def stream_{m}(")[1].split("\n\n")[0]
            assert "out_" in run and "out_" not in loop and "sm_acc[" in loop
            kept = [ln for ln in run.splitlines() if "out_" not in ln and "j = 1" not in ln
                    and "for r in range(rec.shape[0]):" not in ln and "step0 == 0" not in ln
                    and "(step + 1) % stride == 0" not in ln and "j += 1" not in ln]
            assert all(ln in loop for ln in kept[1:])   # the integration, as it was


def test_sites_print_as_their_body_and_rewrite_copies():
    from nbblox.compile.ir import Site, rewrite, sites
    inner = [Assign("acc", "0.0")]
    tree = [For("a", (3,), [If([("c", [Site("s", inner, {"k": 1})])], [Pass()])])]
    assert render(tree) == render([For("a", (3,), [If([("c", inner)], [Pass()])])])
    new = rewrite(tree, lambda st: [Break()] if isinstance(st, Site) else None)
    assert "break" in render(new) and "acc" in render(tree)   # the input is unchanged
    assert [s.data for s in sites(tree, "s")] == [{"k": 1}] and sites(new, "s") == []


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
