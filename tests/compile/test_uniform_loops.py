"""The uniform copy of a group's loops (nbblox.compile.uniform, issue 17 W3): a
population whose parameters are all equal reads them as scalars, any other
reads its columns, decided per kernel call; both copies give the same bits.

The LIF neuron is the conductance-based one of the COBA benchmark (Brette et al.
2007, J Comput Neurosci 23:349, benchmark 1; Vogels & Abbott 2005), scaled down.
"""
import numpy as np

import nbblox as nb
from nbblox.compile import uniform
from nbblox.compile.codegen import generate_source
from nbblox.compile.jit import uniform_col

LIF = nb.BloxType(
    "COBA_LIF_uniform", """
    dV/dt = (ge*(Ee - V) + gi*(Ei - V) - (V - El) + I)/taum
    dge/dt = -ge/taue
    dgi/dt = -gi/taui
    """,
    params={"El": -60.0, "Ee": 0.0, "Ei": -80.0, "I": 20.0, "taum": 20.0, "taue": 5.0,
            "taui": 10.0, "Vt": -50.0, "Vr": -60.0},
    spike="V > Vt", reset="V = Vr", refractory=5.0, init={"V": -60.0}, kind="neuron")


def _coba(**pop):
    V0 = -60.0 + 10.0 * np.random.default_rng(1).random(100)
    P = nb.Population(LIF, n=100, name="P", init={"V": V0}, **pop)
    c = nb.Circuit([P])
    c.connect(P, P, weight=0.6, on_pre="ge += w", p=0.1, seed=2)
    return c


def test_uniform_col_compares_bits():
    assert uniform_col(np.array([9.0, 1.5, 1.5, 1.5]), 1, 3)
    assert not uniform_col(np.array([1.5, 1.5, 2.0]), 0, 3)
    assert not uniform_col(np.array([0.0, 0.0, -0.0]), 0, 3)    # 1/x tells them apart
    assert not uniform_col(np.array([np.nan, 1.0]), 0, 2)
    assert uniform_col(np.array([np.nan, np.nan]), 0, 2)        # the same bits: same results


def test_both_copies_give_the_same_bits():
    """-0.0 for one neuron's Ee makes its column non-uniform (the column loop runs)
    while every result stays the same: (-0.0 - V) == (0.0 - V) for V != 0."""
    s = nb.compile(_coba())
    src = generate_source(s.layout)
    assert "if uni0_0:" in src and "uniform_col(p, " in src   # the copy is there
    a = nb.simulate(s, 200.0, dt=0.1, method="euler", record=["P.V", "P.ge"])
    b = nb.simulate(s, 200.0, dt=0.1, method="euler", record=["P.V", "P.ge"],
                    params={"P[7].Ee": -0.0})
    assert a.spikes["index"].size > 50
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.spikes["index"], b.spikes["index"])


def test_a_per_neuron_parameter_is_read_per_neuron():
    """Drive I per neuron (columns) against three uniform populations, one per
    drive: neuron k of the first run is, bit for bit, a neuron of the second."""
    drives = np.array([15.0, 20.0, 25.0])
    mixed = nb.Population(LIF, n=30, name="M", I=np.repeat(drives, 10),
                          init={"V": np.tile(np.linspace(-60.0, -52.0, 10), 3)})
    one = nb.simulate(mixed, 100.0, dt=0.1, method="euler", record=["M.V"])
    for k, d in enumerate(drives):
        P = nb.Population(LIF, n=30, name="M", I=d,
                          init={"V": np.tile(np.linspace(-60.0, -52.0, 10), 3)})
        sol = nb.simulate(P, 100.0, dt=0.1, method="euler", record=["M.V"])
        np.testing.assert_array_equal(one["M.V"][10 * k:10 * k + 10], sol["M.V"][:10])
    assert not np.array_equal(one["M.V"][0], one["M.V"][29])


def test_plain_ode_loops_get_the_copy_too():
    """run_<m> of a population without spikes: FitzHugh-Nagumo (no call in its
    loop) with per-instance I against uniform runs, in Euler and RK4."""
    fhn = nb.blox.FitzHughNagumo(name="f").type
    Is = np.linspace(0.0, 1.0, 20)
    src = generate_source(nb.compile(nb.Population(fhn, n=20, name="F")).layout)
    assert src.count("uniform_col(p, ") > 0
    for m in ("euler", "rk4"):
        col = nb.simulate(nb.Population(fhn, n=20, name="F", I=Is), 50.0, dt=0.05, method=m)
        for k in (0, 13):
            uni = nb.simulate(nb.Population(fhn, n=20, name="F", I=Is[k]), 50.0, dt=0.05,
                              method=m)
            np.testing.assert_array_equal(col[f"F[{k}].V"], uni["F[0].V"])


def test_no_copy_where_calls_dominate_or_groups_are_small():
    """A Hodgkin-Huxley population (exp in every loop) and a population of 8
    keep one loop each: the copy would cost compile time for nothing."""
    hh = nb.blox.HodgkinHuxley(name="h").type
    assert "uniform_col(p, " not in generate_source(
        nb.compile(nb.Population(hh, n=100, name="H")).layout)
    small = nb.compile(nb.Population(LIF, n=uniform.MIN_INSTANCES // 2, name="S")).layout
    assert "uniform_col(p, " not in generate_source(small)
