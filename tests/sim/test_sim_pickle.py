"""Simulation results pickle and deep-copy whole: a Solution (states, spikes, recorded
weights, its System) and a sweep's Dataset, for parallel loops and saved sessions."""
import copy
import sys
from pathlib import Path

import numpy as np

import nbblox as nb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickled import assert_same, round_trip  # noqa: E402


def plastic_pair():
    """Two leaky integrate-and-fire populations (Lapicque 1907, the catalog's LIF) with a
    plastic projection (pair-based STDP, Song, Miller & Abbott 2000)."""
    drive = nb.Population(nb.blox.LIF, 6, name="drive", I=np.linspace(2.5, 4.0, 6))
    out = nb.Population(nb.blox.LIF, 3, name="out", I=1.5)
    c = nb.Circuit([drive, out], name="plastic")
    c.connect(drive, out, weight=1.0, on_pre="V += w", p=0.8, seed=4, delay=1.0,
              plasticity=nb.STDP(A_plus=0.05, tau_pre=20.0, w_max=5.0))
    return c


def test_a_solution_with_spikes_and_weights_round_trips():
    sol = nb.simulate(plastic_pair(), 200.0, dt=0.1, record_weights=20.0, method="euler")
    assert sol.spike_trains("out")[1].size > 0 and sol.weight_history
    for back in (round_trip(sol), copy.deepcopy(sol)):
        assert_same(sol, back)
        idx, t = back.spike_trains("out")
        assert np.array_equal(t, sol.spike_trains("out")[1]) and np.array_equal(
            idx, sol.spike_trains("out")[0])
    back.system.params["out.I"] = 0.0         # the copy's system is its own
    assert np.all(sol.system.params["out.I"] == 1.5)


def test_a_sweep_dataset_round_trips():
    fhn = nb.blox.FitzHughNagumo(name="fhn")
    res = nb.sweep(fhn, {"fhn.I": [0.0, 0.5, 1.0]}, t_end=50.0, dt=0.05, measure=["max", "mean"])
    back = round_trip(res)
    assert_same(res, back)          # values, coordinates and attributes
    assert back["max"].sel(variable="fhn.V").values.tolist() == \
        res["max"].sel(variable="fhn.V").values.tolist()
