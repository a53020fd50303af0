"""Lesson 3's bifurcation figures: the title names the model, no special-point
label sits on a branch line (the LPC label of Morris-Lecar's fold of cycles was
drawn across the cycle branch), and every special point has its own label, none
over another label or a marker (Hodgkin-Huxley's cycle branch has three folds of
cycles, two of them 0.08 uA/cm^2 apart: one was left unlabelled).  Morris-Lecar
'hopf' set (Rinzel & Ermentrout 1989): subcritical Hopf near I = 94, fold of
cycles near I = 88 uA/cm^2."""
import numpy as np
import pytest

import holoviews as hv

import nbblox as nb
from nbblox.viz.bifurcation import _dense


@pytest.fixture(scope="module")
def branches():
    ml = nb.blox.MorrisLecar(name="ml", preset="hopf")
    eq = nb.continuation(ml, "ml.I", (60.0, 120.0), params={"ml.I": 60.0})
    hopf = [sp for sp in eq.special_points if sp.kind == "H"][0]
    cyc = nb.continuation(ml, "ml.I", (60.0, 120.0), start=hopf)
    return eq, cyc


def _labels(ov):
    return [e for e in ov if isinstance(e, hv.Labels)]


def _box(lab, i, xspan, yspan):
    """The label's text box in axes of unit span (11 pt text in the 480x360
    frame: ~0.018 of the width per character, 0.045 of the height)."""
    x = lab.dimension_values(0)[i] / xspan
    y = lab.dimension_values(1)[i] / yspan
    w, h = 0.018 * len(str(lab.dimension_values(2)[i])), 0.045
    align, baseline = lab.dimension_values("align")[i], lab.dimension_values("baseline")[i]
    x0 = {"left": x, "right": x - w, "center": x - w / 2}[align]
    y0 = {"bottom": y, "top": y - h, "middle": y - h / 2}[baseline]
    return x0, y0, w, h


def test_title_names_the_model(branches):
    eq, cyc = branches
    ov = eq.plot() * cyc.plot()
    titles = {e.opts.get().kwargs.get("title") for e in ov}
    assert titles == {"Morris–Lecar 'ml': bifurcations in I"}


def test_no_label_touches_a_branch_line(branches):
    eq, cyc = branches
    ov = eq.plot() * cyc.plot()
    curves = []
    for br in (eq, cyc):
        if br.period is None:
            curves.append((br.param_values, br.states["ml.V"]))
        else:
            curves += [(br.param_values, br.max["ml.V"]), (br.param_values, br.min["ml.V"])]
    allx = np.concatenate([np.ravel(c[0]) for c in curves])
    ally = np.concatenate([np.ravel(c[1]) for c in curves])
    xspan, yspan = np.ptp(allx), np.ptp(ally)
    pts = _dense(curves, xspan, yspan)
    kinds = []
    for lab in _labels(ov):
        for i in range(len(lab)):
            x0, y0, w, h = _box(lab, i, xspan, yspan)
            inside = ((pts[:, 0] > x0 - 0.005) & (pts[:, 0] < x0 + w + 0.005)
                      & (pts[:, 1] > y0 - 0.005) & (pts[:, 1] < y0 + h + 0.005))
            kinds.append(lab.dimension_values(2)[i])
            assert not inside.any(), f"label {kinds[-1]} lies on a branch line"
    assert sorted(kinds) == ["H", "LPC"]


@pytest.fixture(scope="module")
def hh_branches():
    hh = nb.blox.HodgkinHuxley(name="hh")
    rest = nb.continuation(hh, "hh.I", (0.0, 20.0))
    hopf = [sp for sp in rest.special_points if sp.kind == "H"][0]
    return rest, nb.continuation(hh, "hh.I", (0.0, 20.0), start=hopf)


def _spans(branches, y):
    xs = np.concatenate([np.ravel(br.param_values) for br in branches])
    ys = np.concatenate([np.ravel(v) for br in branches for v in
                         ([br.max[y], br.min[y]] if br.period is not None else [br.states[y]])])
    return np.ptp(xs), np.ptp(ys)


@pytest.mark.slow
def test_every_special_point_has_its_own_label(hh_branches):
    """Hodgkin-Huxley's limit cycles fold three times (near I = 6.3, 7.84 and
    7.92 uA/cm^2; Rinzel & Miller 1980 give the lowest, 6.26): the analysis
    carries all three, and the figure labels all three, each label apart from
    every other label and every marker."""
    rest, cyc = hh_branches
    lpc = [sp for sp in cyc.special_points if sp.kind == "LPC"]
    assert len(lpc) == 3
    assert abs(min(sp.param_value for sp in lpc) - 6.26) < 0.05
    ov = rest.plot() * cyc.plot()
    texts = [str(t) for lab in _labels(ov) for t in lab.dimension_values(2)]
    marks = [p for p in ov if isinstance(p, hv.Points)]
    assert texts.count("LPC") == len(lpc) == len(next(p for p in marks if "LPC" in p.label))
    assert texts.count("H") == 1
    # labels of one branch never overlap each other or its markers
    for br in (rest, cyc):
        xspan, yspan = _spans([br], "hh.V")
        els = br.plot()
        boxes = [_box(lab, i, xspan, yspan) for lab in _labels(els) for i in range(len(lab))]
        for k, (x0, y0, w, h) in enumerate(boxes):
            for (a0, b0, u, v) in boxes[k + 1:]:
                assert x0 + w <= a0 or a0 + u <= x0 or y0 + h <= b0 or b0 + v <= y0, \
                    "two labels overlap"
            for p in (e for e in els if isinstance(e, hv.Points)):
                for mx, my in zip(p.dimension_values(0) / xspan, p.dimension_values(1) / yspan):
                    assert not (x0 < mx < x0 + w and y0 < my < y0 + h), "a label covers a marker"


def _all_lines(branches, y):
    curves = []
    for br in branches:
        curves += ([(br.param_values, br.max[y]), (br.param_values, br.min[y])]
                   if br.period is not None else [(br.param_values, br.states[y])])
    return curves


@pytest.mark.slow
def test_labels_of_overlaid_branches_keep_clear_of_each_others_lines(hh_branches):
    """Issue 16: labels were placed per branch, so the lowest "LPC" of
    Hodgkin-Huxley's cycle branch sat on the equilibrium line drawn by the
    other branch (lesson 3, section 5).  The two branches are linked by the
    Hopf point the cycles started from, and each places its labels knowing the
    other's lines and labels: no label of the overlay is nearer than 2 % of the
    axes to any line, and no two labels of the overlay overlap."""
    rest, cyc = hh_branches
    assert [b.kind for b in rest.related()] == ["equilibrium", "cycle"]
    assert [b.kind for b in cyc.related()] == ["equilibrium", "cycle"]
    ov = rest.plot() * cyc.plot()
    xspan, yspan = _spans([rest, cyc], "hh.V")
    pts = _dense(_all_lines([rest, cyc], "hh.V"), xspan, yspan)
    boxes = [(_box(lab, i, xspan, yspan), str(lab.dimension_values(2)[i]))
             for lab in _labels(ov) for i in range(len(lab))]
    assert sorted(t for _, t in boxes) == ["H", "LPC", "LPC", "LPC"]
    for (x0, y0, w, h), text in boxes:
        dx = np.maximum(0, np.maximum(x0 - pts[:, 0], pts[:, 0] - (x0 + w)))
        dy = np.maximum(0, np.maximum(y0 - pts[:, 1], pts[:, 1] - (y0 + h)))
        assert np.hypot(dx, dy).min() >= 0.02, f"label {text} sits on a branch line"
    for k, ((x0, y0, w, h), a) in enumerate(boxes):
        for (a0, b0, u, v), b in boxes[k + 1:]:
            assert x0 + w <= a0 or a0 + u <= x0 or y0 + h <= b0 or b0 + v <= y0, \
                f"labels {a} and {b} overlap"
    # the same layout whichever branch is drawn first
    def where(overlay):
        return sorted((str(t), round(float(x), 9), round(float(y), 9)) for lab in _labels(overlay)
                      for x, y, t in zip(*(lab.dimension_values(i) for i in range(3))))
    assert where(cyc.plot() * rest.plot()) == where(ov)


def test_a_special_point_at_the_end_of_a_branch_is_inside_the_frame():
    """Issue 16, lesson 3's SNIC diagram: the fold (LP) at the branch's turning
    point sat on the right edge of the frame, half its marker cut off."""
    from bokeh.models import Range1d
    ml = nb.blox.MorrisLecar(name="ml", preset="snic")
    br = nb.continuation(ml, "ml.I", (0.0, 80.0), x0={"ml.V": -60.0, "ml.w": 0.0})
    lp = [sp.param_value for sp in br.special_points if sp.kind == "LP"]
    assert lp and abs(max(lp) - float(np.max(br.param_values))) < 1e-6   # the branch's end
    fig = hv.render(br.plot(), backend="bokeh")
    xr = fig.x_range
    assert isinstance(xr, Range1d) or hasattr(xr, "end")
    span = float(np.ptp(br.param_values))
    assert xr.end >= max(lp) + 0.03 * span, (xr.start, xr.end, lp)
