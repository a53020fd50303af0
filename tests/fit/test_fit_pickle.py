"""Fit results pickle and deep-copy whole: a FitResult (with its Solution and System)
and a Posterior (chains and the model that made them)."""
import copy
import sys
from pathlib import Path

import numpy as np

import nbblox as nb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickled import assert_same, round_trip  # noqa: E402


def test_a_least_squares_fit_round_trips():
    """FitzHugh-Nagumo (FitzHugh 1961) fitted to its own trace: a = 0.8 recovered."""
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))
    data = nb.simulate(s, 40.0, dt=0.05, params={"fhn.a": 0.8}, record=["fhn.V"])
    res = nb.fit(s, data, {"fhn.a": (0.3, 1.2)}, dt=0.05)
    for back in (round_trip(res), copy.deepcopy(res)):
        assert_same(res, back)
        assert back.params == res.params


def test_a_posterior_round_trips():
    """A straight line x = k t with Gaussian noise (the model of the fit docs)."""
    b = nb.Blox.from_equations("dx/dt = k", params={"k": 1.0}, name="line")
    t = np.linspace(0, 1, 6)
    post = nb.posterior(b, {"line.x": 2 * t}, {"line.k": (0, 5)}, t=t, noise=0.1,
                        dt=0.1, walkers=4, steps=20, seed=1)
    for back in (round_trip(post), copy.deepcopy(post)):
        assert_same(post, back)
        assert back.summary().equals(post.summary())
