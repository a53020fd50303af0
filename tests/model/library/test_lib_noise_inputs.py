"""Stochastic input blox (needs the simulator's white-noise support)."""
import numpy as np
import pytest

import nbblox as nb


def test_ou_noise_stationary_statistics():
    # Uhlenbeck & Ornstein 1930: dx = (mu - x)/tau dt + sigma sqrt(2/tau) dW has stationary
    # mean mu, s.d. sigma and autocorrelation exp(-lag/tau).  Tolerances for 20 s at tau = 5
    # ms (~4000 correlation times): mean 0.05 sigma, s.d. 5%, lag-tau correlation +-0.05.
    ou = nb.blox.OUNoise(name="ou", mu=1.0, sigma=0.5, tau=5.0)
    sol = nb.simulate(ou, 20000.0, dt=0.05, method="euler", seed=1, x0={"ou.x": 1.0})
    x = sol["ou.x"]
    assert x.mean() == pytest.approx(1.0, abs=0.025)
    assert x.std() == pytest.approx(0.5, rel=0.05)
    lag = int(round(5.0 / 0.05))
    d = x - x.mean()
    rho = np.dot(d[:-lag], d[lag:]) / np.dot(d, d)
    assert rho == pytest.approx(np.exp(-1.0), abs=0.05)
    again = nb.simulate(ou, 20000.0, dt=0.05, method="euler", seed=1, x0={"ou.x": 1.0})
    assert np.array_equal(again["ou.x"], x)               # a seed reproduces the run
