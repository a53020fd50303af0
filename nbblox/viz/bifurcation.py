"""HoloViews bifurcation diagrams of continuation Branches and brute-force
diagrams.

Conventions (AUTO/MatCont): stable solid, unstable dashed; equilibria in
black, limit cycles as the envelope of their maximum and minimum in blue;
special points as markers named in the legend, with a text label once per
cluster (labels of nearby points of one kind would overlap).  Every element
carries the figure size, so ``br.plot() * cycles.plot()`` keeps it.
"""
from __future__ import annotations

import numpy as np

from .phaseplane import line, param_label
from .style import CANVAS, FONTS, PALETTE, SPECIAL
from .units import axis_label, short_names, state_doc, state_unit

__all__ = ["plot_branch", "plot_brute_force", "branch_elements"]

EQUILIBRIUM, CYCLE = "#000000", PALETTE[0]
_NAMES = {"H": "Hopf", "LP": "fold", "LPC": "fold of cycles", "BP": "branch point",
          "PD": "period doubling", "NS": "torus", "CP": "cusp", "BT": "Bogdanov-Takens",
          "GH": "Bautin", "ZH": "zero-Hopf", "HH": "double Hopf"}


def _runs(mask):
    """Index ranges [a, b] of constant value (neighbours share their end point)."""
    out, a = [], 0
    for i in range(1, len(mask) + 1):
        if i == len(mask) or mask[i] != mask[a]:
            out.append((a, min(i, len(mask) - 1), bool(mask[a])))
            a = i
    return out


def _declutter(px, py, kinds, xspan, yspan, frac=0.06):
    """Indices of special points to label: one per cluster of one kind."""
    keep = []
    for i in range(len(px)):
        near = any(kinds[j] == kinds[i] and abs(px[j] - px[i]) < frac * xspan
                   and abs(py[j] - py[i]) < frac * yspan for j in keep)
        if not near:
            keep.append(i)
    return keep


def branch_elements(br, y=None, color=None, framewise=False):
    """The HoloViews elements of one branch (lines, special points, labels),
    without figure options.  ``color`` defaults to black for equilibria and
    blue for cycles."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    system = getattr(br, "system", None)
    two = br.param_values.ndim == 2
    cycle = br.period is not None
    if two:
        xs, ys = br.param_values[:, 0], br.param_values[:, 1]
        xl, yl = br.param_names
        xd = hv.Dimension(xl, label=param_label(system, xl))
        yd = hv.Dimension(yl, label=param_label(system, yl))
        curves = [(xs, ys)]
    else:
        y = y or br.state_names[0]
        if y not in br.states:
            from ..exceptions import ParameterError, suggest
            raise ParameterError(f"no state named {y!r} on this branch." + suggest(y, br.state_names))
        xs, xl, yl = br.param_values, br.param_names[0], y
        xd = hv.Dimension(xl, label=param_label(system, xl))
        yd = hv.Dimension(yl, label=axis_label(short_names([yl]), state_unit(system, yl),
                                               state_doc(system, yl)))
        curves = [(xs, br.max[y]), (xs, br.min[y])] if cycle else [(xs, br.states[y])]
    color = color or (CYCLE if cycle else EQUILIBRIUM)
    what = "cycles (max and min)" if cycle else ("curve" if two else "equilibria")
    common = dict(backend="bokeh", framewise=framewise)
    els = []
    runs = _runs(br.stable) if not two else [(0, len(xs) - 1, True)]
    for stable in (True, False):
        pieces = [np.column_stack([cx[a:b + 1], cy[a:b + 1]]) for cx, cy in curves
                  for a, b, st in runs if st == stable and b > a]
        if pieces:
            label = (f"stable {what}" if stable else f"unstable {what}") if not two else what
            els.append(line(pieces, xd, yd, label, color=color, line_width=2.2,
                            line_dash="solid" if stable else "dashed", **common))
    pts, avoid = [], []
    for p in br.special_points:
        if two:
            px, py = p.param_value
        else:
            px = p.param_value
            py = (p.data.get("max", {}).get(y, p.state.get(y)) if cycle else p.state.get(y))
        if py is not None and np.isfinite(px) and np.isfinite(py):
            pts.append((float(px), float(py), p.kind))
            avoid.append(_cycle_side(br, p) if not (two or cycle) else 0)
    if pts:
        kinds = [k for _, _, k in pts]
        for kind in dict.fromkeys(kinds):
            sel = [(a, b) for a, b, k in pts if k == kind]
            els.append(hv.Points(sel, kdims=[xd, yd], label=f"{kind} ({_NAMES.get(kind, kind)})")
                       .opts(color=SPECIAL.get(kind, "#7F7F7F"), size=10, line_color="black",
                             tools=["hover"], **common))
        px = np.array([a for a, _, _ in pts])
        py = np.array([b for _, b, _ in pts])
        allx = np.concatenate([np.ravel(c[0]) for c in curves])
        ally = np.concatenate([np.ravel(c[1]) for c in curves])
        xspan = float(np.nanmax(allx) - np.nanmin(allx)) or 1.0
        yspan = float(np.nanmax(ally) - np.nanmin(ally)) or 1.0
        keep = _declutter(px, py, kinds, xspan, yspan)
        sides = _label_sides(px[keep], py[keep], [kinds[i] for i in keep], curves,
                             xspan, yspan, avoid=[avoid[i] for i in keep])
        for (sx, sy), idx in sides.items():
            ii = [keep[j] for j in idx]
            lab = hv.Labels({xl: px[ii] + sx * 0.015 * xspan, yl: py[ii] + sy * 0.03 * yspan,
                             "kind": [kinds[i] for i in ii]}, kdims=[xd, yd], vdims=["kind"])
            els.append(lab.opts(text_font_size="11pt", text_color="#333333",
                                text_align="left" if sx > 0 else "right",
                                text_baseline="bottom" if sy > 0 else "top", **common))
    return els


def _dense(curves, xspan, yspan, n=400):
    """The branch lines as points in axes of unit span, ``n`` per piece (a
    coarse continuation step would leave gaps between its points)."""
    out = []
    for cx, cy in curves:
        x, y = np.ravel(cx) / xspan, np.ravel(cy) / yspan
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
        if len(x) < 2:
            out.append(np.column_stack([x, y]))
            continue
        s = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))])
        u = np.linspace(0.0, s[-1], n * max(1, len(x) // 50))
        out.append(np.column_stack([np.interp(u, s, x), np.interp(u, s, y)]))
    return np.vstack(out) if out else np.empty((0, 2))


# label quadrants in order of preference: above right (the usual place) first
_SIDES = ((1, 1), (-1, 1), (1, -1), (-1, -1))


def _cycle_side(br, p):
    """The side (+1 right, -1 left, 0 unknown) on which the cycles born at a
    Hopf point of an equilibrium branch lie: where the equilibria are stable
    for a subcritical Hopf, unstable for a supercritical one.  Its label goes
    on the other side, off the cycle branch a user overlays."""
    if p.kind != "H" or p.lyapunov is None:
        return 0
    x = np.asarray(br.param_values, float)
    stable = np.asarray(br.stable, bool)
    left, right = stable[x < p.param_value], stable[x > p.param_value]
    if not (left.size and right.size):
        return 0
    # the stable side: the one whose points next to the Hopf point are stable
    near_l = left[np.argmax(x[x < p.param_value])]
    near_r = right[np.argmin(x[x > p.param_value])]
    if near_l == near_r:
        return 0
    stable_side = -1 if near_l else 1
    return stable_side if p.lyapunov > 0 else -stable_side


def _label_sides(px, py, labels, curves, xspan, yspan, clear=0.02, avoid=None):
    """``{(sx, sy): [index, ...]}``: the quadrant (signs of the x and y offset)
    of each point's label: the first in :data:`_SIDES` whose text box keeps
    ``clear`` (in units of the axes' span) from the branch lines, else the one
    farthest from them (a fold of cycles has both arms on one side)."""
    pts = _dense(curves, xspan, yspan)
    out = {}
    for j, (x, y) in enumerate(zip(px / xspan, py / yspan)):
        w, h = 0.02 * len(labels[j]), 0.05          # text box, 11 pt in a 480x360 frame
        best, far = None, -1.0
        for sx, sy in _SIDES:
            if avoid is not None and avoid[j] == sx:
                continue
            x0 = x + sx * 0.015 + (0 if sx > 0 else -w)
            y0 = y + sy * 0.03 + (0 if sy > 0 else -h)
            dx = np.maximum(0, np.maximum(x0 - pts[:, 0], pts[:, 0] - (x0 + w)))
            dy = np.maximum(0, np.maximum(y0 - pts[:, 1], pts[:, 1] - (y0 + h)))
            gap = float(np.min(np.hypot(dx, dy))) if len(pts) else 1.0
            if gap >= clear:
                best = (sx, sy)
                break
            if gap > far:
                best, far = (sx, sy), gap
        out.setdefault(best, []).append(j)
    return out


def plot_branch(br, y=None, width=480, height=360, color=None, title=None):
    """Bifurcation diagram of one Branch; overlay several with ``*``.

    Equilibria are black, limit cycles blue (the max and min of ``y`` over
    the cycle: its envelope); stable solid, unstable dashed.  On a codim-2
    curve the two parameters are the axes.

    Examples
    --------
    >>> import nbblox as nb
    >>> br = nb.continuation(nb.blox.FitzHughNagumo(name="fhn"), "fhn.I", (0.0, 2.0))
    >>> ov = br.plot()
    >>> type(ov).__name__, [e.label for e in ov][:2]
    ('Overlay', ['stable equilibria', 'unstable equilibria'])
    """
    import holoviews as hv
    els = branch_elements(br, y=y, color=color)
    if title is None:
        title = _title(br)
    # the title rides on every element too: an Overlay of Overlays keeps only theirs
    size = dict(frame_width=width, frame_height=height, fontsize=FONTS, show_grid=True,
                title=title, backend_opts=dict(CANVAS, **{"legend.location": "top"}))
    # an Overlay of Overlays (br.plot() * cycles.plot()) drops the overlays' options but
    # keeps the elements': each carries the size, and the markers (a legend plot type) the
    # legend position, which HoloViews propagates to the overlay
    els = [e.opts(backend="bokeh", **size) for e in els]
    els = [e.opts(backend="bokeh", legend_position="right") if isinstance(e, hv.Points) else e
           for e in els]
    return hv.Overlay(els).opts(backend="bokeh", show_legend=True, **size)


def _title(br):
    """``"MorrisLecar 'ml': bifurcations in I"``: the model, then the parameter."""
    from .units import model_title, safe_title
    what = model_title(getattr(br, "system", None))
    names = ", ".join(short_names(list(br.param_names)))
    text = f"{what}: bifurcations in {names}" if what else f"bifurcations in {names}"
    return safe_title(text)


def plot_brute_force(res, width=480, height=360):
    """Scatter of the recorded extrema against the parameter."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    df = res.to_pandas()
    pts = hv.Points(df, kdims=[res.param_name, res.var])
    return pts.opts(size=2, color="black", frame_width=width, frame_height=height,
                    fontsize=FONTS, backend="bokeh")
