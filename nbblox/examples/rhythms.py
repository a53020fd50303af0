"""A fast rhythm in a sparse inhibitory network (the lesson-16 model and its theory).

Brunel & Hakim (1999): ``N = 5000`` inhibitory leaky integrate-and-fire
neurons, each receiving ``C = 1000`` random inhibitory inputs of
``J = 0.1`` mV delayed by ``D = 2`` ms, driven by white noise of mean
``mu_ext = 25`` mV and standard deviation ``sigma_ext = 1`` mV
(``tau = 20`` ms, threshold 20 mV, reset 10 mV, refractory 2 ms).  Each
neuron fires irregularly near 3.5 spikes/s, while the population rate
oscillates near 137 Hz: the neurons are only weakly synchronised.

* :data:`InhibitoryLIF`: the neuron, written as Brian2's example of the paper.
* :func:`inhibitory_network`: the network as a circuit.
* :func:`mean_field_rate`: the stationary (asynchronous) rate of the network,
  from the Siegert formula with the recurrent inhibition's mean and
  fluctuations fed back (Brunel & Hakim 1999, section 3).
* :func:`rate_model_frequency`: the frequency at which a rate model with
  delayed inhibition starts to oscillate, ``tan(2 pi f D) = -2 pi f tau``
  (Brunel & Hakim 2008, section II); about ``1/(4D)`` when ``D << tau``.
* :func:`population_frequency`: the peak of the power spectrum of the
  population rate (``nb.spectrum``), the rhythm's frequency.

>>> nu, mu, sigma = mean_field_rate()
>>> round(nu, 2), round(mu, 2), round(sigma, 2)      # Hz, mV, mV
(3.45, 18.11, 1.3)
>>> round(rate_model_frequency(tau=20.0, delay=2.0), 1)   # Hz
129.9
"""
from __future__ import annotations

import math

__all__ = ["InhibitoryLIF", "PAPER", "inhibitory_network", "mean_field_rate",
           "rate_model_frequency", "population_frequency"]

import nbblox as nb

_BH1999 = ("Brunel N, Hakim V (1999). Fast global oscillations in networks of "
           "integrate-and-fire neurons with low firing rates. Neural Comput 11:1621-1671. "
           "doi:10.1162/089976699300016179")

#: the network of Brunel & Hakim (1999) as in Brian2's example of the paper
PAPER = {"n": 5000, "C": 1000, "J": 0.1, "delay": 2.0, "mu_ext": 25.0, "sigma_ext": 1.0,
         "tau": 20.0, "V_th": 20.0, "V_r": 10.0, "refractory": 2.0}

InhibitoryLIF = nb.BloxType(
    "InhibitoryLIF",
    "dV/dt = (-V + mu_ext + sigma_ext*sqrt(tau)*xi)/tau   # xi: unit white noise",
    params={"mu_ext": (25.0, (0.0, 40.0), "mV", "mean external input"),
            "sigma_ext": (1.0, (0.0, 5.0), "mV", "external noise"),
            "tau": (20.0, (5.0, 50.0), "ms", "membrane time constant"),
            "V_th": (20.0, (10.0, 30.0), "mV", "threshold"),
            "V_r": (10.0, (0.0, 20.0), "mV", "reset")},
    init={"V": 10.0}, spike="V > V_th", reset="V = V_r", refractory=2.0,
    refractory_hold="marked", kind="neuron",
    doc="LIF driven by white noise (Brunel & Hakim 1999); during the 2 ms refractory "
        "period V keeps integrating but cannot fire (Brian2's default).",
    citation=_BH1999)


def inhibitory_network(n=5000, C=1000, J=0.1, delay=2.0, seed=1, name="net", **params):
    """The sparse inhibitory network of Brunel & Hakim (1999).

    Parameters
    ----------
    n : int
        Number of neurons.
    C : float
        Mean number of inputs per neuron (each pair is connected with
        probability ``C/n``).
    J : float
        Inhibitory jump of the target's V per presynaptic spike, mV.
    delay : float
        Synaptic delay D, ms.
    seed : int
        Seed of the random connectivity.
    name : str
        The population's name (its spikes are ``sol.spike_trains(name)``).
    **params
        Parameters of :data:`InhibitoryLIF` (``mu_ext=``, ``sigma_ext=``, ...).

    Returns
    -------
    Circuit

    Examples
    --------
    >>> inhibitory_network(n=100, C=20).projections[0]    # about 100 x 20 synapses
    <Projection net -> net: 2021 synapses, on_pre='V -= w'>
    """
    pop = nb.Population(InhibitoryLIF, n=n, name=name, **params)
    c = nb.Circuit([pop], name="brunel_hakim")
    c.connect(pop, pop, weight=J, on_pre="V -= w", p=C / n, seed=seed, delay=delay)
    return c


def mean_field_rate(C=1000, J=0.1, mu_ext=25.0, sigma_ext=1.0, tau=20.0, V_th=20.0,
                    V_r=10.0, refractory=2.0):
    """Stationary rate of the network, with the mean and fluctuations of its input.

    Each neuron sees ``mu = mu_ext - C J nu tau`` and
    ``sigma^2 = sigma_ext^2 + J^2 C nu tau`` (nu in spikes/ms), and fires at
    the Siegert rate of those; ``nu`` is the self-consistent solution
    (Brunel & Hakim 1999, eqs. 8-10).

    Returns
    -------
    (nu, mu, sigma) : rate in Hz, mean and standard deviation of the input in mV.
    """
    from scipy.optimize import brentq
    from .noise import siegert_rate

    def inputs(nu):
        k = nu / 1000.0 * tau * C                       # inputs per membrane time
        return mu_ext - J * k, math.sqrt(sigma_ext ** 2 + J * J * k)

    def gap(nu):
        mu, sigma = inputs(nu)
        return siegert_rate(mu, sigma, tau, V_th, V_r, refractory) - nu

    nu = brentq(gap, 1e-6, 1000.0 / refractory - 1e-6, xtol=1e-10)
    return (nu, *inputs(nu))


def rate_model_frequency(tau=20.0, delay=2.0):
    """Frequency (Hz) at which ``tau dr/dt = -r - G r(t - D)`` starts to oscillate.

    Linearised, ``r ~ exp(i w t)`` needs ``1 + i w tau + G exp(-i w D) = 0``;
    its real and imaginary parts give ``tan(w D) = -w tau``: at the onset the
    frequency depends on tau and D only (Brunel & Hakim 2008, section II.A).
    Between ``1/(4D)`` (``D << tau``) and ``1/(2D)``.

    >>> round(rate_model_frequency(tau=1000.0, delay=2.0), 1)   # D << tau: 1/(4D)
    125.1
    """
    from scipy.optimize import brentq
    # w D in (pi/2, pi): tan(x) + (tau/D) x = 0
    r = tau / delay
    x = brentq(lambda x: math.tan(x) + r * x, math.pi / 2 + 1e-12, math.pi - 1e-12)
    return 1000.0 * x / (2 * math.pi * delay)


def population_frequency(spikes, bin=0.1, resolution=5.0, band=(20.0, 500.0)):
    """Frequency (Hz) of the population rhythm: the peak, within ``band``, of
    the Welch spectrum of the population rate in bins of ``bin`` ms.

    Parameters
    ----------
    spikes : SpikeTrains
        From ``nb.spike_trains(sol, name)`` (select the window after the transient).

    >>> import numpy as np
    >>> t = np.arange(0.0, 1000.0, 5.0)          # every neuron fires every 5 ms
    >>> st = nb.spike_trains((np.zeros(t.size, int), t), t_range=(0.0, 1000.0))
    >>> round(population_frequency(st))          # Hz
    200
    """
    rate = spikes.population_rate(bin)
    return float(nb.spectrum(rate, resolution=resolution).peak_frequency(band=band))
