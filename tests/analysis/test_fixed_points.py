"""fixed_points: equilibria, eigenvalues and stability labels checked against
independent computations (analytic roots, numpy eigenvalues of a central
finite-difference Jacobian of the compiled rhs)."""
import warnings

import numpy as np
import pytest

import nbblox as nb
from nbblox.analysis import fixed_points
from nbblox.analysis._common import classify

FHN_B = {"fhn.V": (-3, 3), "fhn.w": (-3, 3)}


def fd_eigs(s, x, params):
    p = s.param_vector(params)
    n = x.size
    J = np.empty((n, n))
    for j in range(n):
        h = 1e-6 * max(1.0, abs(x[j]))
        e = np.zeros(n)
        e[j] = h
        J[:, j] = (s.rhs(x + e, params=p) - s.rhs(x - e, params=p)) / (2 * h)
    return np.linalg.eigvals(J)


def independent_label(ev):
    re = ev.real
    if np.any(re > 0) and np.any(re < 0):
        return "saddle"
    side = "stable" if np.all(re < 0) else "unstable"
    return side + (" focus" if np.any(np.abs(ev.imag) > 1e-9) else " node")


def test_fhn_rest_state_matches_catalog_value():
    # FitzHugh 1961 parameters a=0.7, b=0.8: rest V=-1.1994, w=-0.6243 (catalog doc)
    fps = fixed_points(nb.blox.FitzHughNagumo(name="fhn"), bounds=FHN_B)
    assert len(fps) == 1
    assert fps[0].state["fhn.V"] == pytest.approx(-1.19941, abs=1e-4)
    assert fps[0].state["fhn.w"] == pytest.approx(-0.62426, abs=1e-4)


def test_three_equilibria_saddle_is_saddle_and_labels_match_fd_eigenvalues():
    # a=0, b=2: V - V^3/3 - V/2 = 0 -> V = 0, +-sqrt(3/2)
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    par = {"fhn.I": 0.0, "fhn.a": 0.0, "fhn.b": 2.0, "fhn.tau": 1.0}
    fps = fixed_points(s, params=par, bounds=FHN_B)
    Vs = sorted(f.state["fhn.V"] for f in fps)
    assert Vs == pytest.approx([-np.sqrt(1.5), 0.0, np.sqrt(1.5)], abs=1e-8)
    for f in fps:
        ev = fd_eigs(s, f.x, par)
        assert np.sort_complex(f.eigenvalues) == pytest.approx(np.sort_complex(ev), abs=1e-5)
        assert f.stability == independent_label(ev)
        assert "saddle node" not in f.stability
    assert fps[1].stability == "saddle"


@pytest.mark.parametrize("I", [0.0, 0.5, 1.0, 1.5, 2.5])
def test_fhn_labels_agree_with_fd_eigenvalues(I):
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    for f in fixed_points(s, params={"fhn.I": I}, bounds=FHN_B):
        assert f.stability == independent_label(fd_eigs(s, f.x, {"fhn.I": I}))


def test_batch_over_parameter_values_matches_single_calls():
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    Is = np.linspace(0, 2, 7)
    batch = fixed_points(s, params={"fhn.I": Is}, bounds=FHN_B)
    assert len(batch) == 7
    for I, fb in zip(Is, batch):
        single = fixed_points(s, params={"fhn.I": I}, bounds=FHN_B)
        assert [f.stability for f in fb] == [f.stability for f in single]
        assert fb[0].state["fhn.V"] == pytest.approx(single[0].state["fhn.V"], abs=1e-9)


@pytest.mark.parametrize("n_states", [1, 3, 4])
def test_batch_counts_roots_and_labels_match_independent_values(n_states):
    # x' = a + x - x^3 (a chain of linear followers adds states): 3 equilibria for
    # |a| < 2/(3 sqrt 3), else 1; x are the real roots of the cubic (numpy.roots).
    # 1 and 3 states use the Cramer solver, 4 the batched LAPACK one.
    eqs = ["dx/dt = a + x - x**3"] + [f"dy{k}/dt = {'x' if k == 1 else f'y{k-1}'} - {k+1}*y{k}"
                                       for k in range(1, n_states)]
    b = nb.Blox.from_equations("\n".join(eqs), params={"a": 0.0}, name="c")
    s = nb.compile(b)
    A = np.array([-0.5, -0.2, 0.0, 0.3, 0.5])
    bounds = {nm: (-3, 3) for nm in s.state_names}
    res = fixed_points(s, params={"c.a": A}, bounds=bounds)
    for a, fps in zip(A, res):
        r = np.roots([-1, 0, 1, a])
        r = np.sort(r[np.abs(r.imag) < 1e-9].real)
        assert [f.state["c.x"] for f in fps] == pytest.approx(list(r), abs=1e-9)
        for f in fps:
            assert f.stability == independent_label(fd_eigs(s, f.x, {"c.a": a}))
    assert [len(f) for f in res] == [1, 3, 3, 3, 1]


def test_solve_batch_matches_least_squares_with_singular_members():
    from nbblox.analysis.fixedpoints import _solve_batch
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 5):
        J, r = rng.normal(size=(50, n, n)), rng.normal(size=(50, n))
        J[3] = 0.0
        J[4, -1] = J[4, 0]  # rank deficient
        ref = np.array([np.linalg.lstsq(J[k], r[k], rcond=None)[0] for k in range(50)])
        assert np.allclose(_solve_batch(J, r), ref, atol=1e-8)


def test_hh_rest_and_unstable_focus_past_hopf():
    # Hodgkin & Huxley 1952 rest at -65 mV; past the Hopf (I > 9.78, Rinzel & Miller 1980)
    # the rest state has one unstable complex pair: labelled "unstable focus".
    s = nb.compile(nb.blox.HodgkinHuxley(name="hh"))
    b = {"hh.V": (-90, 50), "hh.m": (0, 1), "hh.h": (0, 1), "hh.n": (0, 1)}
    rest = fixed_points(s, bounds=b)
    assert len(rest) == 1 and rest[0].state["hh.V"] == pytest.approx(-65.0, abs=0.05)
    assert rest[0].stable
    f10 = fixed_points(s, params={"hh.I": 10.0}, bounds=b)
    assert len(f10) == 1 and f10[0].stability == "unstable focus"
    ev = fd_eigs(s, f10[0].x, {"hh.I": 10.0})
    assert np.sum(ev.real > 0) == 2 and np.all(np.abs(ev[ev.real > 0].imag) > 0)


def test_classify_edge_cases():
    assert classify([1.0, -1.0]) == "saddle"
    assert classify([1.0, -1.0, -2.0]) == "saddle"
    assert classify([1 + 1j, 1 - 1j, -3.0]) == "unstable focus"  # saddle-focus, 2-D unstable
    assert classify([2j, -2j]) == "center"
    assert classify([0.0, -1.0]) == "non-hyperbolic"


def test_no_equilibrium_in_bounds_warns_and_returns_empty():
    with pytest.warns(RuntimeWarning, match="no equilibrium"):
        fps = fixed_points(nb.blox.FitzHughNagumo(name="fhn"), bounds={"fhn.V": (2, 3), "fhn.w": (2, 3)})
    assert fps == []


def test_bad_inputs():
    b = nb.blox.FitzHughNagumo(name="fhn")
    with pytest.raises(nb.ParameterError, match="Did you mean .*'fhn.V'"):
        fixed_points(b, bounds={"fhn.v": (-1, 1)})
    with pytest.raises(nb.ParameterError, match="fhn.I"):
        fixed_points(b, params={"fhn.i": 1.0})
    with pytest.raises(nb.ParameterError, match="low < high"):
        fixed_points(b, bounds={"fhn.V": (1, -1)})


def test_many_states_network_path():
    # 16 uncoupled FHN units (> 12 states uses the compiled kernels one start at a time)
    c = nb.Circuit([nb.blox.FitzHughNagumo(name=f"f{i}") for i in range(8)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fps = fixed_points(c, bounds={f"f{i}.{v}": (-2, 2) for i in range(8) for v in "Vw"})
    assert len(fps) >= 1
    assert all(f.state[f"f{i}.V"] == pytest.approx(-1.19941, abs=1e-4) for f in fps for i in range(8))
    assert fps[0].stability == "stable focus"


def test_classify_many_equals_classify_on_random_spectra():
    # the batched labels (used for many parameter values at once) must be the labels
    from nbblox.analysis._common import classify_many
    rng = np.random.default_rng(1)
    for n in (1, 2, 3, 5):
        rows = []
        for _ in range(1500):
            e = []
            while len(e) < n:
                r = rng.choice([-2.0, -1.0, 0.0, 1.0, 3.0]) * rng.choice([1.0, rng.random()])
                if len(e) <= n - 2 and rng.random() < 0.5:
                    w = rng.choice([0.0, 1.0, 2.5])
                    e += [r + 1j * w, r - 1j * w]
                else:
                    e.append(r + 0j)
            rows.append(e)
        rows = np.array(rows)
        assert classify_many(rows) == [classify(e) for e in rows]
