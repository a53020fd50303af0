"""A long run cut into kernel calls is the run of one call, bit for bit.

``run_<m>(..., t0, dt, step0, nsteps, ...)`` takes steps ``step0`` to
``nsteps - 1`` at times ``t0 + step * dt``: a run of a circuit without
spikes, delays or noise that :func:`nbblox.simulate` pauses for Ctrl-C and
cancellation (:mod:`nbblox.sim.control`) goes through the kernel a short run
of it compiled, not through a second one (``run_<m>_full``: ~30 MB of
compiling or loading, the issue-2 memory target, docs/DESIGN-NOTES.md
"memfull").  Time enters every step here, so a chunk that started its clock
anew (``t0 + (step - step0) * dt``) would differ: a forced linear relaxation
``dx/dt = (sin(om t) - x)/tau`` (uncoupled) and a FitzHugh & Nagumo (1961)
neuron driven by a sinusoid through an edge (the input's time in every stage
of the coupling).  Noisy circuits take ``run_<m>_full``, whose chunks are
checked the same way for the stochastic schemes.
"""
import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.schemes import SCHEMES
from nbblox.sim import control
from nbblox.sim.control import run_control

FORCED = nb.BloxType("ChunkForced", "dx/dt = (sin(om*t) - x)/tau",
                     params={"om": 0.7, "tau": 3.0})
NOISY = nb.BloxType("ChunkNoisy", "dx/dt = (sin(om*t) - x)/tau + sigma*xi",
                    params={"om": 0.7, "tau": 3.0, "sigma": 0.3})


def _forced():
    return nb.compile(FORCED(name="f", init={"x": 0.2}))


def _driven():
    c = nb.Circuit([nb.blox.SinusoidInput(name="s", amp=0.8, f=137.0),
                    nb.blox.FitzHughNagumo(name="fhn")], name="driven")
    c.connect("s", "fhn", weight=1.0)
    return nb.compile(c)


SYSTEMS = {"forced": _forced, "driven": _driven}
METHODS = [s.name for s in SCHEMES if "numba" in s.backends]


@pytest.fixture(scope="module", params=sorted(SYSTEMS))
def system(request):
    return SYSTEMS[request.param]()


def _calls(s, method, cuts, n=600, stride=7, t0=2.5, dt=0.05):
    """``run_<method>`` from step 0 to ``n`` in calls ending at ``cuts``."""
    k = getattr(s._k, f"run_{method}")
    x, p, L = s.x0.copy(), s.params.array.copy(), s.layout
    rec = np.arange(x.size, dtype=np.int64)
    nrec = n // stride + 1
    out_t, out_x = np.full(nrec, np.nan), np.full((rec.size, nrec), np.nan)
    step, res = 0, []
    for stop in list(cuts) + [n]:
        res.append(k(x, p, s.weights, L.src, L.dst, t0, dt, step, stop, stride, rec, out_t,
                     out_x))
        assert res[-1][:2] == (stop, -1)
        step = stop
    return x, out_t, out_x, res[-1]


@pytest.mark.parametrize("method", METHODS)
def test_run_in_chunks_is_one_call_bit_for_bit(system, method):
    if not hasattr(system._k, f"run_{method}"):
        # no kernel for a scheme these equations do not fit (exact: the forcing depends on
        # t; exponential Euler: FitzHugh-Nagumo's cubic): simulate refuses it by name
        with pytest.raises(nb.EquationError, match=f"method '{method}' needs"):
            nb.simulate(system, 10.0, dt=0.05, method=method)
        return
    one = _calls(system, method, [])
    assert one[3][2] == 600 // 7 + 1 and np.isfinite(one[2]).all()
    # chunks of 1 step, a stride's length, chunks that split strides, a last one of 1 step
    for cuts in ([1], [7], [3, 10, 11, 300, 301], list(range(50, 600, 50)), [599],
                 list(range(1, 40))):
        x, out_t, out_x, res = _calls(system, method, cuts)
        assert res == one[3], cuts
        assert np.array_equal(x, one[0]) and np.array_equal(out_t, one[1]), cuts
        assert np.array_equal(out_x, one[2]), cuts


def test_a_chunk_from_its_own_clock_would_differ(system):
    """The time matters: restarting each chunk at t0 = 0 (what a kernel without
    step0 would have to do, with t0 advanced) changes the states."""
    a = _calls(system, "rk4", [])
    k, s = system._k.run_rk4, system
    x, L = s.x0.copy(), s.layout
    rec = np.arange(x.size, dtype=np.int64)
    out_t, out_x = np.empty(601), np.empty((x.size, 601))
    k(x, s.params.array.copy(), s.weights, L.src, L.dst, 2.5, 0.05, 0, 300, 1, rec, out_t, out_x)
    k(x, s.params.array.copy(), s.weights, L.src, L.dst, 2.5 + 300 * 0.05, 0.05, 0, 300, 1,
      rec, out_t, out_x)
    assert not np.array_equal(x, a[0])


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_a_long_run_pauses_in_the_short_runs_kernel(system, method, monkeypatch):
    """simulate() of a long run (here: a small CHUNK_STATE_STEPS) and of any run under
    run_control calls run_<m> in chunks: the same Solution, and no run_<m>_full
    compiled (the second kernel cost the memory target ~30 MB)."""
    a = nb.simulate(system, 40.0, dt=0.01, method=method, stride=3)
    monkeypatch.setattr(control, "CHUNK_STATE_STEPS", 50)
    kernel, calls = getattr(system._k, f"run_{method}"), []
    monkeypatch.setattr(system._k, f"run_{method}",
                        lambda *args: calls.append(args[7:9]) or kernel(*args))
    b = nb.simulate(system, 40.0, dt=0.01, method=method, stride=3)
    with run_control():
        c = nb.simulate(system, 40.0, dt=0.01, method=method, stride=3)
    assert [step0 for step0, _ in calls].count(0) == 2 and len(calls) > 4
    for (_, stop), (step0, _) in zip(calls, calls[1:]):
        assert step0 in (0, stop)     # each call goes on where the last one stopped
    full = getattr(system._k, f"run_{method}_full")
    assert len(full.signatures) == 0
    for sol in (b, c):
        assert np.array_equal(a.t, sol.t) and np.array_equal(a.final_state, sol.final_state)
        for n in a.names:
            assert np.array_equal(a[n], sol[n]), n


@pytest.mark.parametrize("method", ["euler", "heun"])
def test_noisy_runs_in_chunks_are_one_run(method, monkeypatch):
    """Euler-Maruyama and stochastic Heun (run_<m>_full, its step0/j0): paused
    runs equal the run of one call, noise and time included."""
    s = nb.compile(NOISY(name="n", init={"x": 0.1}))
    a = nb.simulate(s, 30.0, dt=0.01, method=method, seed=4, stride=3)
    monkeypatch.setattr(control, "CHUNK_STATE_STEPS", 10)
    kernel, calls = getattr(s._k, f"run_{method}_full"), []
    monkeypatch.setattr(s._k, f"run_{method}_full",
                        lambda *args: calls.append(args) or kernel(*args))
    with run_control():
        b = nb.simulate(s, 30.0, dt=0.01, method=method, seed=4, stride=3)
    assert len(calls) > 4 and np.std(a["n.x"]) > 0.05
    assert np.array_equal(a.t, b.t) and np.array_equal(a["n.x"], b["n.x"])
    assert np.array_equal(a.final_state, b.final_state)
