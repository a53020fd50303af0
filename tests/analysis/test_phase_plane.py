"""phase_plane: nullclines lie on the zero sets, fixed points match fixed_points."""
import numpy as np
import pytest

import nbblox as nb


def test_fhn_nullclines_are_accurate_and_fixed_point_found():
    I = 0.5
    pp = nb.phase_plane(nb.blox.FitzHughNagumo(name="fhn"), x="fhn.V", y="fhn.w",
                        params={"fhn.I": I}, xlim=(-3, 3), ylim=(-2, 3), resolution=100)
    V, w = np.vstack(pp.nullclines["x"]).T
    assert np.max(np.abs(V - V ** 3 / 3 - w + I)) < 1e-9  # refined onto the cubic, not a coarse contour
    # the cubic nullcline spans the whole window in V
    assert V.min() < -2.0 and V.max() > 2.0
    V2, w2 = np.vstack(pp.nullclines["y"]).T
    assert np.max(np.abs(V2 + 0.7 - 0.8 * w2)) < 1e-9
    ref = nb.fixed_points(nb.blox.FitzHughNagumo(name="fhn"), params={"fhn.I": I},
                          bounds={"fhn.V": (-3, 3), "fhn.w": (-2, 3)})
    assert len(pp.fixed_points) == 1
    assert pp.fixed_points[0].state["fhn.V"] == pytest.approx(ref[0].state["fhn.V"], abs=1e-9)
    assert pp.fixed_points[0].stability == ref[0].stability == "unstable focus"
    assert pp.u.shape == (20, 20)


def test_three_fixed_points_and_trajectories():
    pp = nb.phase_plane(nb.blox.FitzHughNagumo(name="fhn"), x="fhn.V", y="fhn.w",
                        params={"fhn.a": 0.0, "fhn.b": 2.0, "fhn.tau": 1.0},
                        xlim=(-3, 3), ylim=(-2, 2), trajectories=[{"fhn.V": 0.1, "fhn.w": 0.0}])
    # at V = +-sqrt(3/2): trace -2.5, det 2 -> complex pair; at V = 0: det < 0
    assert [f.stability for f in pp.fixed_points] == ["stable focus", "saddle", "stable focus"]
    end = pp.trajectories[0][-1]
    assert end[0] == pytest.approx(np.sqrt(1.5), abs=1e-3)  # attracted to the right node


def test_hh_plane_holds_other_states():
    s = nb.compile(nb.blox.HodgkinHuxley(name="hh"))
    pp = nb.phase_plane(s, "hh.V", "hh.n", xlim=(-90, 50), ylim=(0, 1),
                        fixed={"hh.m": 0.05, "hh.h": 0.6})
    assert pp.nullclines["x"] and pp.nullclines["y"]
    assert all(np.all(np.isfinite(c)) for c in pp.nullclines["x"])


def test_phase_plane_bad_inputs():
    b = nb.blox.FitzHughNagumo(name="fhn")
    with pytest.raises(nb.ParameterError, match="two different"):
        nb.phase_plane(b, x="fhn.V", y="fhn.V")
    with pytest.raises(nb.ParameterError, match="fhn.w"):
        nb.phase_plane(b, x="fhn.V", y="fhn.W")
    with pytest.raises(nb.ParameterError, match="low < high"):
        nb.phase_plane(b, x="fhn.V", y="fhn.w", xlim=(1, 0))


def test_to_pandas():
    pp = nb.phase_plane(nb.blox.FitzHughNagumo(name="fhn"), x="fhn.V", y="fhn.w")
    df = pp.to_pandas()
    assert set(df["nullcline"]) == {"dx/dt=0", "dy/dt=0"}


def _box(*arrays):
    a = np.vstack([np.atleast_2d(x) for x in arrays if len(x)])
    return a.min(axis=0), a.max(axis=0)


@pytest.mark.parametrize("blox, x, y", [
    (nb.blox.WilsonCowan(name="wc"), "wc.E", "wc.I"),
    (nb.blox.FitzHughNagumo(name="fhn"), "fhn.V", "fhn.w")])
def test_default_window_fits_what_the_dynamics_show(blox, x, y):
    """Issue 16 (lesson 5): the default window was the initial value +- 2, so
    Wilson-Cowan's rhythm (E, I in 0-0.45) filled a corner of a 4 x 4 plane.
    The window now holds the fixed points, the run from the initial state
    (simulated here, not taken from the phase plane) and the nullclines' knees,
    and is at most twice their extent on each axis."""
    pp = nb.phase_plane(blox, x=x, y=y)
    sol = nb.simulate(blox, 300.0, dt=0.05, method="rk4")
    run = np.column_stack([sol[x], sol[y]])
    fps = np.array([[f.state[x], f.state[y]] for f in pp.fixed_points])
    knees = []
    for c in pp.nullclines["x"] + pp.nullclines["y"]:
        d = np.sign(np.diff(c, axis=0))
        turn = np.r_[False, (d[:-1] * d[1:] < 0).any(axis=1), False]
        knees.append(c[turn])
    lo, hi = _box(run, fps, *knees)
    for k, lim in enumerate((pp.xlim, pp.ylim)):
        assert lim[0] <= lo[k] and hi[k] <= lim[1], (lim, lo[k], hi[k])
        assert lim[1] - lim[0] <= 2.0 * (hi[k] - lo[k]), (lim, lo[k], hi[k])
    assert pp.fixed_points


def test_listed_trajectories_are_in_the_default_window():
    fhn = nb.blox.FitzHughNagumo(name="fhn")
    pp = nb.phase_plane(fhn, x="fhn.V", y="fhn.w", trajectories=[{"fhn.V": 2.5, "fhn.w": 1.5}])
    assert pp.xlim[0] < 2.5 < pp.xlim[1] and pp.ylim[0] < 1.5 < pp.ylim[1]
    # a window given on one axis is kept; the other is chosen
    pp = nb.phase_plane(fhn, x="fhn.V", y="fhn.w", xlim=(-3.0, 3.0))
    assert pp.xlim == (-3.0, 3.0) and pp.ylim[1] - pp.ylim[0] < 4.0


def test_phase_window_holds_fixed_points_and_knees_without_running_a_trajectory(monkeypatch):
    """phase_window: the window phase_plane picks from the fixed points and the
    nullclines' turning points, with no trajectory run (the explorer calls it on
    every slider move).  FitzHugh-Nagumo (a=0.7, b=0.8, I=0): fixed point
    V = -1.199 (FitzHugh 1961's resting state), V-nullcline knees at V = +-1."""
    import nbblox.analysis.phaseplane as ppm
    monkeypatch.setattr(ppm, "_trajectories", lambda *a, **k: pytest.fail("ran a trajectory"))
    fhn = nb.blox.FitzHughNagumo(name="fhn")
    (x0, x1), (y0, y1) = ppm.phase_window(fhn, "fhn.V", "fhn.w")
    monkeypatch.undo()
    assert x0 < -1.199 and x1 > 1.0
    fp = nb.phase_plane(fhn, "fhn.V", "fhn.w", xlim=(x0, x1), ylim=(y0, y1)).fixed_points
    assert len(fp) == 1 and fp[0].x[0] == pytest.approx(-1.199, abs=1e-3)
    assert y0 < fp[0].x[1] < y1
