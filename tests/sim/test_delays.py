"""Delayed continuous coupling through interpolated history buffers."""
import numpy as np
import pytest
from scipy.special import lambertw

import nbblox as nb
from nbblox.compile.schemes import select
from nbblox.exceptions import CircuitError, SimulationError

# a pure integrator node: dx/dt = (sum of weighted, delayed inputs)
NODE = nb.BloxType("Integrator", "dx/dt = I_syn", init={"x": 1.0})


def _loop(a, tau):
    """Two nodes inhibiting each other with gain a and delay tau:
    x1' = -a x2(t - tau), x2' = -a x1(t - tau).  From equal initial
    histories x1 = x2 = s/2 for all time and s' = -a s(t - tau)."""
    n1, n2 = NODE(name="n1"), NODE(name="n2")
    c = nb.Circuit([n1, n2])
    c.connect(n1, n2, weight=-a, delay=tau)
    c.connect(n2, n1, weight=-a, delay=tau)
    return c


def _period(t, x):
    up = np.flatnonzero((x[:-1] < 0) & (x[1:] >= 0))
    tc = t[up] - x[up] * (t[up + 1] - t[up]) / (x[up + 1] - x[up])   # linear interpolation
    return np.diff(tc)


@pytest.mark.parametrize("method", select(exponential=False, order=2))
def test_delayed_loop_at_the_hopf_point_oscillates_with_period_4_tau(method):
    """s' = -a s(t - tau) has characteristic equation lambda = -a exp(-lambda tau);
    at a tau = pi/2 its rightmost roots are lambda = +-i pi/(2 tau): a sustained
    oscillation of period exactly 4 tau (Hayes 1950, J London Math Soc 25:226,
    doi:10.1112/jlms/s1-25.3.226)."""
    tau = 2.0
    sol = nb.simulate(_loop(np.pi / (2 * tau), tau), 200.0, dt=0.01, method=method)
    per = _period(sol.t, sol["n1.x"])
    assert per.size >= 20
    np.testing.assert_allclose(per[3:], 4 * tau, rtol=2e-3)
    late = np.abs(sol["n1.x"][sol.t > 150]).max()
    assert 0.5 < late < 2.0                              # neither decays nor grows much


def test_delayed_loop_off_the_hopf_point_follows_the_lambert_w_root():
    """For a tau > 1/e the rightmost root is lambda = W0(-a tau)/tau (principal
    branch of Lambert W; Shinozaki & Mori 2006, Automatica 42:1791,
    doi:10.1016/j.automatica.2006.05.008): period 2 pi / Im(lambda), decay
    rate Re(lambda)."""
    a, tau = 0.6, 2.0
    lam = complex(lambertw(-a * tau, 0)) / tau
    sol = nb.simulate(_loop(a, tau), 120.0, dt=0.01, method="rk4")
    per = _period(sol.t, sol["n1.x"])
    np.testing.assert_allclose(per[2:], 2 * np.pi / lam.imag, rtol=2e-3)
    # successive maxima shrink by exp(Re(lambda) * period)
    x = sol["n1.x"]
    peaks = np.flatnonzero((x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:])) + 1
    ratio = x[peaks[3]] / x[peaks[2]]
    assert ratio == pytest.approx(np.exp(lam.real * 2 * np.pi / lam.imag), rel=1e-2)


def test_delay_is_exact_in_a_feedforward_chain():
    """A node driven by a delayed copy of a ramp sees the ramp shifted by the delay."""
    Ramp = nb.BloxType("Ramp", "dr/dt = 1", init={"r": 0.0})
    r, n = Ramp(name="r"), NODE(name="n", init={"x": 0.0})
    c = nb.Circuit([r, n]).connect(r, n, weight=1.0, delay=5.0)
    sol = nb.simulate(c, 20.0, dt=0.1, method="rk4")
    # x' = r(t - 5) = max(t - 5, 0) with a constant (zero) history: x = (t-5)^2/2
    t = sol.t
    np.testing.assert_allclose(sol["n.x"], np.where(t > 5, (t - 5) ** 2 / 2, 0.0), atol=1e-9)


def test_delays_between_populations():
    pop = nb.Population(NODE, n=2, name="p")
    c = nb.Circuit([pop]).connect(pop, pop, matrix=[[0, -np.pi / 4], [-np.pi / 4, 0]],
                                  delay=2.0)
    sol = nb.simulate(c, 100.0, dt=0.01, method="rk4", record=["p.x"])
    per = _period(sol.t, sol["p.x"][0])
    np.testing.assert_allclose(per[3:], 8.0, rtol=2e-3)


def test_negative_delay_is_refused():
    n1, n2 = NODE(name="n1"), NODE(name="n2")
    with pytest.raises(CircuitError, match="delay"):
        nb.Circuit([n1, n2]).connect(n1, n2, delay=-1.0)


def test_delay_longer_than_the_run_is_refused():
    with pytest.raises(SimulationError, match="longer than the run"):
        nb.simulate(_loop(1.0, 50.0), 20.0, dt=0.1, method="rk4")


def test_delay_shorter_than_dt_is_refused():
    with pytest.raises(SimulationError, match="shorter than dt"):
        nb.simulate(_loop(1.0, 0.05), 20.0, dt=0.1, method="rk4")


def test_delays_need_a_fixed_step_method():
    with pytest.raises(SimulationError, match="fixed-step"):
        nb.simulate(_loop(1.0, 1.0), 20.0, dt=0.1, method="RK45")


def test_equilibria_ignore_delays():
    """System.rhs evaluates delayed edges without delay: equilibria of a DDE
    are those of the undelayed system."""
    s = nb.compile(_loop(1.0, 1.0))
    np.testing.assert_allclose(s.rhs(np.array([1.0, 2.0])), [-2.0, -1.0])
