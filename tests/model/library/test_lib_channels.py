"""ConductanceNeuron: channels composed into a soma (NeuronBuilder style)."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.model.library import channels as ch


def test_stg_neuron_bursts(lib):
    # Prinz, Bucher & Marder 2004 (doi:10.1038/nn1352) AB/PD model 1 (Liu et al. 1998
    # kinetics as in Prinz et al. 2003): the isolated model neuron bursts.  Asserted: bursts
    # of >= 5 spikes separated by silent phases, inter-burst interval 0.5-2 s (read from this
    # model: ~1.1 s with 10-14 spikes per burst).
    STG = nb.blox.ConductanceNeuron(preset="stg_burster")
    sol = nb.simulate(STG(name="n"), 4500.0, dt=0.025, stride=4)
    bs = lib.bursts(lib.crossings(sol, "n.V", -20.0, t_min=1000.0), gap=100.0)
    full = bs[1:-1] if len(bs) > 2 else bs
    assert len(bs) >= 3
    assert all(len(b) >= 5 for b in full)
    ibi = np.diff([b[0] for b in bs])
    assert np.all((500.0 < ibi) & (ibi < 2000.0))


def test_channels_compose_like_hodgkin_huxley():
    # A user-written channel (alpha/beta form) joins library ones; a neuron with NaV, Kdr and
    # Leak but no calcium has no Ca state, and at rest the total current is zero.
    kir = ch.Channel("Kir", "g*r*(V - E)",
                     equations="r_inf = 1/(1 + exp((V + 80)/10))\ndr/dt = (r_inf - r)/5",
                     params={"g": (0.5, (0, 2), "mS/cm^2", "conductance"), "E": -90.0})
    T = nb.blox.ConductanceNeuron([ch.NaV, "Kdr", kir, "Leak"], name="Cell", g_Leak=0.3)
    assert T.states == ("V", "m_NaV", "h_NaV", "m_Kdr", "r_Kir")
    assert T.params["g_Leak"].default == 0.3 and "g_Kir" in T.params
    s = nb.compile(T(name="c"))
    sol = nb.simulate(s, 500.0, dt=0.025)
    x = sol.final_state
    assert np.abs(s.rhs(x)).max() < 1e-3          # settled at a rest state
    sol = nb.simulate(s, 300.0, dt=0.025, params={"c.I": 20.0})
    assert sol["c.V"].max() > 0.0                # and it fires when driven


def test_bad_channel_lists_and_parameters():
    with pytest.raises(nb.ParameterError, match="no leak channel"):
        nb.blox.ConductanceNeuron(["NaV", "Kdr"])
    with pytest.raises(nb.ParameterError, match="'C'"):
        nb.blox.ConductanceNeuron(["NaV", "Leak"], C=None)
    with pytest.raises(nb.ParameterError, match=r"parameter 'C'.*physical range"):
        nb.blox.ConductanceNeuron(["NaV", "Leak"], C=-1.0)
    with pytest.raises(nb.ParameterError, match=r"'g_NaV'.*physical range"):
        nb.blox.ConductanceNeuron(["NaV", "Leak"], g_NaV=-5.0)
    with pytest.raises(nb.ParameterError, match="valid presets: stg_burster"):
        nb.blox.ConductanceNeuron(preset="lobster")
    with pytest.raises(nb.ParameterError, match="Did you mean 'Kdr'"):
        nb.blox.ConductanceNeuron(["Kd", "Leak"])
    with pytest.raises(nb.ParameterError, match="listed twice"):
        nb.blox.ConductanceNeuron(["Leak", "Leak"])
    STG = nb.blox.ConductanceNeuron(preset="stg_burster")
    with pytest.raises(nb.ParameterError, match="g_KCa"):
        STG(name="n", g_KCa=-1.0)
    with pytest.raises(nb.EquationError, match="belong to the soma"):
        nb.blox.ConductanceNeuron([ch.Channel("Bad", "g*(V - E)", equations="Ca = 1",
                                              params={"g": 1.0, "E": 0.0}), "Leak"])


def test_catalog_rows_and_cards():
    rows = nb.blox.catalog()
    names = {r["name"] for r in rows}
    expected = {"HodgkinHuxley", "MorrisLecar", "FitzHughNagumo", "HindmarshRose",
                "Izhikevich", "LIF", "QIF", "ExpIF", "AdEx", "WangBuzsaki",
                "ConductanceNeuron", "WilsonCowan", "JansenRit", "LarterBreakspear",
                "MontbrioPazoRoxin", "WongWang", "StuartLandau", "Kuramoto",
                "CanonicalMicroCircuit", "Generic2dOscillator", "Epileptor",
                "BalloonWindkessel", "LFP"}
    assert expected <= names
    for r in rows:
        assert r["source"] and r["kind"] in {"neuron", "neural_mass", "synapse", "input",
                                             "observer"}
    for name in nb.blox.CATALOG:
        md = nb.blox.describe(name)._repr_markdown_()
        assert "$$" in md and "| parameter |" in md or not nb.blox.CATALOG[name].params
    assert {r["name"] for r in nb.blox.catalog(kind="synapse")} >= {"AMPA", "NMDA", "GABAA"}
    with pytest.raises(nb.ParameterError, match="Did you mean 'JansenRit'"):
        nb.blox.describe("JansenRitt")


def test_izhikevich_presets_and_errors():
    iz = nb.blox.Izhikevich(name="iz", preset="chattering")
    assert (iz.params["c"], iz.params["d"]) == (-50.0, 2.0)
    with pytest.raises(nb.ParameterError, match="valid presets: chattering, fast_spiking"):
        nb.blox.Izhikevich(name="iz", preset="bursting")


def test_gates_start_at_their_steady_state_for_the_initial_voltage():
    """As NeuronBuilder.jl does: every gate given as (x_inf, tau) starts at x_inf(V0)
    (here checked by the gating derivative being exactly zero at t = 0, and against
    the Liu et al. 1998 NaV activation 1/(1 + exp((V + 25.5)/-5.29)) computed by hand)."""
    T = nb.blox.ConductanceNeuron(preset="stg_burster", V0=-55.0)
    assert T.init["V"] == -55.0
    assert T.init["m_NaV"] == pytest.approx(1 / (1 + np.exp((-55.0 + 25.5) / -5.29)))
    s = nb.compile(T(name="n"))
    f = s.rhs(s.x0, 0.0, s.param_vector({}))
    gates = [k for k, n in enumerate(s.state_names) if n.split(".")[1] not in ("V", "Ca")]
    np.testing.assert_allclose(f[gates], 0.0, atol=1e-15)
    raw = nb.blox.ConductanceNeuron(preset="stg_burster", steady_gates=False)
    assert raw.init["m_NaV"] == 0.0 and raw.init["h_NaV"] == 1.0     # the channels' init
