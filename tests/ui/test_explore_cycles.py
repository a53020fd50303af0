"""The bifurcation view's limit-cycle branch is continued off the slider's
path (issue 16: "a slider with three views <= 300 ms"): a slider move returns
with the time series, phase plane and equilibrium branch updated while the
cycle branch is still being computed; the branch arrives later and is drawn;
a computation overtaken by a newer slider value is discarded.

The continuation of cycles is replaced by a wrapper that blocks on an Event,
so "before" and "after" are states, not timings.
"""
import asyncio
import threading

import numpy as np
import pytest

import nbblox as nb
from nbblox.ui.explore import bifurcation as bif

hv = pytest.importorskip("holoviews")


@pytest.fixture(scope="module")
def ml_sys():
    # Morris-Lecar, Hopf set (Rinzel & Ermentrout 1998, Table 10.2): the
    # equilibria of I in (60, 120) lose stability at a Hopf point near I = 80
    return nb.compile(nb.blox.MorrisLecar(name="ml", preset="hopf"))


@pytest.fixture
def gated(monkeypatch):
    """continuation() whose limit-cycle calls wait for ``gate`` and tag their
    result with the call's number (``calls``: the g_L each was started with)."""
    real = bif.continuation
    gate, calls = threading.Event(), []

    def fake(system, param, rng, start=None, params=None, **kw):
        if start is None:
            return real(system, param, rng, params=params, **kw)
        n = len(calls)
        calls.append(dict(zip(system.param_names, start.params))["ml.g_L"])
        assert gate.wait(60), "the test never opened the gate"
        br = real(system, param, rng, start=start, **kw)
        br.test_call = n
        return br

    monkeypatch.setattr(bif, "continuation", fake)
    return gate, calls


def _explorer(ml_sys):
    return nb.explore(ml_sys, vars=["ml.V", "ml.w"], t_end=100.0, dt=0.05,
                      views=("timeseries", "phase_plane", "bifurcation"),
                      bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})


def _envelope(bv):
    return [e for e in bv.dmap[()] if e.label.endswith("limit cycles")]


def test_slider_returns_before_the_cycle_branch_then_it_is_drawn(ml_sys, gated):
    gate, calls = gated
    gate.set()
    ex = _explorer(ml_sys)
    bv = ex.bifurcation
    assert bv.wait(120) and bv.cycles is not None, bv.message
    old_cycles, old_branch = bv.cycles, bv.branch
    g_L = ex.params["ml.g_L"] + 0.05
    gate.clear()
    ex.set({"ml.g_L": g_L})
    # returned while the worker still waits at the gate: the other views hold the new run
    assert bv.worker.busy and bv.pending
    assert ex.pipe.data["params"]["ml.g_L"] == g_L
    assert ex.phase_plane.payload is not None and ex.last.params["ml.g_L"] == g_L
    assert bv.branch is not old_branch                  # equilibria continued at once
    el = bv.dmap[()]
    assert "computing the limit-cycle branch" in el.opts.get().kwargs["title"]
    faded = _envelope(bv)
    assert faded and all(e.opts.get().kwargs.get("alpha") == 0.3 for e in faded)
    assert bv.cycles is old_cycles                       # the old one, faded
    plot = hv.renderer("bokeh").get_plot(bv.dmap)        # a drawn figure, updated by the pipe

    def alphas():
        return [getattr(getattr(r, "glyph", None), "line_alpha", None) for r in plot.state.renderers]
    assert 0.3 in alphas()
    gate.set()
    assert bv.wait(120)
    assert not bv.pending and bv.cycles is not old_cycles and bv.cycles.test_call == 1
    assert calls == [pytest.approx(g_L - 0.05), pytest.approx(g_L)]
    env = _envelope(bv)
    ys = np.concatenate([e.dimension_values(1) for e in env])
    assert np.nanmax(ys) == pytest.approx(bv.cycles.max["ml.V"].max())
    assert all(e.opts.get().kwargs.get("alpha") == 1.0 for e in env)
    # and the Bokeh glyphs of a plot that drew the faded frame are opaque again
    # (HoloViews keeps a style the new frame does not set)
    assert 0.3 not in alphas() and 1.0 in alphas()
    assert "computing" not in bv.dmap[()].opts.get().kwargs["title"]


def test_a_superseded_cycle_branch_is_discarded(ml_sys, gated):
    gate, calls = gated
    gate.set()
    ex = _explorer(ml_sys)
    bv = ex.bifurcation
    assert bv.wait(120)
    gate.clear()
    g0 = ex.params["ml.g_L"]
    ex.set({"ml.g_L": g0 + 0.05})     # its job blocks at the gate ...
    ex.set({"ml.g_L": g0 + 0.10})     # ... and is overtaken by this one
    ex.set({"ml.I": 95.0})            # the continued parameter: no new job
    assert bv.pending
    gate.set()
    assert bv.wait(120)
    # both ran (the first could not see its cancel inside the gate), only the last is drawn
    assert calls[1:] == [pytest.approx(g0 + 0.05), pytest.approx(g0 + 0.10)]
    assert bv.cycles.test_call == 2 and not bv.pending
    # the key: the other parameters and the connection weights (none here)
    assert bv._key == (tuple(sorted((k, v) for k, v in ex.params.items() if k != "ml.I")), ())
    assert bv.worker._thread is None                   # no worker left behind


def test_a_new_job_cancels_the_running_continuation(ml_sys):
    """Without the gate: the worker's cancel event stops the running cycle
    continuation at its next step, and only the latest job is delivered."""
    from nbblox.exceptions import RunCancelled
    from nbblox.sim.control import run_control
    ex = _explorer(ml_sys)
    bv = ex.bifurcation
    assert bv.wait(120)
    hopf = [sp for sp in bv.branch.special_points if sp.kind == "H"][0]
    stop = threading.Event()
    stop.set()
    with pytest.raises(RunCancelled), run_control(cancel=stop):
        nb.continuation(ml_sys, "ml.I", (60.0, 120.0), start=hopf)


def test_the_worker_gives_way_while_a_move_is_handled():
    """A background job waits at its next step while the explorer's ``quiet``
    event is clear (a slider move in progress) and goes on when it is set."""
    from nbblox.sim.control import current_control
    from nbblox.ui.explore.background import LatestJob
    go, started, got = threading.Event(), threading.Event(), []
    w = LatestJob("test", go=go)

    def job():
        started.set()
        current_control().check(0.0)      # a continuation step
        return "done"

    w.submit(job, lambda gen, r: got.append(r))
    assert started.wait(30)
    assert not w.wait(0.3) and got == []  # held while the move runs
    go.set()
    assert w.wait(30) and got == ["done"] and w._thread is None


def test_a_flush_holds_the_worker_back(ml_sys, gated, monkeypatch):
    gate, calls = gated
    gate.set()
    ex = _explorer(ml_sys)
    assert ex.bifurcation.wait(120) and ex._quiet.is_set()
    seen = []
    real = ex._compute
    monkeypatch.setattr(ex, "_compute", lambda job: (seen.append(ex._quiet.is_set()),
                                                     real(job))[1])
    ex.set({"ml.I": 91.0})
    assert seen == [False] and ex._quiet.is_set()


def test_first_run_in_a_kernel_starts_the_cycles_after_the_cell(ml_sys, gated):
    """In a kernel (a running event loop) the first run's limit cycles wait for the
    cell to end: the thread's imports and continuation took the interpreter from
    the first display of the views (issue 17: first explorer in <= 3 s)."""
    gate, calls = gated
    gate.set()

    async def cell():
        ex = _explorer(ml_sys)
        bv = ex.bifurcation
        during = (bv.pending, bv.worker.busy, len(calls))
        await asyncio.sleep(0.05)          # the cell has ended: the loop runs its callbacks
        return ex, during, len(calls) or bv.worker.busy

    ex, during, after = asyncio.run(cell())
    assert during == (True, False, 0)     # coming, but not started while the cell runs
    assert after
    assert ex.bifurcation.wait(120) and ex.bifurcation.cycles is not None


def test_wait_in_the_same_cell_starts_the_deferred_cycles(ml_sys):
    async def cell():
        ex = _explorer(ml_sys)
        return ex.bifurcation.wait(120), ex.bifurcation.cycles, ex.bifurcation.pending

    done, cycles, pending = asyncio.run(cell())
    assert done and cycles is not None and not pending


def test_in_a_script_the_worker_never_draws(ml_sys, monkeypatch):
    """With no kernel loop or served document, the cycles are handed over on the
    caller's thread (wait() or the next update), never drawn from the worker:
    a render on the caller's thread iterated the DynamicMap's cache while the
    worker's Pipe added to it ("dictionary keys changed during iteration",
    tests/ui/test_explore_cursor.py's fixture, session 31)."""
    sent_from = []
    real_send = hv.streams.Pipe.send

    def send(pipe, data):
        sent_from.append(threading.current_thread() is threading.main_thread())
        return real_send(pipe, data)

    monkeypatch.setattr(hv.streams.Pipe, "send", send)
    ex = _explorer(ml_sys)
    bv = ex.bifurcation
    assert bv.worker.wait(120)             # the branch is computed ...
    assert bv.pending and bv.cycles is None  # ... but not drawn by the worker
    assert bv.wait(120) and bv.cycles is not None, bv.message
    assert sent_from and all(sent_from), sent_from
