"""nb.sweep on the CPU backend: exactly the runs of nb.simulate, one by one."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.schemes import select
from nbblox.sim.sweep.measures import apply


@pytest.fixture(scope="module")
def fhn_system():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn"))


def test_grid_traces_equal_simulate_exactly(fhn_system):
    I = np.linspace(0.0, 1.5, 4)
    a = np.array([0.6, 0.8])
    res = nb.sweep(fhn_system, {"fhn.I": I, "fhn.a": a}, t_end=60.0, dt=0.05,
                   method="rk4", traces=True, stride=3, measure=["max", "final"])
    assert res["trace"].dims == ("fhn.I", "fhn.a", "variable", "time")
    assert res["max"].shape == (4, 2, 2)
    for i in I:
        for aa in a:
            sol = nb.simulate(fhn_system, 60.0, dt=0.05, stride=3,
                              params={"fhn.I": i, "fhn.a": aa})
            got = res["trace"].sel({"fhn.I": i, "fhn.a": aa}).values
            np.testing.assert_array_equal(got, sol.values)  # atol 0: same kernel
            np.testing.assert_array_equal(res["time"].values, sol.t)
            assert res["max"].sel({"fhn.I": i, "fhn.a": aa, "variable": "fhn.V"}) == \
                sol["fhn.V"].max()
            assert res["final"].sel({"fhn.I": i, "fhn.a": aa, "variable": "fhn.w"}) == \
                sol["fhn.w"][-1]


@pytest.mark.parametrize("method", select(exponential=False))
def test_list_of_sets_and_methods(fhn_system, method):
    I = [0.2, 0.9, 1.3]
    b = [0.7, 0.8, 0.75]
    kw = dict(t_end=40.0, dt=0.02, method=method, grid=False, measure="mean",
              record=["fhn.V"])
    res = nb.sweep(fhn_system, {"fhn.I": I, "fhn.b": b}, **kw)   # streamed in the kernel
    rec = nb.sweep(fhn_system, {"fhn.I": I, "fhn.b": b}, stream=False, **kw)
    assert res.attrs["stream"] == 1 and rec.attrs["stream"] == 0
    assert res["mean"].dims == ("instance", "variable")
    np.testing.assert_array_equal(res["fhn.b"].values, b)
    for k in range(3):
        sol = nb.simulate(fhn_system, 40.0, dt=0.02, method=method, record=["fhn.V"],
                          params={"fhn.I": I[k], "fhn.b": b[k]})
        assert rec["mean"].values[k, 0] == sol["fhn.V"].mean()   # the same NumPy reduction
        # one-pass shifted sum vs NumPy's pairwise mean: rounding only
        assert res["mean"].values[k, 0] == pytest.approx(sol["fhn.V"].mean(), rel=1e-12)


def test_builtin_measures_match_apply_on_solution(fhn_system):
    I = [0.0, 0.5, 1.0]
    names = ["mean", "min", "max", "std", "amplitude", "rate", "period"]
    res = nb.sweep(fhn_system, {"fhn.I": I}, t_end=300.0, dt=0.05, measure=names,
                   transient=100.0, stride=2)
    for i in I:
        sol = nb.simulate(fhn_system, 300.0, dt=0.05, stride=2, params={"fhn.I": i})
        for m in names:
            want = apply(m, sol, "fhn.V", transient=100.0)
            got = res[m].sel({"fhn.I": i, "variable": "fhn.V"}).values
            np.testing.assert_array_equal(got, want)
    # I = 0.5 oscillates (relaxation cycle), I = 0 rests: rate > 0 only for the former
    rate = res["rate"].sel(variable="fhn.V").values
    assert rate[0] == 0 and rate[1] > 0
    period = res["period"].sel({"fhn.I": 0.5, "variable": "fhn.V"}).item()
    assert period == pytest.approx(1000.0 / rate[1], rel=0.2)


def test_callable_measure_and_initial_state_sweep(fhn_system):
    def v_end(sol):
        return sol["fhn.V"][-1]

    res = nb.sweep(fhn_system, {"fhn.V": [-2.0, 0.0, 2.0]}, t_end=20.0, dt=0.05,
                   measure={"vend": v_end, "both": lambda s: s.values[:, -1]})
    for v0 in (-2.0, 0.0, 2.0):
        sol = nb.simulate(fhn_system, 20.0, dt=0.05, x0={"fhn.V": v0})
        assert res["vend"].sel({"fhn.V": v0}).item() == sol["fhn.V"][-1]
        np.testing.assert_array_equal(res["both"].sel({"fhn.V": v0}).values,
                                      sol.values[:, -1])
    assert res["both"].dims == ("fhn.V", "both_dim0")


def test_chunks_and_progress_do_not_change_results(fhn_system):
    I = np.linspace(0, 2, 23)
    seen = []
    a = nb.sweep(fhn_system, {"fhn.I": I}, t_end=30.0, dt=0.05, measure="max")
    b = nb.sweep(fhn_system, {"fhn.I": I}, t_end=30.0, dt=0.05, measure="max",
                 chunk_size=5, progress=lambda d, n: seen.append((d, n)))
    np.testing.assert_array_equal(a["max"].values, b["max"].values)
    assert seen == [(5, 23), (10, 23), (15, 23), (20, 23), (23, 23)]


def test_progress_bar_in_a_terminal(fhn_system, capsys):
    res = nb.sweep(fhn_system, {"fhn.I": [0.1, 0.2, 0.3]}, t_end=5.0, dt=0.1,
                   measure="max", progress=True, chunk_size=1)
    err = capsys.readouterr().err
    assert "sweep" in err and "3/3" in err          # tqdm's bar reached the end
    assert res["max"].shape == (3, 2)


def test_circuit_sweep_matches_simulate():
    wc1 = nb.blox.WilsonCowan(name="a")
    wc2 = nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([wc1, wc2], name="pair")
    c.connect(wc1, wc2, weight=1.5)
    s = nb.compile(c)
    pname = s.param_names[0]
    vals = np.linspace(0.5, 2.0, 3) * s.params[pname]
    res = nb.sweep(s, {pname: vals}, t_end=50.0, dt=0.1, traces=True, measure="final")
    for v in vals:
        sol = nb.simulate(s, 50.0, dt=0.1, params={pname: v})
        np.testing.assert_array_equal(res["trace"].sel({pname: v}).values, sol.values)


def test_divergence_gives_nan_and_warning():
    b = nb.Blox.from_equations("dx/dt = r*x", params={"r": 0.0}, name="g",
                               init={"x": 1.0})
    with pytest.warns(RuntimeWarning, match="1 of 2 runs diverged"):
        res = nb.sweep(b, {"g.r": [0.0, 500.0]}, t_end=20.0, dt=0.1, measure="max")
    assert res["diverged"].values.tolist() == [False, True]
    assert res["max"].values[0, 0] == 1.0 and np.isnan(res["max"].values[1, 0])


def test_first_run_diverging_leaves_the_time_axis_and_the_others_intact():
    """A diverged run stops writing its sample times; the chunk's time axis
    (and so the transient cut and rate) must come from a run that finished."""
    b = nb.Blox.from_equations("dx/dt = r*x", params={"r": 0.0}, name="g",
                               init={"x": 1.0})
    with pytest.warns(RuntimeWarning, match="1 of 2 runs diverged"):
        res = nb.sweep(b, {"g.r": [500.0, -0.1]}, t_end=20.0, dt=0.1, traces=True,
                       measure=["max", "final"], transient=5.0)
    sol = nb.simulate(b, 20.0, dt=0.1, params={"g.r": -0.1})
    np.testing.assert_array_equal(res["time"].values, sol.t)
    assert res["max"].values[1, 0] == apply("max", sol, "g.x", transient=5.0)
    assert res["final"].values[1, 0] == sol["g.x"][-1]
    assert np.isnan(res["trace"].values[0]).all()


def test_measures_split_across_threads_change_no_bit(fhn_system, monkeypatch):
    """Large chunks reduce their built-in measures on several threads; every
    number must equal the single-thread reduction and apply() on one run."""
    import numba
    from nbblox.sim.sweep import reduce as sweep_mod
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.fail("needs 2 numba threads (CI has 2 cores)")
    I = np.linspace(0.0, 1.2, 7)
    names = ["mean", "min", "max", "std", "amplitude", "rate", "period", "final"]
    kw = dict(t_end=150.0, dt=0.05, measure=names, transient=40.0)
    monkeypatch.setattr(sweep_mod, "PARALLEL_REDUCE_MIN", 0)
    numba.set_num_threads(2)
    split = nb.sweep(fhn_system, {"fhn.I": I}, **kw)
    monkeypatch.setattr(sweep_mod, "PARALLEL_REDUCE_MIN", 10**12)
    serial = nb.sweep(fhn_system, {"fhn.I": I}, **kw)
    for m in names:
        np.testing.assert_array_equal(split[m].values, serial[m].values)
    sol = nb.simulate(fhn_system, 150.0, dt=0.05, params={"fhn.I": I[4]})
    for m in names:
        assert split[m].values[4, 0] == pytest.approx(
            apply(m, sol, "fhn.V", transient=40.0), abs=0, rel=0, nan_ok=True)


@pytest.mark.parametrize("kw, match", [
    (dict(values={"fhn.Ix": [1.0]}), "neither a parameter nor a state.*'fhn.I'"),
    (dict(values={"fhn.I": []}), "non-empty"),
    (dict(values={"fhn.I": [np.nan]}), "NaN"),
    (dict(values={"fhn.I": [1, 2], "fhn.a": [1]}, grid=False), "one length"),
    (dict(method="RK45"), "fixed-step"),
    (dict(measure="median"), "unknown measure"),
    (dict(stride=0), "stride"),
    (dict(transient=1000.0), "transient"),
    (dict(backend="tpu"), "backend must be"),
    (dict(chunk_size=0), "chunk_size"),
])
def test_bad_input_is_refused_clearly(fhn_system, kw, match):
    args = dict(values={"fhn.I": [0.5]}, t_end=10.0, dt=0.1)
    args.update(kw)
    with pytest.raises(nb.NbbloxError, match=match):
        nb.sweep(fhn_system, args.pop("values"), **args)


def test_swept_values_respect_hard_bounds():
    hh = nb.blox.HodgkinHuxley(name="hh")
    with pytest.raises(nb.ParameterError, match="'hh.g_Na' include -1, outside its physical"):
        nb.sweep(hh, {"hh.g_Na": [120.0, -1.0]}, t_end=1.0, dt=0.01)


@pytest.mark.slow
def test_parallel_module_is_cached_on_disk(tmp_path):
    """A fresh process reuses the compiled batch and streaming kernels (numba cache hits).
    A group of 8 (wide enough to vectorise alone): 2 instances run one by one, not in
    lockstep (:func:`nbblox.sim.sweep.lockstep.use_lockstep`)."""
    import os
    import subprocess
    import sys
    code = ("import numpy as np, nbblox as nb\n"
            "from nbblox.sim.sweep.cpu import batch_module\n"
            "s = nb.compile(nb.Circuit([nb.blox.FitzHughNagumo(name=f'f{i}') for i in range(8)]))\n"
            "from nbblox.sim.sweep.stream import _module\n"
            "nb.sweep(s, {'f0.I': [0.1, 0.2]}, t_end=1.0, dt=0.1, measure='max', stream=False)\n"
            "nb.sweep(s, {'f0.I': [0.1, 0.2]}, t_end=1.0, dt=0.1, measure='max')\n"
            "for st in (batch_module(s).batch_rk4.stats, _module(s, 'm').sbatch_rk4.stats):\n"
            "    print(sum(st.cache_hits.values()), sum(st.cache_misses.values()))\n")
    env = dict(os.environ, NBBLOX_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, timeout=300) for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout.split() == ["0", "1"] * 2   # trace path, then streaming kernel
    assert runs[1].stdout.split() == ["1", "0"] * 2, runs[1].stderr


def test_global_coupling_sweep_scales_all_weights():
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b], name="pair")
    c.connect(a, b, weight=1.0)
    c.connect(b, a, weight=0.5)
    s = nb.compile(c)
    G = [0.0, 1.0, 3.0]
    res = nb.sweep(s, {"coupling": G}, t_end=30.0, dt=0.1, traces=True, measure="final")
    base = s.weights.copy()
    for g in G:
        s.weights[:] = g * base
        sol = nb.simulate(s, 30.0, dt=0.1)
        np.testing.assert_array_equal(res["trace"].sel(coupling=g).values, sol.values)
    s.weights[:] = base
    # coupling changes the result (the sweep is not ignoring it)
    assert not np.array_equal(res["final"].values[0], res["final"].values[2])
    with pytest.raises(nb.ParameterError, match="no connections"):
        nb.sweep(nb.blox.FitzHughNagumo(name="f"), {"coupling": [1.0]}, t_end=1.0, dt=0.1)


def test_delayed_circuit_sweep_equals_simulate():
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b], name="loop")
    c.connect(a, b, weight=1.0, delay=5.0)
    c.connect(b, a, weight=0.8, delay=3.0)
    s = nb.compile(c)
    G = [0.5, 2.0]
    res = nb.sweep(s, {"coupling": G}, t_end=40.0, dt=0.1, traces=True, measure="max")
    base = s.weights.copy()
    try:
        s.weights[:] = 2.0 * base
        sol = nb.simulate(s, 40.0, dt=0.1)
    finally:
        s.weights[:] = base
    np.testing.assert_array_equal(res["trace"].sel(coupling=2.0).values, sol.values)
    with pytest.raises(nb.SimulationError, match="CUDA sweep runs plain ODE"):
        nb.sweep(s, {"coupling": G}, t_end=1.0, dt=0.1, backend="cuda")


def test_noisy_sweep_is_reproducible_per_parameter_set():
    n = nb.Blox.from_equations("dx/dt = -x + s*xi", params={"s": 0.5}, name="n")
    s = nb.compile(n)
    res = nb.sweep(s, {"n.s": [0.2, 0.4, 0.8]}, t_end=20.0, dt=0.1, method="euler",
                   seed=7, measure="std", traces=True)
    for k, sig in enumerate([0.2, 0.4, 0.8]):
        sol = nb.simulate(s, 20.0, dt=0.1, method="euler", params={"n.s": sig}, seed=7 + k)
        np.testing.assert_array_equal(res["trace"].values[k], sol.values)
    std = res["std"].values[:, 0]
    assert std[0] < std[1] < std[2]          # noise amplitude shows in the spread


def test_lockstep_blocks_equal_simulate_exactly(fhn_system):
    # >= 2*LANES instances run as replicated lockstep blocks (the last block
    # padded); each instance must still be exactly its own simulate run
    from nbblox.sim.sweep.lockstep import LANES, use_lockstep
    I = np.linspace(0.0, 2.0, 2 * LANES + 5)
    assert use_lockstep(fhn_system, I.size)
    res = nb.sweep(fhn_system, {"fhn.I": I}, t_end=40.0, dt=0.05, method="rk4",
                   traces=True, stride=2, measure=["final", "rate"])
    for k in (0, LANES, I.size - 1):
        sol = nb.simulate(fhn_system, 40.0, dt=0.05, method="rk4", params={"fhn.I": I[k]},
                          stride=2)
        np.testing.assert_array_equal(res["trace"].values[k], sol.values)
        np.testing.assert_array_equal(res["final"].values[k], sol.values[:, -1])
    # a coupled circuit with per-instance weights (global coupling), Heun
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b], name="pair")
    c.connect(a, b, weight=1.0)
    c.connect(b, a, weight=0.5)
    s = nb.compile(c)
    G = np.linspace(0.0, 3.0, 2 * LANES)
    res = nb.sweep(s, {"coupling": G}, t_end=10.0, dt=0.1, method="heun", traces=True,
                   measure="final")
    base = s.weights.copy()
    try:
        for k in (1, G.size - 1):
            s.weights[:] = G[k] * base
            sol = nb.simulate(s, 10.0, dt=0.1, method="heun")
            np.testing.assert_array_equal(res["trace"].values[k], sol.values)
    finally:
        s.weights[:] = base


def test_uncoupled_lockstep_is_one_call_so_threads_share_every_block(fhn_system, monkeypatch):
    # the tail as a second kernel call left one numba thread idle (spinning) while the
    # other ran it; uncoupled layouts pad the tail to LANES and make one call
    from nbblox.sim.sweep import lockstep, stream
    from nbblox.sim.sweep.lockstep import FUSED_LANES, LANES, TAIL_LANES, blocks
    assert blocks(fhn_system, 2 * LANES + 5) == [(0, 2 * LANES + 5, LANES)]
    # wider blocks where they pad no more: 1000 -> 16 x 64 (as 32 x 32 would)
    assert blocks(fhn_system, 1000) == [(0, 1000, FUSED_LANES)]
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b], name="pair")
    c.connect(a, b, weight=1.0)
    assert blocks(nb.compile(c), 2 * LANES + 5) == [(0, 2 * LANES, LANES),
                                                     (2 * LANES, 2 * LANES + 5, TAIL_LANES)]
    calls = []
    real = lockstep.pack_block

    def spy(system, X, *args):
        calls.append(X.shape[0])
        return real(system, X, *args)
    monkeypatch.setattr(stream, "pack_block", spy)
    I = np.linspace(0.0, 2.0, 2 * LANES + 5)
    res = nb.sweep(fhn_system, {"fhn.I": I}, t_end=20.0, dt=0.05, measure="max")
    assert calls == [I.size]
    for k in (0, I.size - 1):    # the padded last block still gives each its own run
        sol = nb.simulate(fhn_system, 20.0, dt=0.05, params={"fhn.I": I[k]})
        np.testing.assert_array_equal(res["max"].values[k], sol.values.max(axis=1))
    I = np.linspace(0.0, 2.0, 2 * FUSED_LANES + 40)    # wide blocks, the last one padded
    assert blocks(fhn_system, I.size)[0][2] == FUSED_LANES
    res = nb.sweep(fhn_system, {"fhn.I": I}, t_end=20.0, dt=0.05, measure="max", traces=True)
    for k in (0, FUSED_LANES, I.size - 1):
        sol = nb.simulate(fhn_system, 20.0, dt=0.05, params={"fhn.I": I[k]})
        np.testing.assert_array_equal(res["trace"].values[k], sol.values)
        np.testing.assert_array_equal(res["max"].values[k], sol.values.max(axis=1))


def test_lockstep_divergence_is_reported_per_instance():
    from nbblox.sim.sweep.lockstep import LANES
    b = nb.Blox.from_equations("dx/dt = r*x", params={"r": 0.0}, name="g", init={"x": 1.0})
    n = 2 * LANES + 3                          # two full blocks and a padded tail block
    r = np.linspace(0.0, 1e-3, n)
    want = np.zeros(n, bool)
    want[[LANES + 3, n - 1]] = True            # one in a full block, one in the tail
    r[want] = 500.0
    with pytest.warns(RuntimeWarning, match=f"2 of {n} runs diverged"):
        res = nb.sweep(b, {"g.r": r}, t_end=20.0, dt=0.1, measure="max")
    assert res["diverged"].values.tolist() == want.tolist()
    for k in (0, LANES + 2, n - 2):            # neighbours of the diverged runs are intact
        sol = nb.simulate(b, 20.0, dt=0.1, params={"g.r": r[k]})
        assert res["max"].values[k, 0] == sol["g.x"].max()


@pytest.mark.parametrize("parallel", [True, False])
def test_batch_module_is_printed_from_statements(fhn_system, parallel):
    """The CPU sweep's batch module is statements of compile.ir printed once
    (cpu.batch_stmts; it was a ``.format`` template, bugs2 session 30), and
    its batch_/serial_ loops give simulate's runs bit for bit."""
    from nbblox.compile.ir import render
    from nbblox.compile.schemes import NAMES
    from nbblox.sim.sweep.cpu import batch_module, batch_stmts, run_chunk
    k = fhn_system._k
    methods = [m for m in NAMES if hasattr(k, f"run_{m}")]
    mod = batch_module(fhn_system)
    with open(mod.__file__) as fh:
        assert fh.read() == render(batch_stmts(k.__name__, methods)) + "\n"
    assert all(hasattr(mod, f"{b}_{m}") for m in methods for b in ("batch", "serial"))
    P = np.tile(np.asarray([fhn_system.params[n] for n in fhn_system.param_names]), (3, 1))
    P[:, fhn_system.param_names.index("fhn.I")] = [0.2, 0.9, 1.3]
    X = np.tile(np.asarray(fhn_system.x0, dtype=float), (3, 1))
    rec = np.arange(X.shape[1], dtype=np.int64)
    out_t, out_x, steps, bad, nrec = run_chunk(fhn_system, "rk4", X, P, 0.0, 0.05, 400, 2,
                                               rec, parallel=parallel)
    assert (bad == -1).all() and (steps == 400).all()
    for r, I in enumerate([0.2, 0.9, 1.3]):
        sol = nb.simulate(fhn_system, 20.0, dt=0.05, stride=2, params={"fhn.I": I})
        np.testing.assert_array_equal(out_x[r], sol.values)


@pytest.mark.parametrize("user", [None, ("OMP_WAIT_POLICY", "active"), ("GOMP_SPINCOUNT", "1000")])
def test_numba_threads_sleep_when_waiting_unless_the_user_chose(user):
    # libgomp's idle threads spin ~ms after every parallel loop (CPU another process
    # could use); nbblox sets GOMP_SPINCOUNT=0 before numba loads libgomp, and leaves
    # the user's choice alone. Fresh process: libgomp reads the variable when loaded.
    import os
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    if user:
        env[user[0]] = user[1]
    code = ("import os, numpy as np, nbblox as nb, numba.np.ufunc.parallel as par\n"
            "assert not par._is_initialized\n"
            "s = nb.compile(nb.blox.FitzHughNagumo(name='fhn'))\n"
            "nb.sweep(s, {'fhn.I': np.linspace(0, 1, 70)}, t_end=1.0, measure='max')\n"
            "assert par._is_initialized\n"
            "print(os.environ.get('OMP_WAIT_POLICY'), os.environ.get('GOMP_SPINCOUNT'))\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    want = {None: "None 0", "OMP_WAIT_POLICY": "active None", "GOMP_SPINCOUNT": "None 1000"}
    assert out.stdout.split("\n")[-2] == want[user[0] if user else None]


@pytest.mark.parametrize("fastmath", [False, True])
@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_a_small_sweep_runs_in_lockstep_with_the_one_by_one_numbers(method, fastmath,
                                                                     monkeypatch):
    """A sweep of fewer than 2 * LANES instances of a narrow uncoupled layout runs
    as one padded lockstep block (session 33): strict, bit for bit the one-by-one
    loops; fast-math, within the fast-math tolerance of them."""
    from nbblox.compile.fastmath import TOLERANCE
    from nbblox.sim.sweep import lockstep
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"), fastmath=fastmath)
    I = np.linspace(0.0, 2.0, 5)
    assert lockstep.use_lockstep(s, I.size) and lockstep.blocks(s, I.size) == [(0, 5, 32)]
    kw = dict(t_end=60.0, dt=0.05, method=method, transient=10.0, threshold=1.0,
              measure=["max", "mean", "rate", "final"])
    calls = []
    real = lockstep.pack_block
    monkeypatch.setattr("nbblox.sim.sweep.stream.pack_block",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    got = nb.sweep(s, {"fhn.I": I}, **kw)
    assert calls, "the small sweep did not run in lockstep"
    monkeypatch.setattr(lockstep, "NARROW", 0)
    assert not lockstep.use_lockstep(s, I.size)
    ref = nb.sweep(s, {"fhn.I": I}, **kw)
    assert (ref["rate"].values > 0).sum() >= 2
    for m in ("max", "mean", "rate", "final"):
        if fastmath:
            np.testing.assert_allclose(got[m].values, ref[m].values, rtol=TOLERANCE,
                                       atol=TOLERANCE, err_msg=m)
        else:
            np.testing.assert_array_equal(got[m].values, ref[m].values, err_msg=m)
