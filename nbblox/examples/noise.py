"""Noise in single neurons (the lesson-14 models and their theory).

* :data:`NoisyLIF`: the leaky integrate-and-fire neuron driven by white noise
  in the form of Brunel (2000), ``tau dV/dt = mu - V + sigma sqrt(tau) xi``.
  Its firing rate is the Siegert formula (:func:`siegert_rate`; Ricciardi 1977,
  Brunel 2000 eq. 21) and the coefficient of variation of its interspike
  intervals :func:`lif_isi_cv` (Brunel 2000, appendix A; Tuckwell 1988).
* :data:`NoisyFHN`: the excitable FitzHugh-Nagumo model of Pikovsky & Kurths
  (1997) with noise on the slow variable, which fires most regularly at an
  intermediate noise level (coherence resonance).
* :func:`isi_cv`: the coefficient of variation of interspike intervals.

>>> round(siegert_rate(mu=15.0, sigma=5.0), 2)   # Hz, Brunel's (2000) parameters
9.46
>>> round(lif_isi_cv(mu=15.0, sigma=5.0), 3)
0.815
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["NoisyLIF", "NoisyFHN", "siegert_rate", "lif_isi_cv", "isi_cv"]

import nbblox as nb

NoisyLIF = nb.BloxType(
    "NoisyLIF",
    "dV/dt = (mu - V)/tau + sigma*xi/sqrt(tau)   # xi: unit white noise",
    params={"mu": (15.0, (0.0, 30.0), "mV", "mean input (the V it relaxes to)"),
            "sigma": (5.0, (0.0, 10.0), "mV", "noise amplitude"),
            "tau": (20.0, (5.0, 50.0), "ms", "membrane time constant"),
            "V_th": (20.0, (10.0, 30.0), "mV", "threshold"),
            "V_r": (10.0, (0.0, 20.0), "mV", "reset")},
    init={"V": 10.0}, spike="V > V_th", reset="V = V_r", refractory=2.0, kind="neuron",
    doc="LIF with white-noise input (Brunel 2000): mean mu, fluctuations sigma.",
    citation="Brunel N (2000). Dynamics of sparsely connected networks of excitatory and "
             "inhibitory spiking neurons. J Comput Neurosci 8:183-208. "
             "doi:10.1023/A:1008925309027")

NoisyFHN = nb.BloxType(
    "NoisyFHN",
    """
    dx/dt = (x - x**3/3 - y)/eps
    dy/dt = x + a + D*xi         # noise on the slow variable
    """,
    params={"eps": (0.01, (0.001, 0.1), "", "time-scale ratio"),
            "a": (1.05, (0.9, 1.2), "", "a > 1: excitable (rest is stable)"),
            "D": (0.05, (0.0, 0.5), "", "noise intensity")},
    init={"x": -1.05, "y": -0.66}, kind="neuron",
    doc="Excitable FitzHugh-Nagumo with noise (Pikovsky & Kurths 1997); time unit = 1 ms.",
    citation="Pikovsky AS, Kurths J (1997). Coherence resonance in a noise-driven "
             "excitable system. Phys Rev Lett 78:775-778. doi:10.1103/PhysRevLett.78.775")


def _bounds(mu, sigma, V_th, V_r):
    if sigma <= 0:
        raise ValueError("sigma must be > 0 mV (without noise the formula is the LIF's)")
    return (V_r - mu) / sigma, (V_th - mu) / sigma


def siegert_rate(mu, sigma, tau=20.0, V_th=20.0, V_r=10.0, refractory=2.0):
    """Firing rate (Hz) of :data:`NoisyLIF`:
    ``1/rate = t_ref + tau sqrt(pi) int_{(V_r-mu)/sigma}^{(V_th-mu)/sigma} e^{u^2}(1 + erf u) du``.
    """
    from scipy import integrate, special
    lo, hi = _bounds(mu, sigma, V_th, V_r)
    # e^{u^2}(1 + erf u) = erfcx(-u): no overflow for large |u|
    integral, _ = integrate.quad(lambda u: special.erfcx(-u), lo, hi, limit=200)
    return 1000.0 / (refractory + tau * math.sqrt(math.pi) * integral)


def lif_isi_cv(mu, sigma, tau=20.0, V_th=20.0, V_r=10.0, refractory=2.0):
    """Coefficient of variation of the interspike intervals of :data:`NoisyLIF`:
    ``CV^2 = 2 pi (rate tau)^2 int_lo^hi e^{x^2} dx int_{-inf}^x e^{y^2}(1 + erf y)^2 dy``.
    """
    from scipy import integrate, special
    lo, hi = _bounds(mu, sigma, V_th, V_r)
    nu = siegert_rate(mu, sigma, tau, V_th, V_r, refractory) / 1000.0
    # e^{x^2} e^{y^2}(1 + erf y)^2 = erfcx(-y)^2 e^{x^2 - y^2}, y <= x: bounded
    inner = lambda x: integrate.quad(lambda y: special.erfcx(-y) ** 2 * math.exp(x * x - y * y),
                                     -np.inf, x, limit=200)[0]
    outer, _ = integrate.quad(inner, lo, hi, limit=200)
    return math.sqrt(2.0 * math.pi * (nu * tau) ** 2 * outer)


def isi_cv(spike_times):
    """Standard deviation over mean of the intervals between ``spike_times``
    (NaN with fewer than three spikes).

    >>> isi_cv([0.0, 10.0, 20.0, 30.0])
    0.0
    """
    st = np.sort(np.asarray(spike_times, dtype=float))
    if st.size < 3:
        return float("nan")
    isi = np.diff(st)
    return float(isi.std() / isi.mean())
