"""System: names, runtime parameters (no recompilation), kernels agree with
the NumPy reference backend and with finite differences, disk cache."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import sympy as sp

import nbblox as nb
from nbblox.exceptions import CompileError, ParameterError


def pair():
    a = nb.blox.WilsonCowan(name="a")
    b = nb.blox.WilsonCowan(name="b", P=0.5)
    f = nb.blox.FitzHughNagumo(name="f", I=0.3)
    c = nb.Circuit([a, b, f])
    c.connect(a, b, weight=1.5)
    c.connect(b, a, weight=-0.7)
    c.connect(f, b, weight=0.2)
    c.connect(a, f, weight=0.4)
    return c


def test_names_and_initial_state():
    s = nb.compile(pair())
    assert s.state_names == ["a.E", "b.E", "a.I", "b.I", "f.V", "f.w"]
    assert "b.P" in s.param_names and s.params["b.P"] == 0.5
    assert s.x0[s.state_index("f.V")] == nb.blox.FitzHughNagumo.init["V"]
    with pytest.raises(ParameterError, match="Did you mean.*'f.V'"):
        s.state_index("f.v")
    with pytest.raises(ParameterError, match="Did you mean.*'b.P'"):
        s.params["b.p"] = 1.0


@pytest.mark.parametrize("model", ["hh", "pair"])
def test_numba_rhs_and_jacobian_match_reference_and_finite_differences(model):
    m = nb.blox.HodgkinHuxley(name="hh", I=7.0) if model == "hh" else pair()
    s = nb.compile(m)
    rng = np.random.default_rng(1)
    L = s.layout
    for _ in range(5):
        x = s.x0 + 0.05 * rng.standard_normal(s.x0.size)
        ref_f = s.reference.rhs(0.3, x, s.params.array, s.weights, L.src, L.dst)
        ref_J = s.reference.jac(0.3, x, s.params.array, s.weights, L.src, L.dst)
        np.testing.assert_allclose(s.rhs(x, 0.3), ref_f, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(s.jacobian(x, 0.3), ref_J, rtol=1e-10, atol=1e-12)
        h = 1e-6
        fd = np.array([(s.rhs(x + h * e, 0.3) - s.rhs(x - h * e, 0.3)) / (2 * h)
                       for e in np.eye(x.size)]).T
        np.testing.assert_allclose(s.jacobian(x, 0.3), fd, rtol=1e-5, atol=1e-6)


def test_symbolic_equations_in_full_names():
    s = nb.compile(pair())
    eqs = s.equations()
    bE, aE, fV = sp.symbols("b.E a.E f.V", real=True)
    # b receives 1.5*a.E + 0.2*f.V inside its sigmoid
    dbE = eqs["b.E"]
    assert dbE.has(aE) and dbE.has(fV)
    J = s.symbolic_jacobian()
    x = s.x0 + 0.1
    subs = dict(zip(sp.symbols(s.state_names, real=True), x))
    subs.update(dict(zip(sp.symbols(s.param_names, real=True), s.params.array)))
    num = np.array(J.subs(subs).evalf(), dtype=float)
    np.testing.assert_allclose(num, s.jacobian(x), rtol=1e-9, atol=1e-12)


def test_removable_singularities_of_hh_rates_give_no_nan():
    s = nb.compile(nb.blox.HodgkinHuxley(name="hh"))
    for v in (-40.0, -55.0):
        x = s.x0.copy()
        x[0] = v
        assert np.all(np.isfinite(s.rhs(x))) and np.all(np.isfinite(s.jacobian(x)))
        assert np.all(np.isfinite(s.reference.jac(0.0, x, s.params.array, s.weights,
                                                  s.layout.src, s.layout.dst)))


def test_parameter_changes_never_recompile():
    s = nb.compile(nb.blox.HodgkinHuxley(name="hh"))
    for value in (1.0, 5, np.float32(7.5), 10):     # ints and float32 too
        nb.simulate(s, 5.0, params={"hh.I": value})
        s.params["hh.I"] = value
        nb.simulate(s, 5.0)
    assert len(s._k.run_rk4.signatures) == 1
    # another circuit of the same structure shares the compiled module
    s2 = nb.compile(nb.blox.HodgkinHuxley(name="other", I=3))
    assert s2._k is s._k


def test_bad_backend_and_empty_circuit():
    with pytest.raises(CompileError, match="backend must be"):
        nb.compile(nb.blox.FitzHughNagumo(name="f"), backend="gpu")
    with pytest.raises(CompileError, match="no blox"):
        nb.compile(nb.Circuit([]))
    with pytest.raises(CompileError, match="cannot compile a str"):
        nb.compile("fhn")


def test_kernels_are_cached_on_disk_for_a_fresh_process(tmp_path):
    script = textwrap.dedent("""
        import nbblox as nb
        s = nb.compile(nb.blox.FitzHughNagumo(name="f"))
        nb.simulate(s, 1.0)
        st = s._k.run_rk4.stats
        print(len(st.cache_hits), len(st.cache_misses))
    """)
    env = dict(os.environ, NBBLOX_CACHE_DIR=str(tmp_path))
    run = lambda: subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                 capture_output=True, text=True).stdout.split()
    hits1, misses1 = map(int, run())
    files = list((tmp_path / "kernels").glob("k_*.py"))
    assert len(files) == 1 and "def run_rk4" in files[0].read_text()
    assert list((tmp_path / "kernels").rglob("*.nbi")), "numba wrote no cache index"
    hits2, misses2 = map(int, run())
    assert (hits1, misses1) == (0, 1) and (hits2, misses2) == (1, 0)


def test_a_population_alone_compiles_and_simulates():
    """Every entry point takes a lone Population too (DESIGN: Blox, Circuit or System)."""
    import numpy as np
    currents = np.linspace(0.0, 5.0, 6)
    pop = nb.Population(nb.blox.LIF, n=currents.size, name="lif", I=currents)
    sol = nb.simulate(pop, 200.0, dt=0.05, method="euler", record=["lif.V"])
    counts = np.bincount(sol.spikes["index"], minlength=currents.size)
    # LIF rheobase is (V_th - E_L)/R = 2 nA: silent below, firing above, faster with I
    assert np.all(counts[currents < 2.0] == 0) and np.all(np.diff(counts[currents > 2.0]) > 0)


def test_generated_source_is_reused_by_a_fresh_process(tmp_path):
    """The second process must not run SymPy code generation at all."""
    script = textwrap.dedent("""
        import sys
        from nbblox.compile import kernels
        if sys.argv[1] == "forbid":
            # every kernel text is made by module_source (through variant_source's
            # cache); replace it, refusing a name that no longer exists
            def boom(*args, **kw):
                raise AssertionError("module_source ran despite a warm cache")
            assert callable(kernels.module_source)
            kernels.module_source = boom
        import nbblox as nb
        sol = nb.simulate(nb.blox.FitzHughNagumo(name="f", I=0.5), 10.0)
        if sys.argv[1] == "forbid":  # a warm compile reads equations without SymPy
            assert "sympy" not in sys.modules, "SymPy was imported on the warm path"
        print(repr(float(sol["f.V"][-1])))
    """)
    env = dict(os.environ, NBBLOX_CACHE_DIR=str(tmp_path))
    run = lambda mode: subprocess.run([sys.executable, "-c", script, mode], env=env,
                                      check=True, capture_output=True, text=True).stdout
    first = run("allow")
    assert list((tmp_path / "kernels").glob("src_*.ref"))
    assert run("forbid") == first
