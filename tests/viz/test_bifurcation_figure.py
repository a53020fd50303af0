"""Lesson 3's bifurcation figure: the title names the model, and no
special-point label sits on a branch line (the LPC label of Morris-Lecar's
fold of cycles was drawn across the cycle branch).  Morris-Lecar 'hopf' set
(Rinzel & Ermentrout 1998): subcritical Hopf near I = 94, fold of cycles near
I = 88 uA/cm^2."""
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
    o = lab.opts.get().kwargs
    x = lab.dimension_values(0)[i] / xspan
    y = lab.dimension_values(1)[i] / yspan
    w, h = 0.018 * len(str(lab.dimension_values(2)[i])), 0.045
    x0 = x if o["text_align"] == "left" else x - w
    y0 = y if o["text_baseline"] == "bottom" else y - h
    return x0, y0, w, h


def test_title_names_the_model(branches):
    eq, cyc = branches
    ov = eq.plot() * cyc.plot()
    titles = {e.opts.get().kwargs.get("title") for e in ov}
    assert titles == {"MorrisLecar 'ml': bifurcations in I"}


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
