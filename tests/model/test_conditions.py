"""Connection conditions as Brian2 writes them (Brian2 documentation,
'Synapses: creating synapses': S.connect(condition='i != j'),
S.connect(condition='i < 3200', p=0.02) as in its COBA example), evaluated
through an AST whitelist, never eval."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.model.population import connectivity

CELL = nb.BloxType("Cond_LIF", "dv/dt = (-v + ge)/10\ndge/dt = -ge/5", spike="v > 1",
                   reset="v = 0", kind="neuron")


def pairs(proj):
    return set(zip(proj.pre.tolist(), proj.post.tolist()))


def test_condition_alone_keeps_exactly_the_pairs_that_satisfy_it():
    pop = nb.Population(CELL, n=30, name="pop")
    c = nb.Circuit([pop]).connect(pop, pop, on_pre="ge += w",
                                  condition="abs(i - j) <= 2 and i != j")
    want = {(a, b) for a in range(30) for b in range(30) if abs(a - b) <= 2 and a != b}
    assert pairs(c.projections[0]) == want
    ring = nb.Circuit([pop]).connect(pop, pop, on_pre="ge += w", condition="j == (i + 1) % N_post")
    assert pairs(ring.projections[0]) == {(a, (a + 1) % 30) for a in range(30)}


def test_condition_with_p_as_brian2_coba():
    """Each pair satisfying the condition is kept with probability p: exactly the
    Bernoulli(p) draw over all pairs, restricted to the condition."""
    pop = nb.Population(CELL, n=400, name="pop")
    c = nb.Circuit([pop]).connect(pop, pop, on_pre="ge += w", condition="i < 320", p=0.05,
                                  seed=3)
    proj = c.projections[0]
    assert proj.pre.max() < 320
    pre, post, _ = connectivity(400, 400, p=0.05, seed=3)
    assert pairs(proj) == {(a, b) for a, b in zip(pre.tolist(), post.tolist()) if a < 320}
    # 320 x 400 pairs at p = 0.05: 6400 expected, sd 78; 5 sd
    assert abs(proj.size - 6400) < 5 * 78
    # the circuit file keeps the rule and rebuilds the same synapses
    back = nb.Circuit.from_json(c.to_json())
    assert back.projections[0].rule["condition"] == "i < 320"
    assert pairs(back.projections[0]) == pairs(proj)
    assert "condition='i < 320'" in c.to_code()


@pytest.mark.parametrize("text, refused", [
    ("__import__('os').system('true')", "calls may only be"),
    ("i.__class__", "not allowed"),
    ("(lambda: 1)()", "calls may only be"),
    ("k < 3", "'k' is not allowed"),
    ("i < 'a'", "is not a number"),
    ("[i][0] < 3", "not allowed"),
    ("i <", "not an expression"),
])
def test_unsafe_or_unknown_text_is_refused_by_name(text, refused):
    pop = nb.Population(CELL, n=5, name="pop")
    with pytest.raises(nb.CircuitError, match=refused):
        nb.Circuit([pop]).connect(pop, pop, on_pre="ge += w", condition=text)


def test_a_number_is_not_a_condition():
    pop = nb.Population(CELL, n=5, name="pop")
    with pytest.raises(nb.CircuitError, match="must be a comparison"):
        nb.Circuit([pop]).connect(pop, pop, on_pre="ge += w", condition="i + j")
