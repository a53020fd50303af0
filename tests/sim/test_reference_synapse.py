"""The NumPy reference backend on a conductance synapse whose output reads an
input (AMPA's ``I = -g r (V_post - E)``, ``V_post`` fed by the postsynaptic
neuron).

The reference backend used to evaluate every output with the inputs at 0, so
a correctly wired AMPA synapse gave zero current under ``backend="numpy"``
(``E = 0``: the driving force was ``0 - 0``) while numba transmitted.  It now
evaluates outputs in passes (inputs summed from the previous pass).

Tolerance of the backend comparison: 0.5 mV was set when the generated numba
kernels read ``V_post`` one stage late (0.16 mV at dt = 0.01 ms); they now
evaluate outputs in passes too and agree to 1e-13 mV (the tight check is
tests/compile/test_output_passes.py).  The old reference was ~100 mV off (no
postsynaptic spike at all).
"""
import numpy as np

import nbblox as nb


def ampa_circuit():
    pre = nb.blox.HodgkinHuxley(name="pre", I=10.0)
    post = nb.blox.HodgkinHuxley(name="post")
    syn = nb.blox.AMPA(name="syn")
    c = nb.Circuit([pre, post, syn])
    c.connect(pre, syn).connect(syn, post)       # V_pre, I -> I_syn, and V_post back
    assert any(k.input == "V_post" for k in c.connections)
    return c


def test_reference_rhs_sees_the_postsynaptic_voltage():
    """dV_post/dt changes by -g r (V_post - E) / C when the gate r opens."""
    s = nb.compile(ampa_circuit(), backend="numpy")
    x = np.array(s.x0, dtype=float)
    v = x[s.state_index("post.V")]
    assert v != 0.0
    closed = s.rhs(x)[s.state_index("post.V")]
    x[s.state_index("syn.r")] = 0.5
    opened = s.rhs(x)[s.state_index("post.V")]
    g, E, C = 0.1, 0.0, 1.0                      # AMPA and HodgkinHuxley defaults
    assert s.params["syn.g"] == g and s.params["syn.E"] == E and s.params["post.C"] == C
    assert np.isclose(opened - closed, -g * 0.5 * (v - E) / C, rtol=1e-12)


def test_ampa_synapse_numpy_matches_numba():
    c = ampa_circuit()
    a = nb.simulate(c, 30.0, dt=0.01, method="rk4", backend="numba")
    b = nb.simulate(c, 30.0, dt=0.01, method="rk4", backend="numpy")
    va, vb = np.asarray(a["post.V"]), np.asarray(b["post.V"])
    assert va.max() > 0.0 and vb.max() > 0.0     # the postsynaptic neuron fires in both
    assert np.max(np.abs(va - vb)) < 0.5
    assert np.max(np.abs(np.asarray(a["syn.r"]) - np.asarray(b["syn.r"]))) < 0.05
