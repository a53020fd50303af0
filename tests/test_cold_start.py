"""What a fresh process imports (issue 16/17 cold start): ``import nbblox``
loads no plotting, UI or SymPy, and with a warm cache a first plot, a phase
plane and a bifurcation diagram with its Hopf coefficient need no SymPy.
Each check runs in a subprocess, so the test process' imports do not count.
"""
import os
import subprocess
import sys
import textwrap

HEAVY = ("panel", "bokeh", "holoviews", "sympy", "matplotlib", "pandas", "xarray", "IPython")


def _run(code, cache, *args):
    env = dict(os.environ, NBBLOX_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_import_nbblox_loads_no_plotting_ui_or_sympy(tmp_path):
    out = _run(f"""
        import sys
        import nbblox as nb
        nb.blox.FitzHughNagumo(name="f")
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
    """, tmp_path)
    assert out.strip() == "[]"


def test_warm_first_plot_needs_no_sympy(tmp_path):
    code = """
        import sys
        import nbblox as nb
        sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 50.0)
        plot = sol.plot()
        import holoviews as hv
        labels = sorted({d.pprint_label for el in plot.traverse(lambda e: e, [hv.Curve])
                         for d in el.vdims})
        print("sympy" in sys.modules, labels)
    """
    cold = _run(code, tmp_path)
    warm = _run(code, tmp_path)
    assert cold.startswith("True")            # the first process inferred the units
    assert warm == cold.replace("True", "False", 1)


def test_warm_phase_plane_and_hopf_coefficient_need_no_sympy(tmp_path):
    code = """
        import sys
        import nbblox as nb
        ml = nb.blox.MorrisLecar(name="ml", preset="hopf")
        br = nb.continuation(ml, "ml.I", (60.0, 120.0), params={"ml.I": 90.0})
        pp = nb.phase_plane(ml, x="ml.V", y="ml.w", params={"ml.I": 90.0})
        hopf = [(p.kind, repr(p.param_value), repr(p.lyapunov)) for p in br.special_points]
        field = repr(float(abs(pp.u).sum() + abs(pp.v).sum()))   # the vectorised rhs
        print("sympy" in sys.modules, hopf, field, [str(f.state) for f in pp.fixed_points])
    """
    cold = _run(code, tmp_path)
    warm = _run(code, tmp_path)
    assert cold.startswith("True") and "'H'" in cold
    assert warm == cold.replace("True", "False", 1)   # same numbers, bit for bit
