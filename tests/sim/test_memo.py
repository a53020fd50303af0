"""nbblox.sim.memo: a second caller asking for a seeded run this process
still holds (a lesson's exercise checker asking for the lesson's run) gets
that run -- and only if simulating again would start from the same numbers --
and nbblox.model.connectivity's shared Bernoulli draws (the same arguments give
the same synapses: numpy's Generator is deterministic for a seed)."""
import gc

import numpy as np
import pytest

import nbblox as nb
from nbblox.examples.rhythms import inhibitory_network
from nbblox.model import connectivity
from nbblox.sim.memo import recall, simulate_once

RUN = {"dt": 0.1, "method": "euler", "seed": 3, "record": []}


def small(**kw):
    return inhibitory_network(n=200, C=40, **kw)


@pytest.fixture()
def run():
    system = nb.compile(small())
    return system, nb.simulate(system, 100.0, **RUN)


def test_an_equal_circuit_built_again_gets_the_run_and_it_is_the_run_it_would_make(run):
    system, sol = run
    again = simulate_once(small(), 100.0, **RUN)
    assert again is sol
    fresh = nb.simulate(nb.compile(small()), 100.0, **RUN)     # what it saved
    assert fresh.spikes["time"].size > 100
    for k in ("index", "time"):
        np.testing.assert_array_equal(fresh.spikes[k], sol.spikes[k])
    assert simulate_once(system, 100.0, **RUN) is sol             # the System itself too


@pytest.mark.parametrize("change", [
    {"seed": 4}, {"dt": 0.05}, {"t_end": 90.0}, {"method": "heun"}, {"record": ["net.V"]},
    {"params": {"net.mu_ext": 24.0}}, {"weights": {"net->net": 0.0}}, {"stride": 2},
    {"fastmath": True}, {"t0": 10.0}])
def test_any_other_run_is_not_recalled(run, change):
    kw = dict(RUN, t_end=100.0)
    kw.update(change)
    t_end = kw.pop("t_end")
    assert recall(small(), t_end, **kw) is None


@pytest.mark.parametrize("circuit", [lambda: small(J=0.2), lambda: small(seed=2),
                                     lambda: small(delay=1.0), lambda: small(mu_ext=24.0)])
def test_another_circuit_is_not_recalled(run, circuit):
    assert recall(circuit(), 100.0, **RUN) is None


def test_a_system_changed_in_place_is_not_taken_for_its_circuit():
    system = nb.compile(small())
    sol = nb.simulate(system, 100.0, **RUN)
    system.synapse_weights[:] = 0.0          # runtime weights: not what the circuit says
    changed = nb.simulate(system, 100.0, **RUN)
    assert changed.spikes["time"].size != sol.spikes["time"].size
    assert recall(small(), 100.0, **RUN) is sol          # the earlier run still is
    del sol
    gc.collect()
    assert recall(small(), 100.0, **RUN) is None          # the changed run is not
    assert recall(system, 100.0, **RUN) is None           # not even for its own System


def test_unseeded_dropped_and_callback_runs_are_not_recalled():
    fhn = nb.Circuit([nb.blox.FitzHughNagumo(name="f", I=0.5)], name="one")
    kept = nb.simulate(fhn, 20.0, dt=0.1, method="euler")   # no noise, no seed given
    assert kept.info["seed"] is None and recall(fhn, 20.0, dt=0.1, method="euler",
                                                seed=0) is None
    system = nb.compile(small())
    nb.simulate(system, 50.0, **RUN)          # not kept by anyone
    gc.collect()
    assert recall(small(), 50.0, **RUN) is None
    kept = nb.simulate(system, 50.0, callback=lambda s: None, callback_every=10.0, **RUN)
    assert kept.t.size and recall(small(), 50.0, **RUN) is None


def test_equal_draws_are_shared_read_only_while_a_projection_holds_them():
    a, b = small(), small(delay=4.0)
    pa, pb = a.projections[0], b.projections[0]
    assert pa.pre is pb.pre and pa.post is pb.post
    assert not pa.pre.flags.writeable and not pa.post.flags.writeable
    pre, post = connectivity._bernoulli(200, 200, 0.2, np.random.default_rng(1))  # fresh
    np.testing.assert_array_equal(pa.pre, pre)
    np.testing.assert_array_equal(pa.post, post)
    with pytest.raises(ValueError):
        pa.post[0] = 1
    assert small(seed=2).projections[0].pre.size != pa.pre.size or \
        not np.array_equal(small(seed=2).projections[0].post, pa.post)
    key = (200, 200, 0.2, 1, "pre")
    del a, b, pa, pb
    gc.collect()
    assert key not in connectivity._draws           # weak: nothing kept alive
