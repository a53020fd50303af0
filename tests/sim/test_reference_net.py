"""The NumPy reference backend on noise, delays and spikes, checked against
the generated numba ``run_<method>_full`` kernels (each is the other's oracle).

Tolerances: both backends draw the same noise deviates bit for bit
(test_normals_are_the_kernels_deviates) and take the same steps, but the
drift is evaluated through differently ordered float expressions (the
kernel's CSE'd print vs ``lambdify``), so results differ by rounding: a few
1e-16 per step, grown to ~1e-14 over 10^4 steps.  1e-12 leaves room for
that and is far below any real discrepancy (a wrong stage time, a
misplaced noise term or a delay off by one step is >= 1e-4 here).  Spike
trains must be identical; Izhikevich states get 1e-10 (its V**2 near the
threshold amplifies rounding to ~5e-10 mV on |V| ~ 70 mV).
"""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.schemes import select
from nbblox.compile.jit import gauss, urand
from nbblox.exceptions import SimulationError
from nbblox.sim.reference_rng import normals, uniforms

FHN = nb.BloxType("FHNnoisyRef", """
    dV/dt = V - V**3/3 - w + I + sigma*xi
    dw/dt = eps*(V + a - b*w) + sigma2*w*xi
    """, params={"I": 0.5, "eps": 0.08, "a": 0.7, "b": 0.8, "sigma": 0.3, "sigma2": 0.1},
    init={"V": -1.0, "w": 1.0})
NODE = nb.BloxType("IntegratorRef", "dx/dt = I_syn", init={"x": 1.0})
NOISY = nb.BloxType("NoisyNodeRef", "dx/dt = -x + I_syn + s*xi", params={"s": 0.5},
                    init={"x": 1.0})


def both(model, *args, **kw):
    a = nb.simulate(model, *args, backend="numba", **kw)
    b = nb.simulate(model, *args, backend="numpy", **kw)
    assert b.info["backend"] == "numpy" and a.info["backend"] == "numba"
    assert np.array_equal(a.t, b.t) and a.names == b.names
    return a, b


def rel(a, b):
    return np.max(np.abs(a.values - b.values)) / np.max(np.abs(a.values))


def test_normals_are_the_kernels_deviates():
    c = np.arange(20000)
    ref = np.array([gauss(123456789, int(k)) for k in c])
    assert np.array_equal(normals(123456789, c), ref)
    assert np.array_equal(uniforms(99, c[:500]), [urand(99, int(k)) for k in c[:500]])


@pytest.mark.parametrize("method", select(noise=True))
def test_noisy_fitzhugh_nagumo_matches_numba(method):
    """Additive noise on V, multiplicative (Ito vs Stratonovich) on w."""
    c = nb.Circuit([nb.Population(FHN, n=3, name="f")])
    a, b = both(c, 50.0, dt=0.01, method=method, seed=5)
    assert rel(a, b) < 1e-12
    assert a.info["seed"] == b.info["seed"] == 5
    # the noise matters: another seed moves the run far beyond the tolerance
    other = nb.simulate(c, 50.0, dt=0.01, method=method, seed=6, backend="numpy")
    assert np.max(np.abs(other.values - b.values)) > 1e-2


def test_numpy_noise_is_reproducible_and_independent_of_recording():
    c = nb.Circuit([nb.Population(FHN, n=2, name="f")])
    a = nb.simulate(c, 5.0, dt=0.01, method="em", seed=2, backend="numpy")
    b = nb.simulate(c, 5.0, dt=0.01, method="em", seed=2, backend="numpy", stride=10,
                    record=["f.V"])
    assert np.array_equal(a["f.V"][:, ::10], b["f.V"])


def _loop(a, tau):
    n1, n2 = NODE(name="n1"), NODE(name="n2", init={"x": 0.5})
    return nb.Circuit([n1, n2]).connect(n1, n2, weight=-a, delay=tau).connect(
        n2, n1, weight=-a, delay=tau)


@pytest.mark.parametrize("method", select(exponential=False))
@pytest.mark.parametrize("tau", [1.0, 1.23])   # whole steps, and interpolated history
def test_delayed_loop_matches_numba(method, tau):
    """x1' = -a x2(t - tau), x2' = -a x1(t - tau) at the Hopf point a = pi/(2 tau):
    a sustained oscillation, so every history read shows in the result."""
    a, b = both(_loop(np.pi / (2 * tau), tau), 20.0, dt=0.01, method=method)
    assert rel(a, b) < 1e-12
    assert np.ptp(b["n1.x"]) > 1.0


def test_delayed_wilson_cowan_pair_matches_numba():
    bs = [nb.blox.WilsonCowan(name=f"n{i}") for i in range(2)]
    c = nb.Circuit.from_adjacency(bs, np.array([[0, 1.5], [-1.0, 0]]),
                                  delays=np.array([[0, 3.0], [2.37, 0]]))
    for method in select(exponential=False):
        a, b = both(c, 60.0, dt=0.05, method=method)
        assert rel(a, b) < 1e-12
    # and the delays are really applied: without them the run is elsewhere
    c0 = nb.Circuit.from_adjacency(bs, np.array([[0, 1.5], [-1.0, 0]]))
    c0_sol = nb.simulate(c0, 60.0, dt=0.05, method="rk4", backend="numpy")
    assert np.max(np.abs(c0_sol.values - b.values)) > 1e-4


def test_delay_is_exact_in_a_feedforward_chain_on_numpy():
    """A ramp delayed by 5 ms arrives as the ramp 5 ms earlier (history before
    t0 is the initial output: x(0) = 1, so the input is 1 until t = 5)."""
    r = nb.BloxType("RampRef", "dy/dt = 1", init={"y": 1.0})(name="r")
    n = NODE(name="n", init={"x": 0.0})
    c = nb.Circuit([r, n]).connect(r, n, weight=1.0, delay=5.0)
    sol = nb.simulate(c, 10.0, dt=0.01, method="heun", backend="numpy")
    t = sol.t
    expect = np.where(t <= 5.0, t, 5.0 + (t - 5.0) + (t - 5.0) ** 2 / 2)
    assert np.max(np.abs(sol["n.x"] - expect)) < 1e-9


@pytest.mark.parametrize("method", select(noise=True))
def test_noise_and_delays_together_match_numba(method):
    n1, n2 = NOISY(name="a"), NOISY(name="b")
    c = nb.Circuit([n1, n2]).connect(n1, n2, weight=-0.8, delay=1.25).connect(
        n2, n1, weight=0.6, delay=0.7)
    a, b = both(c, 50.0, dt=0.1, method=method, seed=3)
    assert rel(a, b) < 1e-12


LIF = nb.BloxType("LIFgeRef", """
    dV/dt = (El - V + RI + ge*(Ee - V))/tau
    dge/dt = -ge/taue
    """, params={"El": -60.0, "RI": 15.0, "tau": 10.0, "taue": 5.0, "Vt": -50.0, "Vr": -60.0,
                 "Ee": 0.0},
    spike="V > Vt", reset="V = Vr", refractory=2.0, init={"V": -60.0})
IZH = nb.BloxType("IzhRefr", """
    dV/dt = 0.04*V**2 + 5*V + 140 - u + I + I_syn + s*xi
    du/dt = a*(b*V - u)
    """, params={"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0, "I": 10.0, "s": 2.0},
    init={"V": -65.0, "u": -13.0}, spike="V >= 30", reset="V = c; u += d", refractory=1.0)


def same_spikes(a, b):
    assert a.spikes["time"].size > 0
    for key in ("time", "index", "blox"):
        assert np.array_equal(a.spikes[key], b.spikes[key]), key


def _lif_network():
    """50 LIF neurons: a delayed conductance projection (p=0.2), an
    immediate voltage jump (p=0.1) and one with per-synapse delays, some 0."""
    rng = np.random.default_rng(0)
    pop = nb.Population(LIF, n=50, name="pop", RI=rng.uniform(8, 14, 50),
                        init={"V": rng.uniform(-60, -50, 50)})
    c = nb.Circuit([pop])
    c.connect(pop, pop, weight=0.02, on_pre="ge += w", p=0.2, seed=1, delay=1.5, name="rec")
    c.connect(pop, pop, weight=0.3, on_pre="V += w", p=0.1, seed=2, name="fast")
    i, j = rng.integers(0, 50, 300), rng.integers(0, 50, 300)   # with repeated pairs
    c.connect(pop, pop, weight=rng.uniform(0, 0.05, 300), on_pre="ge += w", i=i, j=j,
              delay=rng.choice([0.0, 0.3, 1.0, 2.2], 300), name="mixed")
    return c


@pytest.mark.parametrize("method", select(exponential=False))
def test_lif_network_with_delayed_projections_matches_numba(method):
    c = _lif_network()
    a, b = both(c, 100.0, dt=0.1, method=method)
    same_spikes(a, b)
    assert b.spikes["time"].size > 500 and np.unique(b.spikes["index"]).size > 40
    assert rel(a, b) < 1e-12
    # the synapses matter: without them the spike trains differ
    quiet = nb.simulate(c, 100.0, dt=0.1, method=method, backend="numpy",
                        weights={"rec": 0.0, "fast": 0.0, "mixed": 0.0})
    assert quiet.spikes["time"].size != b.spikes["time"].size


@pytest.mark.parametrize("method", select(noise=True))
def test_noisy_izhikevich_with_poisson_input_and_refractory_matches_numba(method):
    """Noise, rand() spike conditions (Poisson sources), a delayed and an
    immediate projection, a reset that sets V and increments u."""
    rng = np.random.default_rng(1)
    pop = nb.Population(IZH, n=20, name="izh", I=rng.uniform(3, 12, 20))
    src = nb.Population(nb.blox.PoissonSource, n=10, name="poi",
                        rate=rng.uniform(20, 100, 10))
    c = nb.Circuit([pop, src])
    c.connect(src, pop, weight=3.0, on_pre="V += w", p=0.3, seed=4, delay=0.5)
    c.connect(pop, pop, weight=-1.0, on_pre="V += w", p=0.2, seed=5)
    a, b = both(c, 200.0, dt=0.05, method=method, seed=11)
    same_spikes(a, b)
    assert set(b.spikes["blox"]) == {"izh", "poi"}
    # Izhikevich's V**2 near threshold amplifies rounding: ~5e-10 absolute on V ~ 30 mV
    assert rel(a, b) < 1e-10


def test_izhikevich_refractory_holds_v_and_integrates_u_on_numpy():
    T = nb.BloxType("IzhRefrDet", """
        dV/dt = 0.04*V**2 + 5*V + 140 - u + I
        du/dt = a*(b*V - u)
        """, params={"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0, "I": 10.0},
        init={"V": -65.0, "u": -13.0}, spike="V >= 30", reset="V = c; u += d",
        refractory=1.0)
    c = nb.Circuit([nb.Population(T, n=5, name="z", I=np.linspace(5, 15, 5))])
    a, b = both(c, 100.0, dt=0.1, method="rk4")
    same_spikes(a, b)
    assert rel(a, b) < 1e-10
    # neuron 0: V stays at c for the 9 steps after the reset step, u moves
    t0 = b.spikes["time"][b.spikes["index"] == 0][0]
    inside = (b.t > t0 + 1e-9) & (b.t < t0 + 1.0 - 1e-9)
    assert inside.sum() == 9
    assert np.all(b["z[0].V"][inside] == -65.0)
    assert np.ptp(b["z[0].u"][inside]) > 0


def test_stochastic_blow_up_on_numpy_names_the_state_where_numba_does():
    Blow = nb.BloxType("BlowRef", "dx/dt = x**2 + 0.01*xi", init={"x": 1.0})
    stops = []
    for backend in ("numba", "numpy"):
        with pytest.raises(SimulationError, match="state 'b.x'") as exc:
            nb.simulate(Blow(name="b"), 5.0, dt=0.001, method="em", seed=0, backend=backend)
        stops.append(exc.value.partial.t[-1])
    assert 0.5 < stops[0] < 1.5 and stops[0] == stops[1]


def test_reset_that_stays_above_threshold_is_reported_on_numpy():
    T = nb.BloxType("StuckRef", "dV/dt = 1", spike="V > 1", reset="V = 2")
    with pytest.raises(SimulationError, match="still true right after the reset") as exc:
        nb.simulate(T(name="b"), 10.0, dt=0.1, method="euler", backend="numpy")
    assert exc.value.partial is not None and exc.value.partial.t[-1] == pytest.approx(1.0)


STDP_RULE = dict(tau_pre=20.0, tau_post=15.0, A_plus=0.01, A_minus=0.0105, w_max=1.0)


def _plastic_network(learn_rate=1.0):
    rng = np.random.default_rng(3)
    pop = nb.Population(LIF, n=40, name="pop", RI=rng.uniform(9, 14, 40),
                        init={"V": rng.uniform(-60, -50, 40)})
    src = nb.Population(nb.blox.PoissonSource, n=20, name="poi", rate=rng.uniform(20, 80, 20))
    c = nb.Circuit([pop, src])
    c.connect(src, pop, weight=0.4, on_pre="ge += w", p=0.3, seed=1, delay=1.0,
              plasticity=nb.STDP(**STDP_RULE), name="ff")
    c.connect(pop, pop, weight=0.05, on_pre="ge += w", p=0.2, seed=2,
              plasticity=nb.RSTDP(**STDP_RULE, tau_c=50.0, tau_d=100.0, reward=0.5),
              name="rec")
    return c


# the rule is under test, not the integrator: the cheap (noise-capable) schemes
# suffice (RK4 adds 18 s of NumPy stages)
@pytest.mark.parametrize("method", select(noise=True))
def test_stdp_and_rstdp_network_matches_numba(method):
    """A delayed STDP projection from Poisson sources and a recurrent R-STDP
    one (reward decaying): same spikes, weights equal to rounding."""
    c = _plastic_network()
    a, b = both(c, 200.0, dt=0.1, method=method, seed=7)
    same_spikes(a, b)
    assert rel(a, b) < 1e-12
    for name, w0 in (("ff", 0.4), ("rec", 0.05)):
        assert np.max(np.abs(a.weights[name] - b.weights[name])) < 1e-12
        assert np.max(np.abs(b.weights[name] - w0)) > 1e-3    # they did learn
    frozen = nb.simulate(c, 50.0, dt=0.1, method=method, seed=7, backend="numpy", learn=False)
    assert np.all(frozen.weights["ff"] == 0.4) and np.all(frozen.weights["rec"] == 0.05)


@pytest.mark.parametrize("t_pre,t_post", [(5.0, 12.0), (20.0, 6.0), (9.0, 8.0)])
def test_stdp_pair_follows_the_exponential_window_on_numpy(t_pre, t_post):
    """One pre and one post spike (Song, Miller & Abbott 2000): the weight
    moves by A_plus*exp(-s/tau_pre) (pre first) or -A_minus*exp(s/tau_post)."""
    clock = nb.BloxType("ClockRef", "dphi/dt = 1.0\ndV/dt = -V", params={"T": 5.0},
                        spike="phi > T", reset="phi = -1000", kind="neuron")
    pre = nb.Population(clock, 1, name="pre", T=t_pre)
    post = nb.Population(clock, 1, name="post", T=t_post)
    c = nb.Circuit([pre, post]).connect(pre, post, weight=0.5, on_pre="V += w",
                                        plasticity=nb.STDP(**STDP_RULE))
    sol = nb.simulate(c, 40.0, dt=0.1, method="euler", backend="numpy")
    s = float(sol.spike_trains("post")[1][0] - sol.spike_trains("pre")[1][0])
    want = 0.5 + (STDP_RULE["A_plus"] * np.exp(-s / STDP_RULE["tau_pre"]) if s >= 0 else
                  -STDP_RULE["A_minus"] * np.exp(s / STDP_RULE["tau_post"]))
    assert abs(sol.weights["pre->post"][0] - want) < 1e-9


def test_record_weights_on_numpy_is_refused_naming_the_numba_backend():
    with pytest.raises(SimulationError, match="backend='numba'"):
        nb.simulate(_plastic_network(), 10.0, dt=0.1, method="euler", backend="numpy",
                    record_weights=1.0)


def test_callbacks_on_numpy_are_refused_naming_the_numba_backend():
    c = nb.Circuit([nb.Population(FHN, n=2, name="f")])
    with pytest.raises(SimulationError, match="backend='numba'"):
        nb.simulate(c, 5.0, dt=0.01, method="em", seed=1, backend="numpy",
                    callback=lambda s: None, callback_every=1.0)


def test_without_numba_a_noisy_delayed_spiking_network_falls_back_to_numpy():
    """Where numba cannot run, such a circuit now runs on the NumPy backend
    (it used to be refused), with the numba run's spikes."""
    script = textwrap.dedent("""
        import sys, warnings
        warnings.simplefilter("ignore")
        import numpy as np
        import nbblox as nb
        pop = nb.Population(nb.blox.PoissonSource, n=5, name="poi", rate=80.0)
        lif = nb.Population(nb.blox.LIF, n=3, name="lif", I=1.8)
        c = nb.Circuit([pop, lif]).connect(pop, lif, weight=4.0, on_pre="V += w", delay=1.0)
        sol = nb.simulate(c, 50.0, dt=0.1, method="euler", seed=3)
        print(sol.info["backend"], "numba" in sys.modules)
        print(" ".join(repr(float(t)) for t in sol.spikes["time"]))
    """)
    env = dict(os.environ, NBBLOX_DISABLE_NUMBA="1", PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out[0] == "numpy False"
    pop = nb.Population(nb.blox.PoissonSource, n=5, name="poi", rate=80.0)
    lif = nb.Population(nb.blox.LIF, n=3, name="lif", I=1.8)
    c = nb.Circuit([pop, lif]).connect(pop, lif, weight=4.0, on_pre="V += w", delay=1.0)
    ref = nb.simulate(c, 50.0, dt=0.1, method="euler", seed=3, backend="numba")
    assert ref.spikes["time"].size > 10 and "lif" in set(ref.spikes["blox"])
    assert np.array_equal(np.array(out[1].split(), dtype=float), ref.spikes["time"])
