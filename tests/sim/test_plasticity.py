"""STDP and reward-modulated STDP in the compiled kernel.

References: Song, Miller & Abbott 2000 (Nat Neurosci 3:919) for pair-based
STDP with exponential traces, window shape after Bi & Poo 1998 (J Neurosci
18:10464); Izhikevich 2007 (Cereb Cortex 17:2443) for eligibility traces
gated by dopamine.  The analytic window of one pair: A_plus*exp(-s/tau_pre)
for pre s ms before post, -A_minus*exp(-s/tau_post) for post first.
"""
import json
import math

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError

# A "clock" neuron: fires once when phi passes T (then never again), so spike
# times are set exactly by T; V only receives the synapse (no feedback).
CLOCK = nb.BloxType("Clock", "dphi/dt = 1.0\ndV/dt = -V", params={"T": 5.0},
                    spike="phi > T", reset="phi = -1000", kind="neuron")
RULE = dict(tau_pre=20.0, tau_post=15.0, A_plus=0.01, A_minus=0.0105, w_max=1.0)


def pair(t_pre, t_post, rule=None, w=0.5, t_end=40.0, **kw):
    pre = nb.Population(CLOCK, 1, name="pre", T=t_pre)
    post = nb.Population(CLOCK, 1, name="post", T=t_post)
    c = nb.Circuit([pre, post]).connect(pre, post, weight=w, on_pre="V += w",
                                        plasticity=rule or nb.STDP(**RULE))
    sol = nb.simulate(c, t_end, dt=0.1, method="euler", **kw)
    tp = sol.spike_trains("pre")[1]
    tq = sol.spike_trains("post")[1]
    assert tp.size == 1 and tq.size == 1
    return sol, float(tq[0] - tp[0])


@pytest.mark.parametrize("t_pre,t_post", [(5.0, 12.0), (5.0, 30.0), (20.0, 6.0), (9.0, 8.0)])
def test_stdp_pair_matches_exponential_window(t_pre, t_post):
    sol, s = pair(t_pre, t_post)
    want = 0.5 + (RULE["A_plus"] * math.exp(-s / RULE["tau_pre"]) if s >= 0 else
                  -RULE["A_minus"] * math.exp(s / RULE["tau_post"]))
    assert abs(sol.weights["pre->post"][0] - want) < 1e-9
    assert nb.STDP(**RULE).window(s) == pytest.approx(want - 0.5, abs=1e-12)


def test_stdp_clips_at_w_max_and_w_min():
    sol, _ = pair(5.0, 6.0, nb.STDP(A_plus=0.3, A_minus=0.3, w_max=0.6), w=0.5)
    assert sol.weights["pre->post"][0] == 0.6
    sol, _ = pair(6.0, 5.0, nb.STDP(A_plus=0.3, A_minus=0.3, w_min=0.3, w_max=0.6), w=0.5)
    assert sol.weights["pre->post"][0] == 0.3


def test_learn_false_freezes_and_weights_override():
    sol, _ = pair(5.0, 12.0, learn=False)
    assert sol.weights["pre->post"][0] == 0.5
    sol, s = pair(5.0, 12.0, weights={"pre->post": 0.2})
    assert abs(sol.weights["pre->post"][0] - 0.2 - 0.01 * math.exp(-s / 20.0)) < 1e-9


def test_many_pairs_all_to_all_sum():
    """Traces sum over spikes: two pre spikes before one post spike add
    two window terms (all-to-all pairing of Song et al.)."""
    pre = nb.Population(CLOCK, 2, name="pre", T=np.array([3.0, 8.0]))
    post = nb.Population(CLOCK, 1, name="post", T=10.0)
    c = nb.Circuit([pre, post]).connect(pre, post, weight=0.5, on_pre="V += w",
                                        i=[0, 1], j=[0, 0], plasticity=nb.STDP(**RULE))
    sol = nb.simulate(c, 20.0, dt=0.1, method="euler")
    tp = sol.spike_trains("pre")[1]
    tq = sol.spike_trains("post")[1][0]
    want = 0.5 + 0.01 * np.exp(-(tq - tp[np.argsort(sol.spike_trains("pre")[0])]) / 20.0)
    np.testing.assert_allclose(sol.weights["pre->post"], want, atol=1e-12)


def rstdp_pair(reward_at=None, amount=1.0, t_end=60.0, additive=False, **rule):
    r = nb.RSTDP(**{**RULE, "tau_c": 50.0, "tau_d": math.inf, **rule})
    pre = nb.Population(CLOCK, 1, name="pre", T=5.0)
    post = nb.Population(CLOCK, 1, name="post", T=12.0)
    c = nb.Circuit([pre, post]).connect(pre, post, weight=0.5, on_pre="V += w", plasticity=r)
    seen = {}

    def cb(state):
        if reward_at is not None and abs(state.t - reward_at) < 1e-9:
            seen["c"] = float(state.eligibility["pre->post"][0])
            seen["ct"] = state.t
            if additive:
                state.reward(amount)
            else:
                state.set_dopamine(amount)

    sol = nb.simulate(c, t_end, dt=0.1, method="euler", callback=cb, callback_every=10.0,
                      record_weights=True)
    return sol, seen


def test_rstdp_without_reward_does_not_change_weights():
    sol, _ = rstdp_pair()
    assert sol.weights["pre->post"][0] == 0.5


def test_rstdp_reward_after_pairing_scales_with_eligibility():
    sol, seen = rstdp_pair(reward_at=30.0, amount=2.0)
    tp, tq = sol.spike_trains("pre")[1][0], sol.spike_trains("post")[1][0]
    c_at_pair = 0.01 * math.exp(-(tq - tp) / 20.0)
    # eligibility decays from the post spike to the reward (stored lazily)
    c_T = c_at_pair * math.exp(-(30.0 - tq) / 50.0)
    # constant d = 2 from t = 30 to 60: dw = d * c(T) * tau_c * (1 - exp(-30/tau_c))
    want = 0.5 + 2.0 * c_T * 50.0 * (1 - math.exp(-30.0 / 50.0))
    assert abs(sol.weights["pre->post"][0] - want) < 1e-9
    # twice the reward, twice the change; a later reward sees a smaller trace
    sol2, _ = rstdp_pair(reward_at=30.0, amount=4.0)
    assert sol2.weights["pre->post"][0] - 0.5 == pytest.approx(2 * (want - 0.5), rel=1e-12)
    sol3, _ = rstdp_pair(reward_at=50.0, amount=2.0, t_end=80.0)
    want3 = 0.5 + 2.0 * c_at_pair * math.exp(-(50.0 - tq) / 50.0) * 50.0 * (1 - math.exp(-0.6))
    assert abs(sol3.weights["pre->post"][0] - want3) < 1e-9


def test_rstdp_reward_pulse_from_callback_decays_with_tau_d():
    sol, seen = rstdp_pair(reward_at=30.0, amount=2.0, additive=True, tau_d=30.0)
    tp, tq = sol.spike_trains("pre")[1][0], sol.spike_trains("post")[1][0]
    c_T = 0.01 * math.exp(-(tq - tp) / 20.0) * math.exp(-(30.0 - tq) / 50.0)
    assert seen["c"] == pytest.approx(c_T, rel=1e-12)    # the trace at reward time
    k = 1 / 50.0 + 1 / 30.0
    want = 0.5 + 2.0 * c_T / k * (1 - math.exp(-k * 30.0))
    assert abs(sol.weights["pre->post"][0] - want) < 1e-9
    # the weight history (at the callback times) is flat until the reward
    h = sol.weight_history
    assert h["t"] == pytest.approx(np.arange(0.0, 61.0, 10.0))
    assert np.all(h["pre->post"][:4, 0] == 0.5) and h["pre->post"][-1, 0] == sol.weights["pre->post"][0]


def test_rstdp_reward_decays_with_tau_d():
    # d0 = 1 at t = 0 with tau_d = 10: after the pairing d is small but not zero
    r = nb.RSTDP(**RULE, tau_c=50.0, tau_d=10.0, reward=1.0)
    pre = nb.Population(CLOCK, 1, name="pre", T=5.0)
    post = nb.Population(CLOCK, 1, name="post", T=12.0)
    c = nb.Circuit([pre, post]).connect(pre, post, weight=0.5, on_pre="V += w", plasticity=r)
    sol = nb.simulate(c, 200.0, dt=0.1, method="euler")
    tq, tp = sol.spike_trains("post")[1][0], sol.spike_trains("pre")[1][0]
    c0 = 0.01 * math.exp(-(tq - tp) / 20.0)
    k = 1 / 50.0 + 1 / 10.0
    d_tq = math.exp(-tq / 10.0)
    want = 0.5 + c0 * d_tq / k * (1 - math.exp(-k * (200.0 - tq)))
    assert abs(sol.weights["pre->post"][0] - want) < 1e-9


def test_plasticity_serialises_and_to_code():
    pre = nb.Population(CLOCK, 2, name="pre")
    post = nb.Population(CLOCK, 2, name="post")
    c = nb.Circuit([pre, post]).connect(pre, post, weight=0.5, on_pre="V += w", p=0.5,
                                        seed=1, plasticity=nb.RSTDP(tau_d=math.inf),
                                        name="learn")
    d = json.loads(c.to_json())
    c2 = nb.Circuit.from_json(json.dumps(d))
    assert c2.projections[0].plasticity == c.projections[0].plasticity
    assert c2.projections[0].name == "learn"
    ns = {}
    exec(c.to_code("c3").replace("nb.BloxType", "__import__('nbblox').BloxType"), ns)
    assert ns["c3"].projections[0].plasticity == c.projections[0].plasticity


def test_bad_plasticity_input():
    a = nb.Population(CLOCK, 2, name="a")
    b = nb.Population(nb.blox.WilsonCowan, 2, name="b")
    with pytest.raises(CircuitError, match="positive"):
        nb.STDP(tau_pre=-1.0)
    with pytest.raises(CircuitError, match="tau_c"):
        nb.RSTDP(tau_c=0)
    with pytest.raises(CircuitError, match="w_max"):
        nb.STDP(w_min=1.0, w_max=0.5)
    with pytest.raises(CircuitError, match="spiking projection"):
        nb.Circuit([a, b]).connect(a, b, plasticity=nb.STDP())
    with pytest.raises(CircuitError, match="spiking target"):
        c = nb.BloxType("Rate", "dV/dt = -V", kind="neuron")
        pc = nb.Population(c, 2, name="c")
        nb.Circuit([a, pc]).connect(a, pc, on_pre="V += w", plasticity=nb.STDP())
    with pytest.raises(CircuitError, match="nb.STDP"):
        nb.Circuit([a]).connect(a, a, on_pre="V += w", plasticity="stdp")
    c = nb.Circuit([a]).connect(a, a, on_pre="V += w", name="x")
    with pytest.raises(CircuitError, match="already"):
        c.connect(a, a, on_pre="V += w", name="x")


def test_stdp_with_delay_uses_emission_time_and_blox_targets():
    """A synaptic delay delays the effect, not the plasticity; single blox of
    one type share a group, so the rule must find its target inside it."""
    pre = nb.Population(CLOCK, 1, name="pre", T=5.0)
    other = CLOCK(name="other", T=3.0)      # same group as 'post', fires first
    post = CLOCK(name="post", T=12.0)
    c = nb.Circuit([pre, other, post]).connect(pre, post, weight=0.5, delay=2.0,
                                               on_pre="V += w", plasticity=nb.STDP(**RULE))
    sol = nb.simulate(c, 30.0, dt=0.1, method="euler")
    tp = sol.spike_trains("pre")[1][0]
    tq = sol.spike_trains("post")[1][0]
    want = 0.5 + 0.01 * math.exp(-(tq - tp) / 20.0)
    assert abs(sol.weights["pre->post"][0] - want) < 1e-9
    assert sol["post.V"].max() > 0.4              # the delayed effect arrived


def test_bad_plasticity_in_circuit_file():
    pre = nb.Population(CLOCK, 2, name="pre")
    c = nb.Circuit([pre]).connect(pre, pre, on_pre="V += w", plasticity=nb.STDP(), p=0.5,
                                  seed=1)
    d = json.loads(c.to_json())
    for bad, msg in (({"kind": "hebb"}, "kind"), ({"kind": "stdp", "tau_pre": -3}, "positive"),
                     ({"kind": "stdp", "eta": 1}, "unknown plasticity fields")):
        d["projections"][0]["plasticity"] = bad
        with pytest.raises(CircuitError, match=msg):
            nb.Circuit.from_json(json.dumps(d))
