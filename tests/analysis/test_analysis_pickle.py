"""Analysis results pickle and deep-copy whole (parallel loops over models, saved
sessions): fixed points, phase planes, branches with their special points and the
links between branches, codim-2 curves, brute-force diagrams, slow points, spectra,
spike-train statistics and connectivity matrices."""
import copy
import sys
from pathlib import Path

import numpy as np
import pytest

import nbblox as nb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickled import assert_same, round_trip  # noqa: E402

COPIES = [round_trip, copy.deepcopy]


def fhn():
    """FitzHugh-Nagumo (FitzHugh 1961): one fixed point, a Hopf pair in I (0 < I < 2)."""
    return nb.blox.FitzHughNagumo(name="fhn")


@pytest.fixture(scope="module")
def branches():
    br = nb.continuation(fhn(), "fhn.I", (0.0, 2.0))
    cyc = nb.continuation(fhn(), "fhn.I", (0.0, 2.0), start=br.special("H")[0])
    return br, cyc


@pytest.mark.parametrize("copier", COPIES)
def test_branches_keep_their_points_and_links(branches, copier):
    br, cyc = branches
    br2, cyc2 = copier((br, cyc))
    assert_same(br, br2)
    assert_same(cyc, cyc2)
    # each point knows its own (copied) branch; the cycles know the Hopf point they came from
    assert all(p.branch_ref() is br2 for p in br2.special_points)
    assert all(p.branch_ref() is cyc2 for p in cyc2.special_points)
    assert cyc2.start is br2.special("H")[0]
    assert br2.related() == [br2, cyc2] and cyc2.related() == [br2, cyc2]
    assert br.related() == [br, cyc]                     # the originals are untouched
    # a branch alone still pickles: its start point comes along, without its branch
    alone = copier(cyc)
    assert alone.related() == [alone] and alone.start.kind == "H"
    assert br2.to_pandas().equals(br.to_pandas())


def test_a_codim2_curve_round_trips():
    """The cusp normal form dx/dt = a + r x - x^3 (Kuznetsov 2004, sec. 8.2)."""
    b = nb.Blox.from_equations("dx/dt = a + r*x - x**3", params={"a": -1.0, "r": 1.0}, name="c")
    br = nb.continuation(b, "c.a", (-1.0, 1.0), x0={"c.x": -1.3})
    curve = nb.continuation2(b, br.special("LP")[0], ("c.a", "c.r"),
                             bounds={"c.a": (-1, 1), "c.r": (-1, 2)})
    for copier in COPIES:
        back = copier(curve)
        assert_same(curve, back)
        assert [p.kind for p in back.special_points] == [p.kind for p in curve.special_points]


def make_results():
    t = np.arange(0, 4000, 0.5)
    x = np.sin(np.linspace(0, 20, 500))
    st = nb.spike_trains([np.array([10.0, 30.0, 50.0, 70.0]), np.array([20.0, 45.0])],
                         t_range=(0, 100))
    return {
        "fixed_points": nb.fixed_points(fhn(), params={"fhn.I": 0.0}),
        "phase_plane": nb.phase_plane(fhn(), x="fhn.V", y="fhn.w"),
        "brute_force": nb.brute_force_diagram(fhn(), "fhn.I", np.linspace(0, 1, 3), "fhn.V",
                                              t_end=100.0),
        "slow_points": nb.slow_points(fhn(), params={"fhn.I": 0.0}),
        "spectrum": nb.spectrum({"x": np.sin(2 * np.pi * 10.0 * t / 1000)}, dt=0.5),
        "spike_trains": st,
        "rate": st.population_rate(bin=10.0),
        "isi": st.isi(min_spikes=2),
        "functional_connectivity": nb.functional_connectivity(np.array([x, 2 * x + 1, -x])),
    }


@pytest.mark.parametrize("copier", COPIES)
def test_every_other_result_round_trips(copier):
    for name, res in make_results().items():
        back = copier(res)
        assert type(back) is type(res), name
        assert_same(res, back, name)
    fps = make_results()["fixed_points"]
    assert copier(fps)[0].stability == fps[0].stability
