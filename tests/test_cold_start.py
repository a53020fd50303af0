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


def test_analysis_package_loads_its_heavy_parts_on_first_use(tmp_path):
    # nbblox.analysis is lazy (PEP 562): the explorer's views need neither slow points
    # (SciPy's optimize) nor codim-2 curves; their names still resolve as before
    out = _run("""
        import sys
        import nbblox.analysis as a
        before = sorted(m for m in ("scipy.optimize", "scipy.linalg", "scipy.integrate",
                                    "nbblox.analysis.slow", "nbblox.analysis.codim2")
                        if m in sys.modules)
        import nbblox as nb
        from nbblox.analysis import spectrum, slow_points, continuation2, spike_trains
        print(before, callable(spectrum), spectrum is nb.spectrum,
              slow_points.__module__, continuation2.__module__, "slow_points" in dir(a))
    """, tmp_path)
    assert out.split() == ["[]", "True", "True", "nbblox.analysis.slow",
                           "nbblox.analysis.codim2", "True"]


def test_warm_three_view_explorer_imports_no_sympy_or_scipy_optimize(tmp_path):
    # the first explore() of a fresh kernel (issue 17 cold start): with a warm cache,
    # no SymPy, and no scipy.integrate/optimize (a phase plane with no trajectories
    # to integrate must not import solve_ivp); in a script, no IPython (asking whether
    # a kernel runs imported it: ~0.5-1.5 s)
    code = """
        import sys
        import nbblox as nb
        ml = nb.blox.MorrisLecar(name="ml", preset="hopf")
        ex = nb.explore(ml, vars=["ml.V", "ml.w"], t_end=50.0, dt=0.05,
                        views=("timeseries", "phase_plane", "bifurcation"),
                        bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
        assert ex.error is None, ex.error
        print(sorted(m for m in ("sympy", "scipy.optimize", "scipy.integrate", "IPython")
                     if m in sys.modules))
    """
    _run(code, tmp_path)                       # fills the cache
    assert _run(code, tmp_path).strip() == "[]"


def test_warm_inline_dashboard_imports_no_sympy_and_shows_the_same_equations(tmp_path):
    # the inline dashboard (issue 16 goal <= 5 s): its equations' LaTeX was its only
    # SymPy; with a warm cache it is read from disk, the same text
    code = """
        import sys
        import nbblox as nb
        a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
        pair = nb.Circuit([a, b], name="pair"); pair.connect(a, b, weight=1.5)
        d = nb.dashboard(pair, t_end=20.0)
        from nbblox.ui.dashboard_views import type_latex
        print("sympy" in sys.modules, type_latex(a.type))
    """
    cold = _run(code, tmp_path)
    warm = _run(code, tmp_path)
    assert cold.startswith("True") and "\\frac{dE}{dt}" in cold
    assert warm == cold.replace("True", "False", 1)


def test_first_holoviews_and_panel_import_in_ipython_skips_param_docstring_tables(tmp_path):
    # inside IPython param appends a parameter table to every Parameterized class's
    # docstring (0.2-0.5 s for Panel + HoloViews); nbblox's import hook turns that off
    # for their first import only: a user's own classes keep their tables
    out = _run("""
        from IPython.core.interactiveshell import InteractiveShell
        ip = InteractiveShell.instance()
        ip.run_cell('''
        import sys, nbblox, param, panel, holoviews
        class Mine(param.Parameterized):
            x = param.Number(1.0, doc="an x")
        print("Parameters of" in (panel.widgets.FloatSlider.__doc__ or ""),
              "an x" in (Mine.__doc__ or ""), param.parameterized.docstring_describe_params,
              any("Quiet" in type(f).__name__ for f in sys.meta_path),
              type(panel.__spec__.loader).__name__)
        ''')
    """, tmp_path)
    assert out.split() == ["False", "True", "True", "False", "SourceFileLoader"]


def test_warm_first_sweep_imports_no_sympy_dask_or_pint(tmp_path):
    # the first nb.sweep of a fresh process (issue 17 cold start, bench W4 case): the
    # lockstep layout counted outputs by parsing them (SymPy, ~0.4 s), and xarray's
    # Dataset constructor asked dask, pint, sparse and cupy whether each array was theirs,
    # importing them (~0.4 s); a sweep's arrays are plain numpy, its Dataset the same
    code = """
        import sys
        import numpy as np
        import nbblox as nb
        f = nb.blox.FitzHughNagumo(name="fhn", a=0.7, b=0.8, tau=12.5, init={"V": 0.0, "w": 0.0})
        res = nb.sweep(f, {"fhn.I": np.linspace(0.0, 2.0, 70)}, t_end=50.0, dt=0.01,
                       method="euler", record=["fhn.V"], measure="rate", threshold=1.0)
        loaded = sorted(m for m in ("sympy", "dask", "pint", "sparse", "cupy") if m in sys.modules)
        rate = res["rate"].values[:, 0]     # (xarray's .sel would import dask itself)
        print(loaded, int((rate > 0).sum()), res["variable"].dtype, res.indexes["fhn.I"].dtype)
    """
    _run(code, tmp_path)                       # fills the cache
    out = _run(code, tmp_path).split()
    assert out[0] == "[]", out
    assert int(out[1]) > 0 and out[2:] == ["<U5", "float64"]
