"""Brute-force diagrams (cross-checked with continuation) and slow points."""
import numpy as np
import pytest

import nbblox as nb


def test_brute_force_agrees_with_cycle_continuation_fhn():
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    br = nb.continuation(s, "fhn.I", (0.0, 2.0))
    cyc = nb.continuation(s, "fhn.I", (0.0, 2.0), start=br.special("H")[0])
    Is = np.array([0.1, 0.2, 0.5, 0.8, 1.2, 1.7])
    bf = nb.brute_force_diagram(s, "fhn.I", Is, "fhn.V", t_end=800.0, dt=0.02)
    for I in Is:
        k = set(bf.kind[bf.param_values == I])
        oscillating = cyc.param_values.min() < I < cyc.param_values.max()
        assert (k == {"max", "min"}) == oscillating, I
        if oscillating:
            sel = cyc.stable & (np.abs(cyc.param_values - I) < 0.2)
            o = np.argsort(cyc.param_values[sel])
            vmax = np.interp(I, cyc.param_values[sel][o], cyc.max["fhn.V"][sel][o])
            got = bf.values[(bf.param_values == I) & (bf.kind == "max")]
            assert got.max() == pytest.approx(vmax, abs=0.01)
        else:
            eq = bf.values[(bf.param_values == I) & (bf.kind == "eq")][0]
            i = np.argmin(np.abs(br.param_values - I))
            assert eq == pytest.approx(br.states["fhn.V"][i], abs=0.05)
    df = bf.to_pandas()
    assert list(df.columns) == ["fhn.I", "fhn.V", "kind"]


def test_brute_force_bad_inputs():
    b = nb.blox.FitzHughNagumo(name="fhn")
    with pytest.raises(nb.ParameterError):
        nb.brute_force_diagram(b, "fhn.i", [0.0], "fhn.V")
    with pytest.raises(nb.ParameterError):
        nb.brute_force_diagram(b, "fhn.I", [0.0], "fhn.X")
    with pytest.raises(nb.ParameterError, match="transient"):
        nb.brute_force_diagram(b, "fhn.I", [0.0], "fhn.V", t_end=10.0, transient=20.0)


def test_slow_point_of_ghost_of_saddle_node():
    # x' = r + x^2 (r > 0): no equilibrium, but a slow point (the ghost of the fold) at x = 0
    # with q = |f|^2 / 2 = r^2 / 2 (Strogatz 2015, Nonlinear Dynamics and Chaos, Sec. 4.3)
    r = 0.01
    b = nb.Blox.from_equations("dx/dt = r + x**2\ndy/dt = -y", params={"r": r}, name="g")
    pts = nb.slow_points(b, bounds={"g.x": (-1, 1), "g.y": (-1, 1)})
    assert pts and not pts[0].fixed
    assert pts[0].state["g.x"] == pytest.approx(0.0, abs=1e-6)
    assert pts[0].q == pytest.approx(r ** 2 / 2, rel=1e-6)
    with pytest.warns(RuntimeWarning, match="no equilibrium"):
        assert nb.fixed_points(b, bounds={"g.x": (-1, 1), "g.y": (-1, 1)}) == []


def test_slow_points_network_finds_fixed_point():
    c = nb.Circuit([nb.blox.FitzHughNagumo(name=f"f{i}") for i in range(10)])
    pts = nb.slow_points(c, n_starts=4, bounds={f"f{i}.{v}": (-2, 2) for i in range(10) for v in "Vw"})
    assert pts[0].fixed and pts[0].stability == "stable focus"
    assert pts[0].state["f3.V"] == pytest.approx(-1.19941, abs=1e-4)
