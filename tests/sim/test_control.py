"""Runs that can be interrupted, cancelled and bounded (issue 23, item 5): a long
fixed-step run pauses every ~0.1 s between kernel chunks (bit for bit the same
run), so Ctrl-C, a cancel event and a time budget take effect there; adaptive
runs check the same control at every right-hand-side evaluation."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import RunCancelled, SimulationError
from nbblox.sim import control
from nbblox.sim.control import run_control


@pytest.fixture(scope="module")
def hh():
    return nb.compile(nb.Circuit([nb.blox.HodgkinHuxley(name="h", I=10.0)]))


def test_a_chunked_run_is_the_same_run(hh):
    a = nb.simulate(hh, 100.0, dt=0.01)
    with run_control():            # forces the chunked driver
        b = nb.simulate(hh, 100.0, dt=0.01)
    assert np.array_equal(a.t, b.t) and np.array_equal(a["h.V"], b["h.V"])


@pytest.mark.timeout(60)
def test_cancel_from_another_thread_stops_within_a_chunk(hh):
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    # no bound in seconds (load-dependent, issue 24): uninterrupted the run takes about an
    # hour, so reaching the asserts within the 60 s timeout means it stopped at a chunk
    with pytest.raises(RunCancelled, match="cancelled at t =") as err:
        with run_control(cancel=stop):
            nb.simulate(hh, 1e7, dt=0.01, stride=1000)       # ~1 hour uninterrupted
    part = err.value.partial
    assert 0 < part.t[-1] < 1e7 and np.all(np.isfinite(part["h.V"]))


@pytest.mark.timeout(60)
def test_a_time_budget_stops_fixed_and_adaptive_runs(hh):
    for kw in ({"dt": 0.01, "stride": 1000}, {"dt": 100.0, "method": "RK45"}):
        # the budget's message is the evidence; the 60 s timeout bounds a run that ignores it
        with pytest.raises(RunCancelled, match="time budget of 0.3 s"):
            with run_control(seconds=0.3):
                nb.simulate(nb.blox.FitzHughNagumo(name="f"), 1e7, **kw)


def test_adaptive_runs_have_a_ceiling(monkeypatch):
    """RK45 with t_end = 1e7, dt = 100 was accepted and ran without end."""
    monkeypatch.setattr(control, "MAX_RHS_EVALS", 5000)
    with pytest.raises(SimulationError, match="more than 5e\\+03 right-hand-side"):
        nb.simulate(nb.blox.FitzHughNagumo(name="f", I=0.5), 1e7, dt=100.0, method="RK45")


@pytest.mark.timeout(120)
def test_ctrl_c_stops_a_long_numba_run_promptly(tmp_path):
    """In a notebook Ctrl-C took effect only when the kernel returned (11.5 s)."""
    script = tmp_path / "long.py"
    # Ctrl-C as in a terminal or a notebook cell: Python's own handler, SIGINT not
    # blocked.  A process inherits an ignored or blocked SIGINT from its parent, and
    # in the full suite (xdist, 2 workers) this test's child hung for 60 s twice
    # (session 32 and 33 clean-clone runs) though it passes alone.  A parent that
    # ignores SIGINT reproduces it (the old test then fails after 60 s, this one
    # passes); which earlier test leaves a worker so is not known (ipykernel's
    # IPKernelApp.init_signal is one library that sets SIG_IGN).  The child states
    # what it inherited, so a failure says it.
    script.write_text(textwrap.dedent("""
        import signal, sys
        print("inherited", signal.getsignal(signal.SIGINT),
              sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])), file=sys.stderr)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
        import nbblox as nb
        s = nb.compile(nb.blox.HodgkinHuxley(name="h", I=10.0))
        nb.simulate(s, 1.0, dt=0.01)
        print("ready", flush=True)
        try:
            nb.simulate(s, 1e7, dt=0.01, stride=1000)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(3)
    """))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(nb.__path__[0] + "/.."),
                                                      env.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        # uninterrupted, the run takes about an hour: if Ctrl-C waited for the kernel,
        # communicate() times out.  No bound in seconds on how promptly (issue 24: a
        # "< 5 s" here failed the random-order job at load 16, 7.4 s); speed is bench's.
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("Ctrl-C did not stop the run within 60 s; the child said: "
                                 + proc.communicate()[1][-2000:]) from None
        assert proc.returncode == 3 and "interrupted" in out, err[-2000:]
    finally:
        proc.kill()


def test_chunks_grow_towards_the_time_target(hh, monkeypatch):
    """Fixed chunks of CHUNK_STATE_STEPS state updates made the W3 COBA network
    (a cheap LIF step) call its kernel 62 times per simulated second, ~20 % of
    its run time; chunks now grow (4x at most per call) towards CHUNK_SECONDS.
    A clock that says every call was instant: the chunks are 100, 400, 1600,
    6400 steps and the rest, 5 calls instead of 100, and the same run."""
    from types import SimpleNamespace
    from nbblox.compile.arrays import KernelArrays
    from nbblox.sim import events
    a = nb.simulate(hh, 100.0, dt=0.01)
    monkeypatch.setattr(control, "CHUNK_STATE_STEPS", 4 * 100)    # hh: 4 states
    ticks = iter(np.arange(0.0, 1.0, 1e-9))
    clock = SimpleNamespace(perf_counter=lambda: next(ticks))
    monkeypatch.setattr(events, "time", clock)
    monkeypatch.setattr(control, "time", clock)
    # HH alone: run_rk4 in chunks (its step0 .. nsteps arguments)
    kernel, calls = hh._k.run_rk4, []
    monkeypatch.setattr(hh._k, "run_rk4", lambda *args: calls.append(args[7:9]) or kernel(*args))
    with run_control():
        b = nb.simulate(hh, 100.0, dt=0.01)
    assert [stop - step0 for step0, stop in calls] == [100, 400, 1600, 6400, 1500]
    assert np.array_equal(a.t, b.t) and np.array_equal(a["h.V"], b["h.V"])
    # with a callback: run_rk4_full, in the same chunks
    kernel, calls = hh._k.run_rk4_full, []
    monkeypatch.setattr(hh._k, "run_rk4_full", lambda *args: calls.append(KernelArrays(*args)) or kernel(*args))
    with run_control():
        f = nb.simulate(hh, 100.0, dt=0.01, callback=lambda st: None, callback_every=1000.0)
    assert [k.nsteps - k.step0 for k in calls] == [100, 400, 1600, 6400, 1500]
    assert np.array_equal(a.t, f.t) and np.array_equal(a["h.V"], f["h.V"])
