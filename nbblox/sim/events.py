"""Runs that need the ``run_<method>_full`` kernels: spike events with
event-driven synapses, delayed coupling, and white noise.

This module turns a System's layout into the kernel's runtime arrays
(delays in steps, history and ring buffers, refractory counters, the spike
buffer), validates what numba would not (delays shorter than dt or longer
than the run), drives the kernel through spike-buffer refills, and maps
global spike ids back to ``(blox or population, index)``.  On the NumPy
backend the same arrays feed :mod:`.reference_net` instead of the kernel.
"""
from __future__ import annotations

import math
import time

import numpy as np

from ..compile.arrays import KernelArrays
from ..exceptions import SimulationError
from .control import next_chunk

__all__ = ["run_full", "noise_seed"]

SPIKE_BUFFER_MIN = 1 << 16


def noise_seed(seed):
    """A seed for the counter-based generator: given, or fresh entropy."""
    if seed is None:
        return int(np.random.SeedSequence().entropy % (2**63))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SimulationError(f"seed must be a whole number >= 0, got {seed!r}")
    return int(seed) % (2**63)


def _delays(system, dt, span, dly=None):
    """Per-edge delays in steps (float) and the history length, validated;
    ``dly``: this run's ``(dly0, syn_dly0)`` in ms (default the layout's)."""
    L = system.layout
    dly0, syn_dly0 = (L.dly0, L.syn_dly0) if dly is None else dly
    dls = dly0 / dt
    # 1.2 ms / 0.1 ms = 11.999999999999998: a delay meant as whole steps is
    # rounded, so the kernel reads one history row instead of interpolating
    whole = np.rint(dls)
    dls = np.where(np.abs(dls - whole) < 1e-9, whole, dls)
    H = 1
    if dls.size and dls.max() > 0:
        k = int(np.argmax(dly0))
        if dly0[k] > span:
            raise SimulationError(
                f"a connection has a delay of {dly0[k]:g} ms, longer than the run "
                f"({span:g} ms): nothing it carries would arrive. Run longer or shorten it.")
        short = (dly0 > 0) & (dls < 1.0 - 1e-9)
        if short.any():
            raise SimulationError(
                f"a continuous connection has a delay of {dly0[short][0]:g} ms, shorter "
                f"than dt = {dt:g} ms; use dt <= the shortest delay or set that delay to 0")
        H = int(math.ceil(dls.max())) + 2
    syn_d = np.zeros(0)
    # only a delayed rule's kernel reads syn_d (a rule compiled without delays
    # gets none at run time, sim/delays.py): no 2.5 MB array per COBA simulate
    if syn_dly0.size and any(r.delayed for r in L.rules):
        # one new array, not two: 5 million synapses are 40 MB each
        syn_d = np.divide(syn_dly0, dt)
        np.rint(syn_d, out=syn_d)
    D = 1
    longest = syn_d.max() if syn_d.size else 0.0
    if longest > 0:
        if syn_dly0.max() > span:
            raise SimulationError(
                f"a synapse has a delay of {syn_dly0.max():g} ms, longer than the run "
                f"({span:g} ms). Run longer or shorten it.")
        D = int(longest) + 2
    return dls, H, syn_d, D


def run_full(system, method, x, p, t0, dt, nsteps, stride, rec, nrec, seed, *,
             weights=None, learn=True, callback=None, every=None, rec_every=None,
             control=None, check_every=None, dly=None):
    """Run the full kernel; returns (out_t, out_x, spikes dict, steps done,
    status, extras) with extras ``{"weights", "weight_history", "error"}``.

    The kernel is called in chunks: when the spike buffer fills (status -2),
    every ``every`` steps for ``callback(state)`` and every ``rec_every``
    steps for a weight snapshot, and every ``check_every`` steps to let
    Python handle Ctrl-C and ask ``control`` (:class:`~nbblox.sim.control.RunControl`)
    whether to stop.  A chunked run equals an unchunked one bit for bit.  A
    failing callback or a cancelled run ends the run; its error is returned in
    ``extras["error"]`` so the caller can attach the partial Solution.
    """
    from .callbacks import (CallbackState, call, initial_weights, plasticity_arrays,
                            sync_rstdp)
    L = system.layout
    dls, H, syn_d, D = _delays(system, dt, nsteps * dt, dly)
    if system.backend != "numba":
        return _reference(system, method, x, p, t0, dt, nsteps, stride, rec, nrec, seed,
                          dls, H, syn_d, D, weights, learn, callback, rec_every)
    n_states = x.size
    hist = np.zeros((H, max(L.n_outputs, 1)))
    # a delayed rule's kernel reads ring[step % D, target] every step, whatever the
    # delays: its ring has every state even when all are 0 this run (delays=0.0)
    delayed = D > 1 or any(r.delayed for r in L.rules)
    ring = np.zeros((D, n_states)) if delayed else np.zeros((1, 1))
    refr = np.full(n_states, -1.0)
    hold = np.zeros(n_states)
    tref = np.array([0.0 if g.btype.refractory is None else
                     float(np.rint(g.btype.refractory / dt)) for g in L.groups] or [0.0])
    cap = max(SPIKE_BUFFER_MIN, 4 * L.n_spiking)
    spk_i, spk_t = np.empty(cap, np.int64), np.empty(cap)
    out_t, out_x = np.empty(nrec), np.empty((rec.size, nrec))
    kernel = getattr(system._k, f"run_{method}_full")
    chunks_i, chunks_t = [], []
    step, j, nspk = 0, 0, 0
    weights_e = np.ascontiguousarray(system.weights, dtype=np.float64)
    syn_w = initial_weights(system, weights)
    pl = plasticity_arrays(L, t0, learn)
    state = CallbackState(system, x, p, syn_w, pl) if callback is not None else None
    history = [(t0, syn_w.copy())] if rec_every else None
    seen, error = 0, None   # chunks already shown to the callback
    # the kernel's arguments, by name (the chunk loop moves step0/nsteps/j0/nspk0)
    args = KernelArrays(
        x=x, p=p, w=weights_e, src=L.src, dst=L.dst, dls=dls, t0=t0, dt=dt, step0=0,
        nsteps=nsteps, stride=stride, rec=rec, out_t=out_t, out_x=out_x, j0=0, seed=seed,
        hist=hist, refr=refr, hold=hold, tref=tref, syn_ptr=L.syn_ptr, syn_post=L.syn_post,
        syn_w=syn_w, syn_d=syn_d, ring=ring, spk_i=spk_i, spk_t=spk_t, nspk0=0,
        rev_ptr=L.rev_ptr, rev_pre=L.rev_pre, rev_syn=L.rev_syn,
        **{k: pl[k] for k in ("pl_par", "pl_tr", "pl_tl", "syn_c", "syn_ct", "pl_d")})

    def drain():
        chunks_i.append(spk_i[:nspk].copy())
        chunks_t.append(spk_t[:nspk].copy())

    chunk = check_every   # grows to ~0.1 s of wall time per call (control.next_chunk)
    while True:
        stop_at = nsteps
        for k in (every, rec_every):
            if k:
                stop_at = min(stop_at, (step // k + 1) * k)
        if chunk:
            stop_at = min(stop_at, step + chunk)
        args = args._replace(step0=step, nsteps=stop_at, j0=j, nspk0=nspk)
        begun, clock = step, time.perf_counter()
        step, status, j, nspk = kernel(*args)
        if chunk:
            chunk = next_chunk(step - begun, time.perf_counter() - clock, chunk, check_every)
        if status == -2:
            # buffer full: keep what we have and continue from this step
            drain()
            nspk = 0
            continue
        if status != -1:
            break
        t = t0 + step * dt
        if control is not None and step < nsteps:
            try:
                control.check(t)
            except SimulationError as exc:
                error = exc
                break
        sync_rstdp(L, pl, syn_w, t)
        if rec_every and step % rec_every == 0:
            history.append((t, syn_w.copy()))
        if callback is not None and step % every == 0:
            drain()
            nspk = 0
            state.t, state.step = t, step
            state.spikes = spike_record(L, np.concatenate(chunks_i[seen:]),
                                        np.concatenate(chunks_t[seen:]))
            seen = len(chunks_i)
            error = call(callback, state, x, p, syn_w)
            if error is not None or state._stop:
                break
        if step >= nsteps:
            break
    sync_rstdp(L, pl, syn_w, t0 + step * dt)
    chunks_i.append(spk_i[:nspk])
    chunks_t.append(spk_t[:nspk])
    gid = np.concatenate(chunks_i)
    spikes = spike_record(L, gid, np.concatenate(chunks_t))
    # views: syn_w is this run's own copy (a second copy of 5 million weights is 0.1-0.3 s)
    extras = {"weights": {n: syn_w[a:b] for n, (a, b) in L.proj_slices.items()},
              "weight_history": _history(L, history), "error": error,
              "stopped": bool(state is not None and state._stop and step < nsteps)}
    return out_t[:j], out_x[:, :j], spikes, step, status, extras


def _reference(system, method, x, p, t0, dt, nsteps, stride, rec, nrec, seed, dls, H,
               syn_d, D, weights, learn, callback, rec_every):
    """The same run on the NumPy reference backend (:mod:`.reference_net`)."""
    from .callbacks import initial_weights, plasticity_arrays, sync_rstdp
    from .reference_net import run_reference_full
    L = system.layout
    if callback is not None or rec_every:
        raise SimulationError("callbacks and record_weights= need the numba backend "
                              "(backend='numba'); the NumPy reference backend runs "
                              "noise, delays, spikes and plasticity without them")
    syn_w = initial_weights(system, weights)
    pl = plasticity_arrays(L, t0, learn)
    out_t, out_x, gid, times, step, status = run_reference_full(
        system, method, x, p, t0, dt, nsteps, stride, rec, nrec, seed, dls, H, syn_d, D,
        syn_w, pl)
    sync_rstdp(L, pl, syn_w, t0 + step * dt)
    spikes = spike_record(L, np.array(gid, dtype=np.int64), np.array(times, dtype=float))
    extras = {"weights": {n: syn_w[a:b].copy() for n, (a, b) in L.proj_slices.items()},
              "weight_history": None, "error": None, "stopped": False}
    return out_t, out_x, spikes, step, status, extras


def _history(layout, history):
    if not history:
        return None
    out = {"t": np.array([t for t, _ in history])}
    for n, (a, b) in layout.proj_slices.items():
        out[n] = np.stack([w[a:b] for _, w in history])
    return out


def spike_record(layout, gid, times):
    """``{"index", "time", "blox"}``: index within the blox/population."""
    if not layout.spike_names:
        return {"index": np.zeros(0, np.int64), "time": np.zeros(0),
                "blox": np.zeros(0, dtype="<U1")}
    names = np.array(layout.spike_names)
    return {"index": layout.spike_local[gid], "time": times,
            "blox": names[layout.spike_code[gid]]}


def reset_error(system, status, t):
    gi = -100 - status
    g = system.layout.groups[gi]
    who = ", ".join(name for name, _, _ in g.entities[:3])
    return SimulationError(
        f"'{who}' ({g.btype.name}): the spike condition '{g.btype.spike_text}' is still "
        f"true right after the reset '{g.btype.reset_text}' (t = {t:.6g} ms), so the "
        "neuron would fire at every step. Make the reset bring the state below the "
        "threshold, or give the blox a refractory period.")
