"""The scheme table: every declaration is checked against what it claims
(order conditions, SDE calculus, names), and every backend runs every
scheme it declares."""
from fractions import Fraction

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile import schemes
from nbblox.compile.schemes import SCHEMES, select
from nbblox.exceptions import SimulationError


def _order_conditions(tab):
    """Butcher's order conditions up to order 4 (Hairer, Norsett & Wanner,
    Solving ODEs I, sec. II.2, Table 2.1), exact in fractions: a list of
    (order, residual) pairs."""
    a = [list(r) + [Fraction(0)] * (len(tab.b) - len(r)) for r in tab.a]
    b, c, s = tab.b, tab.c, len(tab.b)
    ac = [sum(a[i][j] * c[j] for j in range(s)) for i in range(s)]
    acc = [sum(a[i][j] * c[j] ** 2 for j in range(s)) for i in range(s)]
    aac = [sum(a[i][j] * ac[j] for j in range(s)) for i in range(s)]
    dot = lambda u: sum(bi * ui for bi, ui in zip(b, u))
    one = [Fraction(1)] * s
    return [(1, dot(one) - 1), (2, dot(c) - Fraction(1, 2)),
            (3, dot([x ** 2 for x in c]) - Fraction(1, 3)), (3, dot(ac) - Fraction(1, 6)),
            (4, dot([x ** 3 for x in c]) - Fraction(1, 4)),
            (4, dot([ci * aci for ci, aci in zip(c, ac)]) - Fraction(1, 8)),
            (4, dot(acc) - Fraction(1, 12)), (4, dot(aac) - Fraction(1, 24))]


@pytest.mark.parametrize("name", select(exponential=False))
def test_each_tableau_has_exactly_its_declared_order(name):
    """All conditions up to the declared order hold, and one of the next
    order fails (so the declared order is not an understatement)."""
    s = schemes.get(name)
    conds = _order_conditions(s.tableau)
    assert all(r == 0 for o, r in conds if o <= s.order)
    if s.order < 4:
        assert any(r != 0 for o, r in conds if o == s.order + 1)


@pytest.mark.parametrize("name", select(noise=True))
def test_stochastic_schemes_converge_to_their_calculus(name):
    """Geometric Brownian motion dx = mu x dt + sigma x dW (one path per
    column, fine Wiener increments summed for the coarse steps): the Ito
    solution is x0 exp((mu - sigma^2/2) T + sigma W_T), the Stratonovich one
    x0 exp(mu T + sigma W_T) (Kloeden & Platen 1992, sec. 4.4).  The mean
    strong error against the solution of the declared calculus falls at
    least at the declared strong order; against the other calculus it stays
    put (the schemes converge to different limits)."""
    s = schemes.get(name)
    mu, sigma, T, paths = 0.5, 0.8, 1.0, 4000
    rng = np.random.default_rng(12)
    fine = 2 ** 10
    dw = rng.normal(0.0, np.sqrt(T / fine), (fine, paths))
    W = dw.sum(axis=0)
    exact = {"ito": np.exp((mu - sigma ** 2 / 2) * T + sigma * W),
             "stratonovich": np.exp(mu * T + sigma * W)}
    other = "stratonovich" if s.noise == "ito" else "ito"
    errs, miss = [], []
    for n in (2 ** 5, 2 ** 6, 2 ** 7, 2 ** 8):
        dt, incr = T / n, dw.reshape(n, fine // n, paths).sum(axis=1)
        x = np.ones(paths)
        for k in range(n):
            x = schemes.rk_step(s, lambda t, y, st: (mu * y, sigma * y), k * dt, x, dt, incr[k])
        errs.append(np.mean(np.abs(x - exact[s.noise])))
        miss.append(np.mean(np.abs(x - exact[other])))
    slope = np.polyfit(np.log2([2 ** 5, 2 ** 6, 2 ** 7, 2 ** 8]), np.log2(errs), 1)[0]
    assert -slope > s.strong_order - 0.1, (errs, slope)
    assert miss[-1] > 5 * errs[-1]


def test_names_aliases_and_refusals():
    assert schemes.get("EM").name == "euler" and schemes.get("Stochastic_Heun").name == "heun"
    assert schemes.get("RK45") is None
    assert set(schemes.NAMES) == {s.name for s in SCHEMES}
    assert set(schemes.STOCHASTIC) == set(select(noise=True))
    with pytest.raises(SimulationError, match="unknown fixed-step method 'rk5'.*rk4"):
        schemes.resolve("rk5")
    with pytest.raises(ValueError, match="sum to 1"):
        schemes.Tableau(a=((),), b=(Fraction(1, 2),))
    with pytest.raises(ValueError, match="lower triangular"):
        schemes.Tableau(a=((), ()), b=(Fraction(1, 2), Fraction(1, 2)))


def test_every_scheme_has_its_kernels():
    """run_<m> for every scheme on the numba backend and, with noise,
    run_<m>_full exactly for the stochastic ones."""
    plain = nb.compile(nb.blox.FitzHughNagumo(name="f"))
    for name in select(backend="numba"):
        assert callable(getattr(plain._k, f"run_{name}")), name
        assert callable(getattr(plain._k, f"run_{name}_full")), name
    noisy = nb.compile(nb.Blox.from_equations("dx/dt = -x + 0.1*xi", name="ou"))
    have = {n for n in schemes.NAMES if hasattr(noisy._k, f"run_{n}_full")}
    assert have == set(select(noise=True, backend="numba"))


def test_combination_prints_the_tableau():
    """The printed stage and step combinations are the tableau's rows."""
    rk4 = schemes.get("rk4").tableau
    assert schemes.combination(rk4.a[1]) == "x[i] + 0.5 * dt * k1[i]"
    assert schemes.combination(rk4.a[3]) == "x[i] + dt * k3[i]"
    assert (schemes.combination(rk4.b)
            == "x[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])")
    heun = schemes.get("heun").tableau
    assert (schemes.combination(heun.b, noise=True) ==
            "x[i] + dt / 2.0 * (k1[i] + k2[i]) + (g1[i] + g2[i]) / 2.0 * dW[i]")
