"""BOLD (Balloon-Windkessel) observer and functional connectivity.

Model: Friston et al. (2000) NeuroImage 12:466-477, doi:10.1006/nimg.2000.0630;
parameters and signal equation: Stephan et al. (2007) NeuroImage 38:387-401,
doi:10.1016/j.neuroimage.2007.07.040.
"""
import numpy as np
import pytest

import nbblox as nb
from nbblox.analysis.connectivity import BOLD_PARAMS


def steady_state_bold(z, p=BOLD_PARAMS):
    """Fixed point of the Balloon-Windkessel equations under constant input z.

    ds/dt = 0 and df/dt = s = 0 give s = 0, z = gamma (f - 1) -> f = 1 + z/gamma;
    dv/dt = 0 gives v**(1/alpha) = f -> v = f**alpha;
    dq/dt = 0 gives f E(f)/E0 = f q / v -> q = v E(f)/E0, E(f) = 1 - (1 - E0)**(1/f);
    then y = V0 (k1 (1 - q) + k2 (1 - q/v) + k3 (1 - v)) (Stephan et al. 2007, eq. 12).
    """
    f = 1.0 + z / p["gamma"]
    v = f ** p["alpha"]
    q = v * (1.0 - (1.0 - p["E0"]) ** (1.0 / f)) / p["E0"]
    k1 = 4.3 * p["theta0"] * p["E0"] * p["TE"]
    k2 = p["eps"] * p["r0"] * p["E0"] * p["TE"]
    k3 = 1.0 - p["eps"]
    return p["V0"] * (k1 * (1 - q) + k2 * (1 - q / v) + k3 * (1 - v))


@pytest.mark.parametrize("z", [0.1, 0.3, -0.1])
def test_constant_input_converges_to_analytic_steady_state(z):
    y = nb.bold(np.full(150_000, z), dt=1.0)      # 150 s at 1 ms
    want = steady_state_bold(z)
    assert abs(want) > 0.1                          # a real signal, not the rest value 0
    assert y[-1] == pytest.approx(want, rel=1e-6)
    assert y[0] == 0.0                              # starts at rest


def test_impulse_response_peaks_about_five_seconds_then_undershoots():
    # The haemodynamic response function is the first-order (linear) kernel:
    # the response to a small impulse (area 1e-3 at dt = 1 ms).  With the
    # Stephan et al. 2007 / SPM constants it peaks 4.53 s after the event
    # (value read from this code), near the canonical HRF's 5 s, then
    # undershoots (Buxton et al. 1998).
    z = np.zeros(30_000)
    z[0] = 1.0
    y = nb.bold(z, dt=1.0)
    t_peak = np.argmax(y) * 1e-3
    assert t_peak == pytest.approx(4.53, abs=0.05)
    assert y.max() > 0
    t_under = np.argmin(y) * 1e-3                   # post-stimulus undershoot
    assert t_under > t_peak + 3 and y.min() < 0
    # linear regime: 10x the impulse gives 10x the response, same timing
    y10 = nb.bold(10.0 * z, dt=1.0)
    assert abs(int(np.argmax(y10)) - int(np.argmax(y))) < 20   # ms: the peak is flat
    assert y10.max() == pytest.approx(10.0 * y.max(), rel=0.01)
    # a unit-area impulse is no longer small: the nonlinearity advances the
    # peak to about 4.0 s (Friston et al. 2000 describe this nonlinearity)
    big = nb.bold(1000.0 * z, dt=1.0)
    assert 3.8 < np.argmax(big) * 1e-3 < 4.3


def test_tr_subsampling_multiple_regions_and_solution_input():
    z = np.vstack([np.full(20_000, 0.1), np.full(20_000, 0.2)])
    full = nb.bold(z, dt=1.0)
    sub = nb.bold(z, dt=1.0, tr=500.0)
    np.testing.assert_array_equal(sub, full[:, ::500])
    # a Solution: its sample spacing is used and names are kept
    sol = nb.simulate(nb.blox.WilsonCowan(name="wc"), 2000.0, dt=0.5)
    b = nb.bold(sol, tr=100.0)
    assert b.names == [f"bold({n})" for n in sol.names]
    np.testing.assert_allclose(np.diff(b.t), 100.0)
    np.testing.assert_array_equal(b.values, nb.bold(sol.values, dt=0.5, tr=100.0))


def test_long_samples_are_subdivided():
    z = np.full(200, 0.2)                            # dt = 1 s samples, 200 s
    coarse = nb.bold(z, dt=1000.0)
    fine = nb.bold(np.repeat(z, 100), dt=10.0, tr=1000.0)
    np.testing.assert_allclose(coarse, fine, rtol=1e-12)


@pytest.mark.parametrize("kw, match", [
    (dict(signal=np.ones(10)), "needs dt"),
    (dict(signal=np.ones(10), dt=-1.0), "dt must be"),
    (dict(signal=np.array([1.0, np.nan]), dt=1.0), "NaN"),
    (dict(signal=np.ones(10), dt=1.0, tr=1.5), "multiple"),
    (dict(signal=np.ones(10), dt=1.0, params={"kapa": 1}), "Did you mean 'kappa'"),
    (dict(signal=np.full(5000, -10.0), dt=1.0), "left its domain"),
])
def test_bold_bad_input(kw, match):
    with pytest.raises(nb.NbbloxError, match=match):
        nb.bold(kw.pop("signal"), **kw)


def test_functional_connectivity_is_pearson_correlation():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 400))
    np.testing.assert_allclose(nb.functional_connectivity(x), np.corrcoef(x), atol=1e-12)


def test_band_pass_recovers_shared_slow_component():
    rng = np.random.default_rng(2)
    dt = 500.0                                       # TR 0.5 s, 20 min
    t = np.arange(2400) * dt / 1000.0
    slow = np.sin(2 * np.pi * 0.05 * t)              # shared 0.05 Hz fluctuation
    x = np.vstack([slow + 2 * rng.standard_normal(t.size),
                   slow + 2 * rng.standard_normal(t.size)])
    raw = nb.functional_connectivity(x)[0, 1]
    filt = nb.functional_connectivity(x, dt=dt, band=(0.04, 0.06))[0, 1]
    assert raw < 0.25         # analytic: 0.5/(0.5 + 4) ~ 0.11
    assert filt > 0.8         # noise outside the band is removed


def test_fc_of_bold_from_a_coupled_pair():
    """Two coupled Wilson-Cowan nodes driven apart: BOLD correlations are finite,
    symmetric, with a unit diagonal."""
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b])
    c.connect(a, b, weight=1.0)
    sol = nb.simulate(c, 4000.0, dt=0.5, record=["a.E", "b.E"])
    fc = nb.functional_connectivity(nb.bold(sol, tr=50.0))
    assert fc.shape == (2, 2)
    np.testing.assert_allclose(np.diag(fc), 1.0)
    np.testing.assert_allclose(fc, fc.T)


def test_fc_bad_input():
    with pytest.raises(nb.NbbloxError, match="shape"):
        nb.functional_connectivity(np.ones(10))
    with pytest.raises(nb.NbbloxError, match="needs dt"):
        nb.functional_connectivity(np.ones((2, 100)), band=(0.01, 0.1))
    with pytest.raises(nb.NbbloxError, match="half the sampling rate"):
        nb.functional_connectivity(np.ones((2, 100)), dt=1000.0, band=(0.01, 0.9))


def test_lead_field_point_source_and_dipole_potentials():
    """Infinite homogeneous conductor (Nunez & Srinivasan 2006, ch. 2):
    monopole V = I/(4 pi sigma r), dipole V = p.r_hat/(4 pi sigma r^2)."""
    from nbblox.analysis.connectivity import lead_field
    sigma, r_mm = 0.33, 20.0
    r = r_mm * 1e-3
    src, sen = [[0.0, 0.0, 0.0]], [[0.0, 0.0, r_mm], [r_mm, 0.0, 0.0]]
    G = lead_field(src, sen, sigma=sigma)
    np.testing.assert_allclose(G[:, 0], 1 / (4 * np.pi * sigma * r))
    D = lead_field(src, sen, orientations=[[0.0, 0.0, 1.0]], sigma=sigma)
    np.testing.assert_allclose(D[0, 0], 1 / (4 * np.pi * sigma * r ** 2))
    assert abs(D[1, 0]) < 1e-12                      # perpendicular: no potential
    with pytest.raises(nb.NbbloxError, match="sits on source"):
        lead_field(src, src)


def test_readout_of_a_solution_is_the_gain_times_activity():
    from nbblox.analysis.connectivity import lead_field, readout
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    sol = nb.simulate(nb.Circuit([a, b]), 50.0, dt=0.5, record=["a.E", "b.E"])
    G = lead_field([[0, 0, 0], [30, 0, 0]], [[0, 0, 15], [30, 0, 15], [15, 20, 0]])
    eeg = readout(sol, G)
    assert eeg.names == ["sensor0", "sensor1", "sensor2"]
    np.testing.assert_allclose(eeg.values, G @ sol.values, rtol=1e-14)
    with pytest.raises(nb.NbbloxError, match="does not match"):
        readout(sol, G.T)


def _rk4_oracle(z, dt_ms, p=BOLD_PARAMS):
    """Classical RK4 on the Balloon-Windkessel equations (Stephan et al. 2007),
    written out in NumPy over the regions: what connectivity.py held by hand
    before its loop was generated from the scheme table (bugs2, session 30)."""
    kappa, gamma, E0 = p["kappa"], p["gamma"], p["E0"]
    itau, ialpha, h = 1.0 / p["tau"], 1.0 / p["alpha"], dt_ms / 1000.0
    k1, k2, k3 = 4.3 * p["theta0"] * E0 * p["TE"], p["eps"] * p["r0"] * E0 * p["TE"], 1 - p["eps"]

    def f_(zk, s, f, v, q):
        vp = v ** ialpha
        return (zk - kappa * s - gamma * (f - 1.0), s, itau * (f - vp),
                itau * (f * (1.0 - (1.0 - E0) ** (1.0 / f)) / E0 - vp * q / v))
    x = [np.zeros(z.shape[0]), np.ones(z.shape[0]), np.ones(z.shape[0]), np.ones(z.shape[0])]
    out = np.empty(z.shape)
    for k in range(z.shape[1]):
        s, f, v, q = x
        out[:, k] = p["V0"] * (k1 * (1.0 - q) + k2 * (1.0 - q / v) + k3 * (1.0 - v))
        a = f_(z[:, k], *x)
        b = f_(z[:, k], *[xi + 0.5 * h * ai for xi, ai in zip(x, a)])
        c = f_(z[:, k], *[xi + 0.5 * h * bi for xi, bi in zip(x, b)])
        d = f_(z[:, k], *[xi + h * ci for xi, ci in zip(x, c)])
        x = [xi + h / 6.0 * (ai + 2.0 * bi + 2.0 * ci + di)
             for xi, ai, bi, ci, di in zip(x, a, b, c, d)]
    return out


def test_bold_loop_is_generated_from_the_rk4_tableau():
    """The loop is printed from compile.schemes' RK4 (steps.instance_rk_step),
    not written by hand: the same arithmetic as the hand-written RK4 it
    replaced (bit for bit on 3 x 30 000 samples at dt 1, 25 (tr 2000) and
    0.5 ms, measured), here within 1e-12 % of an independent NumPy RK4."""
    from nbblox.analysis.connectivity import _bw_source
    from nbblox.compile.schemes import HEUN, RK4
    from nbblox.compile.steps import combination
    rk4, heun = _bw_source("rk4"), _bw_source("heun")
    assert combination(RK4.tableau.b, "xs", 0, item="{}_{}") in rk4
    assert combination(HEUN.tableau.b, "xs", 0, item="{}_{}") in heun and "k3_0" not in heun
    rng = np.random.default_rng(1)
    z = np.vstack([np.r_[np.ones(500), np.zeros(3500)], 0.5 * rng.random(4000)])
    y = nb.bold(z, dt=1.0)
    want = _rk4_oracle(z, 1.0)
    assert np.ptp(want[0]) > 0.1                        # a real response, % signal change
    np.testing.assert_allclose(y, want, rtol=0, atol=1e-12)
