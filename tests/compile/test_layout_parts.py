"""nbblox.compile.layout: a Layout is four named parts built with keywords and
never changed after construction (issue 22 item 2)."""
import dataclasses

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.layout import (Coupling, Group, Layout, Plasticity, SpikeRule, States,
                                   Synapses, build_layout)

PARTS = (Group, SpikeRule, States, Coupling, Synapses, Plasticity, Layout)


@pytest.mark.parametrize("cls", PARTS, ids=lambda c: c.__name__)
def test_parts_take_keywords_only_and_are_frozen(cls):
    params = dataclasses.fields(cls)
    assert params and all(f.kw_only for f in params)
    with pytest.raises(TypeError):
        cls(*range(len(params)))             # positional construction is refused
    assert cls.__dataclass_params__.frozen


def _stdp_net():
    cell = nb.BloxType("lif_parts", "dV/dt = (I - V)/10", params={"I": 1.5},
                       spike="V > 1", reset="V = 0", kind="neuron")
    pre = nb.Population(cell, n=4, name="pre")
    post = nb.Population(cell, n=3, name="post")
    c = nb.Circuit([pre, post, nb.blox.WilsonCowan(name="wc")])
    c.connect(pre, post, weight=0.2, on_pre="V += w", p=1.0, seed=1, plasticity=nb.STDP())
    return c


def test_build_layout_fills_every_part_at_construction():
    L = build_layout(_stdp_net())
    rule = L.rules[0]
    # what was set on the objects after construction before: spike ids, plasticity slots
    assert [g.soff for g in L.groups if g.btype.spike_text] == [0, 4]
    assert [g.soff for g in L.groups if not g.btype.spike_text] == [-1]
    assert (rule.plastic, rule.pl, rule.tr_pre, rule.tr_post, rule.rev_off) == \
        ("stdp", 0, 0, 4, 0)
    assert L.n_spiking == 7 and L.n_traces == 7 and L.pl_par0.shape == (1, 8)
    np.testing.assert_array_equal(L.rev_ptr, [0, 4, 8, 12])   # 4 synapses onto each post
    assert L.syn_ptr is L.synapses.syn_ptr and L.x0 is L.states.x0   # forwarded fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        L.groups[0].soff = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.plastic = ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        L.states = None
