"""HoloViews bifurcation diagrams of continuation Branches and brute-force
diagrams.

Conventions (AUTO/MatCont): stable solid, unstable dashed; equilibria in
black, limit cycles as the envelope of their maximum and minimum in blue;
special points as markers named in the legend, each with its own text label
placed clear of the branch lines, the markers and the other labels (a label
set off from a crowded point is tied to it by a thin leader line).  Every
element carries the figure size, so ``br.plot() * cycles.plot()`` keeps it.
"""
from __future__ import annotations

import numpy as np

from .phaseplane import line, param_label
from .style import CANVAS, FONTS, PALETTE, PLAIN, SPECIAL
from .units import axis_label, short_names, state_doc, state_unit

__all__ = ["plot_branch", "plot_brute_force", "branch_elements"]

EQUILIBRIUM, CYCLE = "#000000", PALETTE[0]
#: the margin (a share of the span) every figure adds around its data; label
#: boxes stay inside it
PAD = 0.05
#: what each special point's legend entry says it is (its marker's label is the code)
#: Each entry, like each line's ("unstable limit cycles"), is at most 21 characters: two
#: legend columns of 10.5 pt then fit the explorer view's least width, 340 px (with
#: "unstable limit cycles (max and min)" the legend was 414-500 px wide)
_NAMES = {"H": "Hopf bifurcation", "LP": "saddle-node fold", "LPC": "fold of cycles",
          "BP": "branch point", "PD": "period doubling", "NS": "torus (N-S)",
          "CP": "cusp", "BT": "Bogdanov-Takens", "GH": "Bautin", "ZH": "zero-Hopf",
          "HH": "double Hopf"}
#: the longest legend entry (see _NAMES)
LEGEND_CHARS = 21


def _runs(mask):
    """Index ranges [a, b] of constant value (neighbours share their end point)."""
    out, a = [], 0
    for i in range(1, len(mask) + 1):
        if i == len(mask) or mask[i] != mask[a]:
            out.append((a, min(i, len(mask) - 1), bool(mask[a])))
            a = i
    return out


def _geometry(br, y):
    """What one branch draws: its lines ``[(x, y)]`` and its special points
    ``[(x, y, kind)]`` with the side each label must avoid (a Hopf point's cycles)."""
    two = br.param_values.ndim == 2
    cycle = br.period is not None
    if two:
        curves = [(br.param_values[:, 0], br.param_values[:, 1])]
    else:
        xs = br.param_values
        curves = [(xs, br.max[y]), (xs, br.min[y])] if cycle else [(xs, br.states[y])]
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
    return curves, pts, avoid


def _family(br, y, family):
    """The branches whose labels are placed together with ``br``'s (``br``
    first among equals: the order is the branches' own, so every member
    computes the same layout): the given ``family``, else the branches linked
    to ``br`` by start points (:meth:`~nbblox.analysis.branch.Branch.related`),
    keeping those drawn on the same axes."""
    if br.param_values.ndim == 2:
        return [br]
    if family is None:
        related = getattr(br, "related", None)
        family = related() if callable(related) else [br]
    keep = [b for b in family if b is br or (
        getattr(b, "param_values", np.empty((0, 0))).ndim == 1
        and tuple(b.param_names) == tuple(br.param_names) and y in b.states
        and (b.period is None or (b.max is not None and y in b.max)))]
    return keep if any(b is br for b in keep) else [br] + keep


def _labels_of(br, y, family, frame_px=None):
    """Label places of ``br``'s special points, laid out with every branch of
    its family: ``(pts, places, curves, reach)``, ``reach`` the (x0, x1, y0, y1)
    the label texts cover.  A label of one branch then keeps
    clear of the lines and labels of the others (lesson 3's HH diagram: an
    "LPC" of the cycle branch sat on the equilibrium line).  ``frame_px``:
    the data area's (width, height) in px, which sets a label's size in data
    units (the explorer's ~190 px tall view draws 11 pt text at twice the
    share of the height a 360 px figure gives it)."""
    members = _family(br, y, family)
    curves, pts, avoid, mine = [], [], [], None
    for b in members:
        c, p, a = _geometry(b, y if b.param_values.ndim == 1 else None)
        if b is br:
            mine = (len(pts), len(pts) + len(p))
        curves += c
        pts += p
        avoid += a
    own = _geometry(br, y)[0]
    if not pts[mine[0]:mine[1]]:
        return [], [], own, None
    px = np.array([a for a, _, _ in pts])
    py = np.array([b for _, b, _ in pts])
    kinds = [k for _, _, k in pts]
    allx = np.concatenate([np.ravel(c[0]) for c in curves])
    ally = np.concatenate([np.ravel(c[1]) for c in curves])
    xspan = float(np.nanmax(allx) - np.nanmin(allx)) or 1.0
    yspan = float(np.nanmax(ally) - np.nanmin(ally)) or 1.0
    # the unit lengths in which the label sizes (given for _FRAME_PX) hold
    fw, fh = frame_px or _FRAME_PX
    ux, uy = xspan * _FRAME_PX[0] / fw, yspan * _FRAME_PX[1] / fh
    # every label box inside the range the figure shows: the lines' extent and the
    # padding (PAD of the span) around it; a frame taller than the padding cut labels
    # off at the top (lesson 10's "LPC")
    frame = ((np.nanmin(allx) - PAD * xspan) / ux, (np.nanmax(allx) + PAD * xspan) / ux,
             (np.nanmin(ally) - PAD * yspan) / uy, (np.nanmax(ally) + PAD * yspan) / uy)
    places = _place_labels(px, py, kinds, curves, ux, uy, avoid=avoid, frame=frame)
    a, b = mine
    boxes = np.array([p[5] for p in places[a:b]])
    # where the text reaches, in data units (a label left outside the frame as a
    # last resort widens the figure's range instead of being cut off)
    reach = (boxes[:, 0].min() * ux, boxes[:, 2].max() * ux,
             boxes[:, 1].min() * uy, boxes[:, 3].max() * uy)
    places = [(p[0] * ux, p[1] * uy, p[2], p[3], p[4]) for p in places[a:b]]
    return pts[a:b], places, own, reach


def branch_elements(br, y=None, color=None, framewise=False, family=None, frame_px=None):
    """The HoloViews elements of one branch (lines, special points, labels),
    without figure options.  ``color`` defaults to black for equilibria and
    blue for cycles.  ``family``: the branches drawn in the same figure (by
    default those linked to ``br`` by start points): labels are placed clear
    of all their lines and labels.  ``frame_px``: (width, height) of the data
    area in px (default 480 x 360), for the size of a label in data units.

    A branch with special points always has the same layers: one Points per
    kind, one Segments (the leader lines, maybe none) and one Labels (each
    label with its own alignment), so a new diagram of the same kinds can be
    drawn into the rendered one in place (:mod:`nbblox.ui.explore.redraw`)
    wherever its labels went."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    system = getattr(br, "system", None)
    two = br.param_values.ndim == 2
    cycle = br.period is not None
    if two:
        xl, yl = br.param_names
        xd = hv.Dimension(xl, label=param_label(system, xl))
        yd = hv.Dimension(yl, label=param_label(system, yl))
    else:
        y = y or br.state_names[0]
        if y not in br.states:
            from ..exceptions import ParameterError, suggest
            raise ParameterError(f"no state named {y!r} on this branch." + suggest(y, br.state_names))
        xl, yl = br.param_names[0], y
        xd = hv.Dimension(xl, label=param_label(system, xl))
        yd = hv.Dimension(yl, label=axis_label(short_names([yl]), state_unit(system, yl),
                                               state_doc(system, yl)))
    pts, places, curves, reach = _labels_of(br, y, family, frame_px)
    xs = curves[0][0]
    color = color or (CYCLE if cycle else EQUILIBRIUM)
    # the legend's words: "stable"/"unstable" as the phase plane's fixed points; a
    # cycle branch draws the largest and smallest value of y over each cycle (the module
    # docstring and lessons say so: "(max and min)" made the legend too wide, _NAMES)
    what = "limit cycles" if cycle else ("curve" if two else "equilibria")
    # a special point at the end of a branch (a fold where the branch turns back, or
    # the interval's end) must not sit on the frame: a margin on every side
    common = dict(backend="bokeh", framewise=framewise, padding=PAD)
    els = []
    runs = _runs(br.stable) if not two else [(0, len(xs) - 1, True)]
    for stable in (True, False):
        pieces = [np.column_stack([cx[a:b + 1], cy[a:b + 1]]) for cx, cy in curves
                  for a, b, st in runs if st == stable and b > a]
        if pieces:
            label = (f"stable {what}" if stable else f"unstable {what}") if not two else what
            els.append(line(pieces, xd, yd, label, color=color, line_width=2.2,
                            line_dash="solid" if stable else "dashed", **common))
    if pts:
        kinds = [k for _, _, k in pts]
        for kind in dict.fromkeys(kinds):
            sel = [(a, b) for a, b, k in pts if k == kind]
            els.append(hv.Points(np.array(sel, float), kdims=[xd, yd], datatype=PLAIN,
                                 label=f"{kind}: {_NAMES.get(kind, kind)}")
                       .opts(color=SPECIAL.get(kind, "#7F7F7F"), size=10, line_color="black",
                             tools=["hover"], **common))
        rows = [(ax, ay, kind, align, baseline) for (_, _, kind), (ax, ay, align, baseline, _)
                in zip(pts, places)]
        # a label set off from its point is tied to it by a thin line
        leaders = [(px, py, ax, ay) for (px, py, _), (ax, ay, _, _, far) in zip(pts, places)
                   if far]
        els.append(hv.Segments(np.array(leaders, float).reshape(-1, 4),
                               kdims=[xd, yd, "x1", "y1"], datatype=PLAIN)
                   .opts(color="#777777", line_width=0.8, **common))
        cols = list(zip(*rows))
        # the range reaches every label's text (a soft range: no wider when they fit)
        lx = xd.clone(soft_range=reach[:2])
        ly = yd.clone(soft_range=reach[2:])
        lab = hv.Labels({xl: list(cols[0]), yl: list(cols[1]), "kind": list(cols[2]),
                         "align": list(cols[3]), "baseline": list(cols[4])},
                        kdims=[lx, ly], vdims=["kind", "align", "baseline"], datatype=PLAIN)
        els.append(lab.opts(text_font_size="11pt", text_color="#333333",
                            text_align=hv.dim("align"), text_baseline=hv.dim("baseline"),
                            **common))
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


# where a label may go, in order of preference: the four quadrants (above right
# first), then beside, above and below the point; each at growing distances
_DIRS = ((1, 1), (-1, 1), (1, -1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))
_STEPS = (1.0, 2.0, 3.0, 4.5)
_FRAME_PX = (480, 360)               # the frame the sizes below are given for
_CHAR_W, _TEXT_H = 0.02, 0.05        # 11 pt text in a 480x360 frame, in units of the spans
_MARK_W, _MARK_H = 0.012, 0.018      # half size of a special-point marker (10 px)
_GAP = 0.012                         # between two labels (~4-6 px)


def _box(x, y, sx, sy, step, w, h):
    """Anchor, alignment and text box ``(x0, y0, x1, y1)`` of a label set
    ``step`` offsets from the point (x, y) in direction (sx, sy)."""
    ax, ay = x + sx * 0.015 * step, y + sy * 0.03 * step
    x0 = ax if sx > 0 else (ax - w if sx < 0 else ax - w / 2)
    y0 = ay if sy > 0 else (ay - h if sy < 0 else ay - h / 2)
    align = "left" if sx > 0 else ("right" if sx < 0 else "center")
    baseline = "bottom" if sy > 0 else ("top" if sy < 0 else "middle")
    return (ax, ay, align, baseline), (x0, y0, x0 + w, y0 + h)


def _apart(a, b, pad=0.004):
    return a[2] + pad <= b[0] or b[2] + pad <= a[0] or a[3] + pad <= b[1] or b[3] + pad <= a[1]


def _place_labels(px, py, labels, curves, xspan, yspan, clear=0.035, avoid=None, frame=None):
    """Where each special point's label goes: ``[(x, y, align, baseline, far,
    box)]`` with (x, y) and the text ``box`` (x0, y0, x1, y1) in units of the
    spans and ``far`` when the label sits away from its point (a leader line
    ties them).  Every point gets a label: the first
    place in :data:`_DIRS` x :data:`_STEPS` whose text box overlaps no other
    label, no marker and stays inside ``frame`` (x0, x1, y0, y1), keeping
    ``clear`` from the branch lines; failing that, the free place farthest
    from the lines (a fold of cycles has both arms on one side).  ``avoid[j]``
    is a side (+1/-1) the label of point j must not take (a Hopf point's cycles)."""
    pts = _dense(curves, xspan, yspan)
    mx, my = np.asarray(px, float) / xspan, np.asarray(py, float) / yspan
    marks = [(a - _MARK_W, b - _MARK_H, a + _MARK_W, b + _MARK_H) for a, b in zip(mx, my)]
    placed, out = [], []
    for j, (x, y) in enumerate(zip(mx, my)):
        w, h = _CHAR_W * len(labels[j]), _TEXT_H
        chosen, fallback, far = None, None, -np.inf
        for step in _STEPS:
            for sx, sy in _DIRS:
                if avoid is not None and sx != 0 and avoid[j] == sx:
                    continue
                where, box = _box(x, y, sx, sy, step, w, h)
                # labels keep a few px apart (two "LPC" of Hodgkin-Huxley touched)
                if not (all(_apart(box, b, _GAP) for b in placed)
                        and all(_apart(box, b) for b in marks)):
                    continue
                inside = frame is None or (box[0] >= frame[0] and box[2] <= frame[1]
                                           and box[1] >= frame[2] and box[3] <= frame[3])
                dx = np.maximum(0, np.maximum(box[0] - pts[:, 0], pts[:, 0] - box[2]))
                dy = np.maximum(0, np.maximum(box[1] - pts[:, 1], pts[:, 1] - box[3]))
                gap = float(np.min(np.hypot(dx, dy))) if len(pts) else 1.0
                score = gap if inside else gap - 1.0     # outside the frame: last resort
                if score >= clear:
                    chosen = (where, box, step)
                    break
                if score > far:
                    fallback, far = (where, box, step), score
            if chosen:
                break
        best = chosen or fallback
        if best is None:                    # crowded beyond every candidate: stack above
            best = _box(x, y, 0, 1, _STEPS[-1] + 2 * len(placed), w, h) + (_STEPS[-1],)
        (ax, ay, align, baseline), box, step = best
        placed.append(box)
        out.append((ax, ay, align, baseline, step > 1.0, box))
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
    els = branch_elements(br, y=y, color=color, frame_px=(width, height))
    if title is None:
        title = _title(br)
    # the title rides on every element too: an Overlay of Overlays keeps only theirs.
    # The legend goes above the data, in two columns: it covers no branch and the figure
    # stays the width of its data.  Only options HoloViews propagates from the elements
    # to an Overlay of Overlays (br.plot() * cycles.plot()) may place it: a legend
    # "right" with its location "top" given in backend_opts (not propagated) landed at
    # the bottom of the right margin in lessons 3 and 10 (HoloViews puts an outside
    # legend at legend_offset, (0, 0): the bottom)
    # (the markers are the layers whose type has legend options)
    # Bokeh's legend margin (10 px, on both sides in the row above the data) left a
    # ~30 px gap under the title: LEGEND_MARGIN is set by a hook on every element (hooks
    # stay with the elements through ``*``; legend_opts do not), and the offset of twice
    # that centres the legend in its row, clear of the data
    size = dict(frame_width=width, frame_height=height, fontsize=FONTS, show_grid=True,
                title=title, backend_opts=CANVAS, hooks=[_legend_margin])
    legend = dict(legend_position="top", legend_cols=2, legend_offset=(0, 2 * LEGEND_MARGIN))
    els = [e.opts(backend="bokeh", **size) for e in els]
    els = [e.opts(backend="bokeh", **legend) if isinstance(e, hv.Points) else e for e in els]
    return hv.Overlay(els).opts(backend="bokeh", show_legend=True, **size, **legend)


#: px between a static bifurcation diagram's legend and the title above it, the data below
LEGEND_MARGIN = 4


def _legend_margin(plot, element):
    """Plot hook: every legend of the figure keeps LEGEND_MARGIN px around it
    (a live view's ``legend_opts`` still win: they are applied after the hooks)."""
    for legend in plot.state.legend:
        legend.margin = LEGEND_MARGIN


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
