"""No special-point label of a bifurcation diagram is cut off by the frame
(issue 16: lesson 10's explorer showed the top of its "LPC" label clipped).

Each figure is rendered by HoloViews into Bokeh; every label's text box is
computed in pixels from the rendered x and y ranges and the data area's size:
480 x 360 for ``Branch.plot()``; for the explorer's view the size measured in
JupyterLab at 1400 px with the file browser open (~470 x 185 px; the browser
test in tests/browser/test_appearance_lab.py checks the page itself).  11 pt
text is ~15 px tall and, in DejaVu Sans capitals, ~10 px a character.

Models: FitzHugh-Nagumo with a = 0.5 (lesson 10: two Hopf points and two folds
of cycles in I in (0, 2)); Morris-Lecar 'hopf' set (Rinzel & Ermentrout 1998:
subcritical Hopf near I = 94, fold of cycles near I = 88 uA/cm^2);
Hodgkin-Huxley (three folds of cycles near I = 6.3, 7.84, 7.92 uA/cm^2).
"""
import numpy as np
import pytest

import holoviews as hv

import nbblox as nb

TEXT_PX, CHAR_PX = 15.0, 10.0


def text_boxes(fig, width, height):
    """``[(text, x0, y0, x1, y1)]`` of every Text glyph of a rendered Bokeh
    figure, in px of a ``width`` x ``height`` data area (y up from its bottom)."""
    xr, yr = fig.x_range, fig.y_range
    out = []
    for r in fig.renderers:
        g = getattr(r, "glyph", None)
        if type(g).__name__ != "Text":
            continue
        data = r.data_source.data

        def col(spec, n):
            f = getattr(spec, "field", None) if not isinstance(spec, str) else None
            return list(data[f]) if f else [spec if isinstance(spec, str) else spec.value] * n
        xs, ys = np.asarray(data[g.x], float), np.asarray(data[g.y], float)
        texts = [str(t) for t in data[g.text]] if isinstance(g.text, str) else \
            [str(t) for t in data[g.text.field]]
        aligns, bases = col(g.text_align, len(xs)), col(g.text_baseline, len(xs))
        for x, y, t, a, b in zip(xs, ys, texts, aligns, bases):
            px = (x - xr.start) / (xr.end - xr.start) * width
            py = (y - yr.start) / (yr.end - yr.start) * height
            w = CHAR_PX * len(t)
            x0 = {"left": px, "right": px - w, "center": px - w / 2}[a]
            y0 = {"bottom": py, "top": py - TEXT_PX, "middle": py - TEXT_PX / 2}[b]
            out.append((t, x0, y0, x0 + w, y0 + TEXT_PX))
    return out


def line_points(fig, width, height, n=20):
    """The branch lines (Line glyphs) as points in px, ``n`` per drawn segment."""
    xr, yr = fig.x_range, fig.y_range
    out = []
    for r in fig.renderers:
        g = getattr(r, "glyph", None)
        if type(g).__name__ != "Line":
            continue
        x = (np.asarray(r.data_source.data[g.x], float) - xr.start) / (xr.end - xr.start) * width
        y = (np.asarray(r.data_source.data[g.y], float) - yr.start) / (yr.end - yr.start) * height
        t = np.linspace(0.0, 1.0, n)[:, None]
        seg = np.stack([x[:-1] + t * np.diff(x), y[:-1] + t * np.diff(y)], axis=-1)
        out.append(seg.reshape(-1, 2))
    pts = np.vstack(out)
    return pts[np.isfinite(pts).all(axis=1)]


def on_lines(boxes, pts, margin=2.0):
    return [b[0] for b in boxes if ((pts[:, 0] > b[1] - margin) & (pts[:, 0] < b[3] + margin)
                                    & (pts[:, 1] > b[2] - margin) & (pts[:, 1] < b[4] + margin)).any()]


def cut_off(boxes, width, height):
    return [b for b in boxes if b[1] < 0 or b[3] > width or b[2] < 0 or b[4] > height]


def overlapping(boxes):
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if not (a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2])]


@pytest.fixture(scope="module")
def fhn_branches():
    fhn = nb.blox.FitzHughNagumo(name="fhn")
    eq = nb.continuation(fhn, "fhn.I", (0.0, 2.0), params={"fhn.a": 0.5, "fhn.I": 0.0})
    hopf = [sp for sp in eq.special_points if sp.kind == "H"][0]
    return eq, nb.continuation(fhn, "fhn.I", (0.0, 2.0), start=hopf)


def test_every_label_of_a_static_diagram_is_inside_the_frame(fhn_branches):
    eq, cyc = fhn_branches
    assert [sp.kind for sp in cyc.special_points].count("LPC") == 2
    fig = hv.render(eq.plot() * cyc.plot(), backend="bokeh")
    boxes = text_boxes(fig, 480, 360)
    assert sorted(b[0] for b in boxes) == ["H", "H", "LPC", "LPC"]
    assert not cut_off(boxes, 480, 360), (boxes, fig.y_range.end)
    assert not overlapping(boxes), boxes


@pytest.fixture(scope="module")
def lesson10():
    """Lesson 10's explorer: FitzHugh-Nagumo at a = 0.5, its cycles drawn."""
    fhn = nb.blox.FitzHughNagumo(name="fhn")
    ex = nb.explore(fhn, vars=["fhn.V"], t_end=400.0, dt=0.05,
                    views=("timeseries", "bifurcation"), bifurcation=("fhn.I", (0.0, 2.0)))
    ex.set({"fhn.a": 0.5, "fhn.I": 0.3})
    assert ex.bifurcation.wait(300)
    return ex


@pytest.mark.parametrize("height", [185, 200])
def test_no_label_of_the_explorer_view_is_cut_off(lesson10, height):
    # the "LPC" of the upper fold of cycles sat above the last 10 px the range padding
    # gives (0.05 of ~190 px), its top cut off by the frame
    b = lesson10.bifurcation
    fig = hv.render(b._overlay(0.3), backend="bokeh")
    boxes = text_boxes(fig, 470, height)
    assert sorted(x[0] for x in boxes) == ["H", "H", "LPC", "LPC"]
    assert not cut_off(boxes, 470, height), (boxes, fig.y_range.start, fig.y_range.end)
    assert not overlapping(boxes), boxes
    # the equilibria's labels were laid out before the cycles arrived, and kept: the
    # lower "H" sat on the cycles' line rising from it
    assert not on_lines(boxes, line_points(fig, 470, height)), boxes


@pytest.mark.slow
def test_lesson3_hh_diagram_labels_every_fold_of_cycles_apart_and_inside():
    hh = nb.blox.HodgkinHuxley(name="hh")
    rest = nb.continuation(hh, "hh.I", (0.0, 20.0))
    hopf = [sp for sp in rest.special_points if sp.kind == "H"][0]
    cyc = nb.continuation(hh, "hh.I", (0.0, 20.0), start=hopf)
    fig = hv.render(rest.plot() * cyc.plot(), backend="bokeh")
    boxes = text_boxes(fig, 480, 360)
    assert sorted(b[0] for b in boxes) == ["H", "LPC", "LPC", "LPC"]
    assert not cut_off(boxes, 480, 360), boxes
    assert not overlapping(boxes), boxes
