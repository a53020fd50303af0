"""The cited column (Wilson & Cowan 1972) built once, placed in four regions of
TVB's connectome, simulated, saved to JSON and rebuilt with identical results,
and compiled to the same kernel as the circuit written out by hand."""
import numpy as np

import nbblox as nb
from bench.bench_composite import hand_flattened
from nbblox.examples.columns import VISUAL_STREAM, visual_stream


def test_four_region_brain_of_columns_round_trips_and_matches_the_hand_flattened_one(tmp_path):
    brain = visual_stream()
    assert sorted(brain.composites) == sorted(VISUAL_STREAM)
    # inter-regional connections go from each column's E to the targets' E (ports),
    # delayed by tract length / 3 mm/ms
    k = next(k for k in brain.connections if k.src == "rV1.E" and k.dst == "rV2.E")
    assert k.delay > 0 and k.output == "A" and k.input == "I_syn"
    run = dict(t_end=400.0, dt=0.1, params={"rV1.tau": 8.0, "type:WilsonCowanPopulation.r": 1.0})
    s = nb.compile(brain)
    sol = nb.simulate(s, run["t_end"], dt=run["dt"], params=run["params"])
    E = sol["**.E.A"]
    assert E.shape == (4, sol.t.size) and np.all(np.isfinite(E))
    assert np.ptp(E[:, sol.t > 200], axis=1).min() > 0.05      # every column oscillates

    path = tmp_path / "brain.json"
    brain.to_json(str(path))
    back = nb.Circuit.from_json(path.read_text())
    assert back == brain
    again = nb.simulate(back, run["t_end"], dt=run["dt"], params=run["params"])
    np.testing.assert_array_equal(again.values, sol.values)
    assert again.names == sol.names

    ns = {}
    exec(brain.to_code("rebuilt"), ns)
    assert ns["rebuilt"] == brain and ns["rebuilt"].to_code().count("def make_") == 1

    hand = nb.compile(hand_flattened(VISUAL_STREAM))
    assert hand._k is s._k                                       # one compiled kernel
    ref = nb.simulate(hand, run["t_end"], dt=run["dt"],
                      params={"rV1_E.tau": 8.0, "rV1_I.tau": 8.0})
    np.testing.assert_array_equal(ref.values, sol.values)
