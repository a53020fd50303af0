"""Hand-written numba loops: the practical speed limit on this machine.

Serial, strict IEEE (no fastmath), float64, the same equations, inputs and
answers as every other system, so a ratio to these loops says how close a
simulator gets to what a careful programmer would write by hand.  These
loops are written for the benchmark from the equations in the workload
definitions, not taken from any peer.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import workloads as W


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _hh_rhs(v, m, h, n, I):
    x = -(v + 40.0) / 10.0
    am = x / math.expm1(x) if abs(x) > 1e-5 else 1.0 / (1.0 + x / 2.0 + x * x / 6.0)
    bm = 4.0 * math.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))
    y = -(v + 55.0) / 10.0
    an = 0.1 * (y / math.expm1(y) if abs(y) > 1e-5 else 1.0 / (1.0 + y / 2.0 + y * y / 6.0))
    bn = 0.125 * math.exp(-(v + 65.0) / 80.0)
    dv = (I - 120.0 * m * m * m * h * (v - 50.0) - 36.0 * n * n * n * n * (v + 77.0)
          - 0.3 * (v + 54.387))  # C = 1
    return dv, am * (1.0 - m) - bm * m, ah * (1.0 - h) - bh * h, an * (1.0 - n) - bn * n


@njit(cache=True, nogil=True, error_model="numpy")
def _hh_rk4(x0, I, dt, nsteps, stride, out):
    """Scalar straight-line RK4: what a careful programmer writes by hand."""
    V, m, h, n = x0[0], x0[1], x0[2], x0[3]
    out[0] = V
    j = 1
    hd = 0.5 * dt
    for step in range(nsteps):
        a1, b1, c1, d1 = _hh_rhs(V, m, h, n, I)
        a2, b2, c2, d2 = _hh_rhs(V + hd * a1, m + hd * b1, h + hd * c1, n + hd * d1, I)
        a3, b3, c3, d3 = _hh_rhs(V + hd * a2, m + hd * b2, h + hd * c2, n + hd * d2, I)
        a4, b4, c4, d4 = _hh_rhs(V + dt * a3, m + dt * b3, h + dt * c3, n + dt * d3, I)
        V += dt / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
        m += dt / 6.0 * (b1 + 2.0 * b2 + 2.0 * b3 + b4)
        h += dt / 6.0 * (c1 + 2.0 * c2 + 2.0 * c3 + c4)
        n += dt / 6.0 * (d1 + 2.0 * d2 + 2.0 * d3 + d4)
        if (step + 1) % stride == 0:
            out[j] = V
            j += 1
    return V


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _fhn_rhs(v, w, I, a, b, tau):
    return v - v * v * v / 3.0 - w + I, (v + a - b * w) / tau


@njit(cache=True, nogil=True, error_model="numpy")
def _fhn(v, w, I, a, b, tau, dt, nsteps, rk4, out):
    out[0] = v
    for step in range(nsteps):
        k1v, k1w = _fhn_rhs(v, w, I, a, b, tau)
        if rk4:
            k2v, k2w = _fhn_rhs(v + 0.5 * dt * k1v, w + 0.5 * dt * k1w, I, a, b, tau)
            k3v, k3w = _fhn_rhs(v + 0.5 * dt * k2v, w + 0.5 * dt * k2w, I, a, b, tau)
            k4v, k4w = _fhn_rhs(v + dt * k3v, w + dt * k3w, I, a, b, tau)
            v, w = (v + dt / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v),
                    w + dt / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w))
        else:
            v, w = v + dt * k1v, w + dt * k1w
        out[step + 1] = v
    return v


@njit(cache=True, nogil=True, error_model="numpy")
def _fhn_sweep_rk4(I, a, b, tau, dt, nsteps, counts):
    """Lockstep over instances (inner loop over instances vectorises)."""
    n = I.size
    v = np.zeros(n)
    w = np.zeros(n)
    for step in range(nsteps):
        for i in range(n):
            vi, wi = v[i], w[i]
            k1v, k1w = _fhn_rhs(vi, wi, I[i], a, b, tau)
            k2v, k2w = _fhn_rhs(vi + 0.5 * dt * k1v, wi + 0.5 * dt * k1w, I[i], a, b, tau)
            k3v, k3w = _fhn_rhs(vi + 0.5 * dt * k2v, wi + 0.5 * dt * k2w, I[i], a, b, tau)
            k4v, k4w = _fhn_rhs(vi + dt * k3v, wi + dt * k3w, I[i], a, b, tau)
            vn = vi + dt / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
            w[i] = wi + dt / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
            if vn >= 1.0 and vi < 1.0:
                counts[i] += 1
            v[i] = vn
    return v


@njit(cache=True, nogil=True, error_model="numpy")
def _fhn_sweep_euler(I, a, b, tau, dt, nsteps, counts):
    """_fhn_sweep_rk4 with one forward-Euler step (W4_sweep_euler)."""
    n = I.size
    v = np.zeros(n)
    w = np.zeros(n)
    for step in range(nsteps):
        for i in range(n):
            vi, wi = v[i], w[i]
            dv, dw = _fhn_rhs(vi, wi, I[i], a, b, tau)
            vn = vi + dt * dv
            w[i] = wi + dt * dw
            if vn >= 1.0 and vi < 1.0:
                counts[i] += 1
            v[i] = vn
    return v


@njit(cache=True, nogil=True, error_model="numpy")
def _wc(C, D, E0, I0, K, dt, nsteps, tE, tI, cEE, cIE, cEI, cII, a, mu, extE, extI, L):
    """Euler; D[i, j] = delay in steps of j -> i; ring buffer of E with L rows."""
    n = E0.size
    E = E0.copy()
    Iv = I0.copy()
    hist = np.empty((L, n))
    for r in range(L):
        hist[r, :] = E0
    dE = np.empty(n)
    dI = np.empty(n)
    delayed = L > 1
    for step in range(nsteps):
        pos = step % L
        if delayed:
            hist[pos, :] = E
        for i in range(n):
            s = 0.0
            if delayed:
                for j in range(n):
                    r = pos - D[i, j]
                    if r < 0:
                        r += L
                    s += C[i, j] * hist[r, j]
            else:
                for j in range(n):
                    s += C[i, j] * E[j]
            xe = cEE * E[i] - cIE * Iv[i] + K * s + extE
            xi = cEI * E[i] - cII * Iv[i] + extI
            dE[i] = (-E[i] + (1.0 - E[i]) / (1.0 + math.exp(-a * (xe - mu)))) / tE
            dI[i] = (-Iv[i] + (1.0 - Iv[i]) / (1.0 + math.exp(-a * (xi - mu)))) / tI
        for i in range(n):
            E[i] += dt * dE[i]
            Iv[i] += dt * dI[i]
    return E, Iv


@njit(cache=True, nogil=True, error_model="numpy")
def _coba(indptr, idx, v0, n_exc, dt, nsteps, taum, taue, taui, Vt, Vr, El, Ee, Ei, Iext,
          we, wi, tref):
    n = v0.size
    v = v0.copy()
    ge = np.zeros(n)
    gi = np.zeros(n)
    last = np.full(n, -1e9)
    nspk = 0
    for step in range(nsteps):
        t = step * dt
        for i in range(n):
            if t - last[i] >= tref:
                v[i] += dt * (ge[i] * (Ee - v[i]) + gi[i] * (Ei - v[i]) - (v[i] - El) + Iext) / taum
            ge[i] -= dt * ge[i] / taue
            gi[i] -= dt * gi[i] / taui
        for i in range(n):
            if v[i] > Vt and t - last[i] >= tref:
                nspk += 1
                v[i] = Vr
                last[i] = t + dt
                wgt = we if i < n_exc else wi
                for k in range(indptr[i], indptr[i + 1]):
                    if i < n_exc:
                        ge[idx[k]] += wgt
                    else:
                        gi[idx[k]] += wgt
    return nspk


@njit(cache=True, nogil=True, error_model="numpy", fastmath=True)
def _wc_fast(C, E0, I0, K, dt, nsteps, tE, tI, cEE, cIE, cEI, cII, a, mu, extE, extI, blas):
    """_wc without delays, fastmath=True; the coupling by np.dot (BLAS dgemv)
    or by a row loop that LLVM vectorises (C is C-contiguous)."""
    n = E0.size
    E = E0.copy()
    Iv = I0.copy()
    dE = np.empty(n)
    dI = np.empty(n)
    s = np.empty(n)
    for step in range(nsteps):
        if blas:
            np.dot(C, E, s)
        else:
            for i in range(n):
                acc = 0.0
                for j in range(n):
                    acc += C[i, j] * E[j]
                s[i] = acc
        for i in range(n):
            xe = cEE * E[i] - cIE * Iv[i] + K * s[i] + extE
            xi = cEI * E[i] - cII * Iv[i] + extI
            dE[i] = (-E[i] + (1.0 - E[i]) / (1.0 + math.exp(-a * (xe - mu)))) / tE
            dI[i] = (-Iv[i] + (1.0 - Iv[i]) / (1.0 + math.exp(-a * (xi - mu)))) / tI
        for i in range(n):
            E[i] += dt * dE[i]
            Iv[i] += dt * dI[i]
    return E, Iv


@njit(cache=True, nogil=True, error_model="numpy")
def _wc_nomod(CT, OFFT, E0, I0, K, dt, nsteps, tE, tI, cEE, cIE, cEI, cII, a, mu, extE, extI, L):
    """_wc with delays, the fastest strict loop found (issue 17): a doubled
    source-major ring buffer ``hs[j*2L + r] == hs[j*2L + r + L]``, so the value
    of D steps ago is at ``pos + L - D`` (no modulo, no branch); offsets
    ``OFFT[j, i] = j*2L + L - D[i, j]`` precomputed; sources outer, targets inner
    (independent accumulators, each target still summed in source order)."""
    n = E0.size
    E = E0.copy()
    Iv = I0.copy()
    hs = np.empty(n * 2 * L)
    for j in range(n):
        for r in range(2 * L):
            hs[j * 2 * L + r] = E0[j]
    dE = np.empty(n)
    dI = np.empty(n)
    s = np.empty(n)
    for step in range(nsteps):
        pos = step % L
        for j in range(n):
            hs[j * 2 * L + pos] = E[j]
            hs[j * 2 * L + pos + L] = E[j]
        s[:] = 0.0
        for j in range(n):
            cr = CT[j]
            orow = OFFT[j]
            for i in range(n):
                s[i] += cr[i] * hs[pos + orow[i]]
        for i in range(n):
            xe = cEE * E[i] - cIE * Iv[i] + K * s[i] + extE
            xi = cEI * E[i] - cII * Iv[i] + extI
            dE[i] = (-E[i] + (1.0 - E[i]) / (1.0 + math.exp(-a * (xe - mu)))) / tE
            dI[i] = (-Iv[i] + (1.0 - Iv[i]) / (1.0 + math.exp(-a * (xi - mu)))) / tI
        for i in range(n):
            E[i] += dt * dE[i]
            Iv[i] += dt * dI[i]
    return E, Iv


@njit(cache=True, nogil=True, error_model="numpy", fastmath=True)
def _fhn_sweep_rk4_fast(I, a, b, tau, dt, nsteps, counts):
    """_fhn_sweep_rk4 compiled with fastmath=True (the lockstep loop at its fastest)."""
    n = I.size
    v = np.zeros(n)
    w = np.zeros(n)
    for step in range(nsteps):
        for i in range(n):
            vi, wi = v[i], w[i]
            k1v, k1w = _fhn_rhs(vi, wi, I[i], a, b, tau)
            k2v, k2w = _fhn_rhs(vi + 0.5 * dt * k1v, wi + 0.5 * dt * k1w, I[i], a, b, tau)
            k3v, k3w = _fhn_rhs(vi + 0.5 * dt * k2v, wi + 0.5 * dt * k2w, I[i], a, b, tau)
            k4v, k4w = _fhn_rhs(vi + dt * k3v, wi + dt * k3w, I[i], a, b, tau)
            vn = vi + dt / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
            w[i] = wi + dt / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
            if vn >= 1.0 and vi < 1.0:
                counts[i] += 1
            v[i] = vn
    return v


@njit(cache=True, nogil=True, error_model="numpy", fastmath=True)
def _fhn_sweep_euler_fast(I, a, b, tau, dt, nsteps, counts):
    """_fhn_sweep_euler compiled with fastmath=True."""
    n = I.size
    v = np.zeros(n)
    w = np.zeros(n)
    for step in range(nsteps):
        for i in range(n):
            vi, wi = v[i], w[i]
            dv, dw = _fhn_rhs(vi, wi, I[i], a, b, tau)
            vn = vi + dt * dv
            w[i] = wi + dt * dw
            if vn >= 1.0 and vi < 1.0:
                counts[i] += 1
            v[i] = vn
    return v


def sweep_run(cfg, loop, *extra):
    """``run()`` of a W4 loop ``loop(I, a, b, tau, dt, nsteps, counts, *extra)``:
    the crossing counts of the case's ``cfg["n"]`` FitzHugh-Nagumo instances."""
    I = np.linspace(0.0, 2.0, cfg["n"])
    nsteps = int(round(cfg["t_end"] / cfg["dt"]))
    p = W.FHN

    def run():
        counts = np.zeros(I.size, dtype=np.int64)
        loop(I, p["a"], p["b"], p["tau"], cfg["dt"], nsteps, counts, *extra)
        return counts
    return run


def sweep_answer(c):
    """The W4 answer from crossing counts: spikes in all, instances with 3 or more."""
    return {"total_spikes": int(c.sum()), "n_osc": int((c >= 3).sum())}


def _build_fast(cfg, blas):
    if cfg["kind"] == "sweep" and not blas:   # W4: the lockstep loop with fastmath=True
        loop = _fhn_sweep_rk4_fast if cfg["method"] == "rk4" else _fhn_sweep_euler_fast
        return sweep_run(cfg, loop), sweep_answer
    if cfg["kind"] != "wc" or cfg["delays"]:
        raise ValueError("the fastmath/dgemv hand-written loops are W2 without delays and "
                         "W4 only")
    C, E0, I0, _ = W.wc_network(cfg["n"], False, cfg["dt"])
    C = np.ascontiguousarray(C)
    nsteps = int(round(cfg["t_end"] / cfg["dt"]))
    q = W.WC

    def run():
        return _wc_fast(C, E0, I0, q["K"], cfg["dt"], nsteps, q["tau_E"], q["tau_I"], q["c_EE"],
                        q["c_IE"], q["c_EI"], q["c_II"], q["a"], q["mu"], q["ext_E"], q["ext_I"],
                        blas)
    return run, lambda r: {"E_end": r[0].tolist()}


def _build_nomod(cfg):
    """W2 with delays: the ring buffer without modulo (_wc_nomod)."""
    if cfg["kind"] != "wc" or not cfg["delays"]:
        raise ValueError("the ring buffer without modulo is W2 with delays only")
    C, E0, I0, D = W.wc_network(cfg["n"], True, cfg["dt"])
    L = int(D.max()) + 1
    n = cfg["n"]
    CT = np.ascontiguousarray(C.T)
    OFFT = np.ascontiguousarray(np.arange(n)[:, None] * 2 * L + L - D.T).astype(np.int64)
    nsteps = int(round(cfg["t_end"] / cfg["dt"]))
    q = W.WC

    def run():
        return _wc_nomod(CT, OFFT, E0, I0, q["K"], cfg["dt"], nsteps, q["tau_E"], q["tau_I"],
                         q["c_EE"], q["c_IE"], q["c_EI"], q["c_II"], q["a"], q["mu"], q["ext_E"],
                         q["ext_I"], L)
    return run, lambda r: {"E_end": r[0].tolist()}


# ------------------------------------------------------------ builders
def build(case, cfg, variant="handwritten"):
    """Return ``run()`` (the timed call) and ``answer(raw)`` for one case;
    ``variant`` "handwritten_fastmath"/"handwritten_dgemv" (W2 without
    delays only) is the fastest loop a user could write by hand."""
    kind = cfg["kind"]
    if variant == "handwritten_nomod":
        return _build_nomod(cfg)
    if variant != "handwritten":
        return _build_fast(cfg, variant == "handwritten_dgemv")
    if kind == "hh":
        nsteps = int(round(cfg["t_end"] / cfg["dt"]))
        x0 = np.array(W.HH_X0)
        out = np.empty(nsteps + 1)

        def run():
            _hh_rk4(x0, W.HH["I"], cfg["dt"], nsteps, 1, out)
            return out
        return run, lambda v: {"spikes": int(W.crossings(v, 0.0)), "V_end": float(v[-1])}
    if kind == "fhn":
        nsteps = int(round(cfg["t_end"] / cfg["dt"]))
        out = np.empty(nsteps + 1)
        p = W.FHN
        rk4 = cfg["method"] == "rk4"

        def run():
            _fhn(0.0, 0.0, p["I"], p["a"], p["b"], p["tau"], cfg["dt"], nsteps, rk4, out)
            return out
        return run, lambda v: {"spikes": int(W.crossings(v, 1.0)), "V_end": float(v[-1])}
    if kind == "wc":
        C, E0, I0, D = W.wc_network(cfg["n"], cfg["delays"], cfg["dt"])
        L = int(D.max()) + 1
        nsteps = int(round(cfg["t_end"] / cfg["dt"]))
        q = W.WC

        def run():
            return _wc(C, D, E0, I0, q["K"], cfg["dt"], nsteps, q["tau_E"], q["tau_I"], q["c_EE"],
                       q["c_IE"], q["c_EI"], q["c_II"], q["a"], q["mu"], q["ext_E"], q["ext_I"], L)
        return run, lambda r: {"E_end": r[0].tolist()}
    if kind == "coba":
        n = cfg["n"]
        indptr, idx, v0 = W.coba_network(n)
        nsteps = int(round(cfg["t_end"] / cfg["dt"]))
        q = W.COBA

        def run():
            return _coba(indptr, idx, v0, int(q["frac_exc"] * n), cfg["dt"], nsteps, q["taum"],
                         q["taue"], q["taui"], q["Vt"], q["Vr"], q["El"], q["Ee"], q["Ei"],
                         q["Iext"], q["we"], q["wi"], q["tref"])
        return run, lambda k: {"rate_hz": k / n / (cfg["t_end"] / 1000.0)}
    if kind == "sweep":
        return sweep_run(cfg, _fhn_sweep_rk4 if cfg["method"] == "rk4" else _fhn_sweep_euler), \
            sweep_answer
    if kind == "fp_fhn":
        I = np.linspace(0.0, 2.0, cfg["n"])

        def run():
            return W.fhn_fixed_points_exact(I)
        return run, lambda fps: {"V": [[float(x) for x in f] for f in fps]}
    if kind in ("cont_hh", "cycle_hh"):  # the cycle case checks its equilibrium part
        return W.hh_hopf_points, lambda h: {"hopf_I": h}
    if kind == "pp_fhn":
        return (lambda: W.fhn_phase_plane(cfg["n"])), lambda r: {"V": [[float(v) for v in r[-1]]]}
    if kind == "fit_hh":  # the derivative-free scipy baseline (see bench/fit_hh.py)
        from .fit_hh import build_baseline
        return build_baseline(cfg)
    if kind == "latency_hh":
        nsteps = int(round(cfg["t_end"] / cfg["dt"]))
        x0 = np.array(W.HH_X0)
        out = np.empty(nsteps + 1)
        t = np.arange(nsteps + 1) * cfg["dt"]
        state = {"I": 10.0}

        def run():  # a slider moved: new I, simulate, downsample for the plot
            state["I"] = 20.0 if state["I"] == 10.0 else 10.0
            _hh_rk4(x0, state["I"], cfg["dt"], nsteps, 1, out)
            return W.downsample_minmax(t, out)
        return run, lambda r: {"points": int(r[0].size)}
    raise KeyError(case)
