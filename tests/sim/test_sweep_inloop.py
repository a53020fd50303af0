"""Threshold crossings counted inside the lockstep instance loops (w4euler, session 32).

With ``stride == 1`` and only crossings asked (``"rate"``/``"period"``), a
lockstep block's fused instance loop stores each recorded state's value
before the step and counts the step's upward crossings as it stores the new
value (:func:`nbblox.compile.stream.stream_module`'s ``inloop``); the fold
after the step keeps only the rare crossing-time branch.  These tests check
the counts and the interpolated first and last crossing times against

* the trace path (``stream=False``: every sample recorded, crossings counted
  by :mod:`nbblox.sim.sweep.measures` on the trace), bit for bit (a fastmath
  kernel's crossing times and final values within 1e-12, as before);
* the same streaming kernels folding after the step (``INLOOP`` off), bit for
  bit on the accumulators (count, first and last crossing time, last sample);

for Euler and RK4, strict and fastmath kernels, stride 1 (counted in the
loop) and stride 2 (folded: the loop cannot know the samples), recorded
states that are whole states (in the loop) and states of some instances of a
group only (folded), with a transient that drops early crossings.
"""
import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.stream import COLS
from nbblox.sim.sweep import stream as sweep_stream
from nbblox.sim.sweep.lockstep import blocks, lockstep_plan, uniform_params

T_END, DT = 150.0, 0.05


def _fhn(fastmath):
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn"), fastmath=fastmath)


@pytest.fixture(scope="module")
def circuit():
    """A group of 3 FitzHugh-Nagumo blox and a Hindmarsh-Rose group of 1,
    uncoupled: two fused instance loops, one of 3 instances per replica."""
    return nb.compile(nb.Circuit([nb.blox.FitzHughNagumo(name=f"f{i}") for i in range(3)]
                                 + [nb.blox.HindmarshRose(name="hr")]))


def _idx(system, names):
    return np.array([system.state_names.index(n) for n in names], np.int64)


def _both(system, grid, monkeypatch, **kw):
    """The sweep streamed with crossings counted in the loop, streamed with
    the fold after the step, and on the trace path."""
    out = {}
    for key, inloop in (("loop", True), ("fold", False)):
        monkeypatch.setattr(sweep_stream, "INLOOP", inloop)
        out[key] = nb.sweep(system, grid, **kw)
    out["trace"] = nb.sweep(system, grid, stream=False, **kw)
    assert out["loop"].attrs["stream"] == 1 and out["trace"].attrs["stream"] == 0
    return out


def _assert_same(out, measures, fastmath=False):
    """Bit for bit the fold's; the trace path's too, but for a fastmath
    kernel's values (crossing times, final): its streaming and its recording
    kernels are two compilations under the contract flag, within 1e-12 of
    each other as before this change (tests/sim/test_sweep_fastmath.py)."""
    for m in measures:
        loop = out["loop"][m].values
        np.testing.assert_array_equal(loop, out["fold"][m].values, err_msg=f"{m} vs fold")
        if fastmath and m in ("period", "final"):
            np.testing.assert_allclose(loop, out["trace"][m].values, rtol=1e-12, atol=1e-12,
                                       err_msg=m)
        else:
            np.testing.assert_array_equal(loop, out["trace"][m].values, err_msg=f"{m} vs trace")


@pytest.mark.parametrize("fastmath", [False, True])
@pytest.mark.parametrize("method", ["euler", "rk4"])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("record", [["fhn.V"], ["fhn.w", "fhn.V"]])
def test_rate_and_period_equal_the_trace_path(method, fastmath, stride, record, monkeypatch):
    s = _fhn(fastmath)
    I = np.linspace(0.0, 2.0, 130)     # lockstep: 130 = 4 blocks of 32 + a padded tail block
    out = _both(s, {"fhn.I": I}, monkeypatch, t_end=T_END, dt=DT, method=method,
                stride=stride, transient=30.0, record=record, measure=["rate", "period"],
                threshold=0.5)
    rate = out["loop"]["rate"].values
    assert np.isfinite(rate).all() and (rate > 0).sum() > 20 and (rate == 0).sum() > 5
    _assert_same(out, ["rate", "period"], fastmath)
    blocks_ = sweep_stream.inloop_blocks(s, _idx(s, record), "c", stride)
    assert (blocks_ is not None) == (stride == 1)


def _accumulators(system, method, rec, stride, inloop, k0=40):
    n = 130
    X = np.tile(np.asarray(system.x0, float), (n, 1))
    P = np.tile(system.param_vector(), (n, 1))
    P[:, 0] = np.linspace(0.0, 2.0, n)
    W = np.zeros((n, system.layout.src.size))
    nsteps = int(round(T_END / DT))
    acc, steps, bad = sweep_stream.run_chunk_stream(
        system, method, X, P, W, 0.0, DT, nsteps, stride, rec, k0, 0.5, feats="c",
        uniform=uniform_params(system, P), inloop=inloop)
    assert (bad < 0).all() and (steps == nsteps).all()
    return acc


@pytest.mark.parametrize("fastmath", [False, True])
@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_counts_and_crossing_times_bit_for_bit(method, fastmath):
    """Count, first and last crossing time, last sample: the kernel's own
    accumulators, in the loop vs after the step (rec in an order the block
    must sort and put back: w before V)."""
    s = _fhn(fastmath)
    rec = _idx(s, ["fhn.w", "fhn.V"])
    a, b = (_accumulators(s, method, rec, 1, inloop) for inloop in (True, False))
    count = COLS.index("count")
    assert (a[..., count] > 0).sum() > 20
    for c in ("count", "first_t", "last_t", "last"):
        np.testing.assert_array_equal(a[..., COLS.index(c)], b[..., COLS.index(c)], err_msg=c)


def test_the_loop_counts_where_the_kernel_text_says_so():
    """The in-loop text exists where it should (whole recorded states, stride 1) and
    the block's recorded columns are in the loop's order."""
    s = _fhn(True)
    P = np.tile(s.param_vector(), (130, 1))
    P[:, 0] = np.linspace(0.0, 2.0, 130)
    (_, _, B), *_ = blocks(s, 130)
    plan = lockstep_plan(s, B, uniform_params(s, P))
    src = plan.source(stream="c", inloop=((0, 0), (0, 1)))
    body = src[src.index("def stream_euler("):src.index("def sbatch_euler(")]
    assert f"sm_a9[{B} + i] = s1" in body and "sm_nup += (x[0 + i] >= sm_thr)" in body
    plain = plan.source(stream="c")
    assert "sm_nup += (x[" not in plain
    # the plain run_<m> loops print no trace of the site
    assert "sm_" not in plan.source().split("def stream_")[0]


def test_a_group_recorded_in_part_is_folded_after_the_step(circuit, monkeypatch):
    s = circuit
    whole = ["f0.V", "f1.V", "f2.V", "hr.x"]
    part = ["f0.V", "f2.V"]
    assert sweep_stream.inloop_blocks(s, _idx(s, whole), "c", 1) == ((0, 0), (1, 0))
    assert sweep_stream.inloop_blocks(s, _idx(s, part), "c", 1) is None
    grid = {"f0.I": np.linspace(0.0, 2.0, 70), "f2.I": [0.3, 1.2]}
    for record in (whole, part):
        out = _both(s, grid, monkeypatch, t_end=T_END, dt=DT, method="euler", record=record,
                    transient=20.0, measure=["rate", "period"], threshold=0.5)
        assert (out["loop"]["rate"].values > 0).any()
        _assert_same(out, ["rate", "period"])


@pytest.mark.parametrize("fastmath", [False, True])
def test_final_alone_is_written_once_after_the_loop(fastmath, monkeypatch):
    s = _fhn(fastmath)
    assert sweep_stream.inloop_blocks(s, _idx(s, ["fhn.V"]), "", 1) == ()
    out = _both(s, {"fhn.I": np.linspace(0.0, 2.0, 70)}, monkeypatch, t_end=40.0, dt=DT,
                method="rk4", record=["fhn.V", "fhn.w"], measure="final")
    _assert_same(out, ["final"], fastmath)
    # with a transient, and with crossings: the last sample is written once either way
    out = _both(s, {"fhn.I": np.linspace(0.0, 2.0, 70)}, monkeypatch, t_end=60.0, dt=DT,
                method="euler", record=["fhn.V"], measure=["final", "rate"], threshold=0.5,
                transient=59.0)
    _assert_same(out, ["final", "rate"], fastmath)


# A rate alone ("n"): each crossing is added to its instance's count in the loop,
# nothing stored before the step, no pass after it (session 33).

@pytest.mark.parametrize("fastmath", [False, True])
@pytest.mark.parametrize("method", ["euler", "rk4"])
@pytest.mark.parametrize("stride", [1, 2])
def test_a_rate_alone_equals_the_trace_path(method, fastmath, stride, monkeypatch):
    s = _fhn(fastmath)
    I = np.linspace(0.0, 2.0, 130)
    out = _both(s, {"fhn.I": I}, monkeypatch, t_end=T_END, dt=DT, method=method,
                stride=stride, transient=30.0, record=["fhn.w", "fhn.V"], measure="rate",
                threshold=0.5)
    rate = out["loop"]["rate"].values
    assert np.isfinite(rate).all() and (rate > 0).sum() > 20 and (rate == 0).sum() > 5
    _assert_same(out, ["rate"], fastmath)
    assert sweep_stream.features([("rate", "rate")]) == "n"
    blocks_ = sweep_stream.inloop_blocks(s, _idx(s, ["fhn.w", "fhn.V"]), "n", stride)
    assert (blocks_ is not None) == (stride == 1)


@pytest.mark.parametrize("k0", [0, 1, 40])
@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_a_count_alone_is_the_count_with_times(method, k0):
    """The count-only loop's counts equal the counting-with-times loop's, bit
    for bit, whatever sample the kept part starts at (``sm_live`` gates the
    transient: a crossing into sample k0 or before is not counted)."""
    s = _fhn(True)
    rec = _idx(s, ["fhn.w", "fhn.V"])
    n, nsteps = 130, int(round(T_END / DT))
    X = np.tile(np.asarray(s.x0, float), (n, 1))
    P = np.tile(s.param_vector(), (n, 1))
    P[:, 0] = np.linspace(0.0, 2.0, n)
    W = np.zeros((n, 0))
    count, last = COLS.index("count"), COLS.index("last")
    got = {}
    for feats in ("n", "c"):
        acc, steps, bad = sweep_stream.run_chunk_stream(
            s, method, X.copy(), P, W, 0.0, DT, nsteps, 1, rec, k0, 0.5, feats=feats,
            uniform=uniform_params(s, P), inloop=True)
        assert (bad < 0).all()
        got[feats] = acc
    assert (got["n"][..., count] > 0).sum() > 20
    for c in (count, last):
        np.testing.assert_array_equal(got["n"][..., c], got["c"][..., c])
    # with the kept part starting late, fewer crossings are counted
    if k0 == 40:
        assert got["n"][..., count].sum() < sweep_stream.run_chunk_stream(
            s, method, X.copy(), P, W, 0.0, DT, nsteps, 1, rec, 0, 0.5, feats="n",
            uniform=uniform_params(s, P), inloop=True)[0][..., count].sum()


def test_a_count_alone_adds_in_the_loop_and_stores_nothing_else():
    s = _fhn(True)
    P = np.tile(s.param_vector(), (130, 1))
    P[:, 0] = np.linspace(0.0, 2.0, 130)
    (_, _, B), *_ = blocks(s, 130)
    plan = lockstep_plan(s, B, uniform_params(s, P))
    body = plan.source(stream="n", inloop=((0, 0),))
    body = body[body.index("def stream_euler("):body.index("def sbatch_euler(")]
    assert "sm_a6[0 + i] += sm_live if (x[0 + i] >= sm_thr)" in body
    assert "sm_a9[" not in body and "sm_nup" not in body
