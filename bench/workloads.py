"""Workload definitions shared by every system: sizes, seeds, inputs, answers.

Only NumPy here: this module is imported in the peers' virtualenv too (which
has no nbblox).  Every system builds its model from the same arrays made
here, so a difference in the answer is a difference in the simulator.
Definitions follow /work/shared/PEER-BENCHMARKS.md ("Workloads").
"""
from __future__ import annotations

import numpy as np

# W1a: Hodgkin & Huxley 1952 squid axon, -65 mV convention, I = 10 uA/cm^2.
HH = dict(C=1.0, gNa=120.0, gK=36.0, gL=0.3, ENa=50.0, EK=-77.0, EL=-54.387, I=10.0)
# Gates at steady state at -65 mV: the values nbblox's catalog HH starts from.
HH_X0 = (-65.0, 0.05293, 0.59612, 0.31768)
# W1b: FitzHugh 1961 / Nagumo 1962 in the form v' = v - v^3/3 - w + I, w' = (v + a - b w)/tau.
FHN = dict(a=0.7, b=0.8, tau=12.5, I=0.5)
# W2: the neurolib Wilson-Cowan node (Wilson & Cowan 1972, form of Cakan et al. 2021).
WC = dict(tau_E=2.5, tau_I=3.75, c_EE=16.0, c_IE=12.0, c_EI=15.0, c_II=3.0, a=1.5, mu=3.0,
          ext_E=0.8, ext_I=0.0, K=0.5)
# W3: COBA, Brette et al. 2007 benchmark 1 (Vogels & Abbott 2005), simulator-benchmark form.
COBA = dict(taum=20.0, taue=5.0, taui=10.0, Vt=-50.0, Vr=-60.0, El=-60.0, Ee=0.0, Ei=-80.0,
            Iext=20.0, we=0.6, wi=6.7, tref=5.0, p=0.02, frac_exc=0.8)


def wc_network(n, delays=False, dt=0.1):
    """Coupling C[i, j] (j -> i, rows sum to 1), initial E, I, delay steps D[i, j]."""
    rng = np.random.default_rng(42 + n)
    C = rng.random((n, n))
    np.fill_diagonal(C, 0.0)
    C /= C.sum(axis=1, keepdims=True)
    r0 = np.random.default_rng(43 + n)
    E0, I0 = 0.05 * r0.random(n), 0.05 * r0.random(n)
    D = np.zeros((n, n), dtype=np.int64)
    if delays:
        lengths = np.random.default_rng(44 + n).uniform(1.0, 20.0, (n, n))  # mm
        D = np.rint(lengths / 1.0 / dt).astype(np.int64)                    # 1 mm/ms
        np.fill_diagonal(D, 0)
    return C, E0, I0, D


def coba_network(n, seed=0, p=None):
    """Random COBA connectivity (CSR by source) and initial voltages."""
    p = COBA["p"] if p is None else p
    rng = np.random.default_rng(seed)
    indptr = np.zeros(n + 1, dtype=np.int64)
    idx = []
    for i in range(n):
        t = np.flatnonzero(rng.random(n) < p)
        idx.append(t)
        indptr[i + 1] = indptr[i] + t.size
    v0 = rng.normal(-55.0, 5.0, n)
    return indptr, np.concatenate(idx).astype(np.int64), v0


def crossings(v, level):
    """Upward crossings of ``level`` along the last axis (spike count)."""
    v = np.asarray(v)
    return np.sum((v[..., 1:] >= level) & (v[..., :-1] < level), axis=-1)


def fhn_fixed_points_exact(I_values, a=FHN["a"], b=FHN["b"], tau=FHN["tau"]):
    """Exact FHN equilibria: real roots of -V^3/3 + (1 - 1/b) V + I - a/b = 0.

    Returns a list (one per I) of arrays of V*, sorted.
    """
    out = []
    for I in np.asarray(I_values, dtype=float):
        r = np.roots([-1.0 / 3.0, 0.0, 1.0 - 1.0 / b, I - a / b])
        out.append(np.sort(r[np.abs(r.imag) < 1e-9].real))
    return out


def fhn_phase_plane(n, lim=3.0, p=FHN):
    """The NumPy phase plane of W5_pp_fhn: the vector field on an n x n grid, both
    nullclines as curves (they are explicit in FHN: w = V - V^3/3 + I and
    w = (V + a)/b) and the exact equilibria."""
    V, w = np.meshgrid(np.linspace(-lim, lim, n), np.linspace(-lim, lim, n))
    dV, dw = V - V ** 3 / 3 - w + p["I"], (V + p["a"] - p["b"] * w) / p["tau"]
    v = np.linspace(-lim, lim, n)
    return (dV, dw, (v, v - v ** 3 / 3 + p["I"]), (v, (v + p["a"]) / p["b"]),
            fhn_fixed_points_exact([p["I"]], p["a"], p["b"], p["tau"])[0])


def fhn_stable(V, a=FHN["a"], b=FHN["b"], tau=FHN["tau"]):
    """Stability of the FHN equilibrium at V (trace < 0 and det > 0)."""
    tr = (1 - V * V) - b / tau
    det = -(1 - V * V) * b / tau + 1.0 / tau
    return (tr < 0) & (det > 0)


# ---------------------------------------------------------------- W5 HH reference
def _hh_rates(V):
    with np.errstate(invalid="ignore", divide="ignore"):
        return _hh_rates_raw(V)


def _hh_rates_raw(V):
    x = -(V + 40.0) / 10.0
    am = np.where(np.abs(x) < 1e-9, 1.0, x / np.expm1(x))
    bm = 4.0 * np.exp(-(V + 65.0) / 18.0)
    ah = 0.07 * np.exp(-(V + 65.0) / 20.0)
    bh = 1.0 / (1.0 + np.exp(-(V + 35.0) / 10.0))
    y = -(V + 55.0) / 10.0
    an = 0.1 * np.where(np.abs(y) < 1e-9, 1.0, y / np.expm1(y))
    bn = 0.125 * np.exp(-(V + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


def hh_equilibrium_branch(V=None):
    """HH equilibria parametrised by V: I(V) and the Jacobian eigenvalues.

    At an equilibrium every gate sits at its steady state, so I is an explicit
    function of V; Hopf points are where the leading eigenvalue pair crosses
    the imaginary axis.  Returns (V, I, max real part of the eigenvalues).
    """
    p = HH
    V = np.linspace(-80, 20, 20001) if V is None else V
    am, bm, ah, bh, an, bn = _hh_rates(V)
    m, h, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
    I = p["gNa"] * m**3 * h * (V - p["ENa"]) + p["gK"] * n**4 * (V - p["EK"]) + p["gL"] * (V - p["EL"])
    eps = 1e-6
    re = np.empty(V.size)
    r0 = _hh_rates(V)
    r1 = _hh_rates(V + eps)
    d = [(b - a) / eps for a, b in zip(r0, r1)]
    for k in range(V.size):
        am_, bm_, ah_, bh_, an_, bn_ = (r[k] for r in r0)
        dam, dbm, dah, dbh, dan, dbn = (x[k] for x in d)
        v, mm, hh, nn = V[k], m[k], h[k], n[k]
        J = np.zeros((4, 4))
        J[0, 0] = -(p["gNa"] * mm**3 * hh + p["gK"] * nn**4 + p["gL"]) / p["C"]
        J[0, 1] = -3 * p["gNa"] * mm**2 * hh * (v - p["ENa"]) / p["C"]
        J[0, 2] = -p["gNa"] * mm**3 * (v - p["ENa"]) / p["C"]
        J[0, 3] = -4 * p["gK"] * nn**3 * (v - p["EK"]) / p["C"]
        J[1, 0] = dam * (1 - mm) - dbm * mm
        J[1, 1] = -(am_ + bm_)
        J[2, 0] = dah * (1 - hh) - dbh * hh
        J[2, 2] = -(ah_ + bh_)
        J[3, 0] = dan * (1 - nn) - dbn * nn
        J[3, 3] = -(an_ + bn_)
        re[k] = np.linalg.eigvals(J).real.max()
    return V, I, re


def hh_hopf_points():
    """I values (uA/cm^2) of the Hopf bifurcations on the HH equilibrium branch."""
    V, I, re = hh_equilibrium_branch()
    k = np.flatnonzero(np.sign(re[1:]) != np.sign(re[:-1]))
    return [float(I[j] - re[j] * (I[j + 1] - I[j]) / (re[j + 1] - re[j])) for j in k]


def downsample_minmax(t, v, bins=1000):
    """Min/max decimation to 2*bins points (what a plot of a long trace receives)."""
    n = (v.size // bins) * bins
    vb = v[:n].reshape(bins, -1)
    tb = t[:n].reshape(bins, -1)
    return tb[:, 0], vb.min(axis=1), vb.max(axis=1)
