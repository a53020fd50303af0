"""HoloViews bifurcation diagrams of continuation Branches and brute-force
diagrams: stable solid, unstable dashed, special points labelled."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_branch", "plot_brute_force"]

_COLORS = {"LP": "#d62728", "H": "#1f77b4", "BP": "#9467bd", "LPC": "#ff7f0e", "PD": "#2ca02c",
           "NS": "#8c564b", "CP": "#e377c2", "BT": "#17becf", "GH": "#bcbd22"}


def _runs(mask):
    """Index ranges [a, b] of constant value (neighbours share their end point)."""
    out, a = [], 0
    for i in range(1, len(mask) + 1):
        if i == len(mask) or mask[i] != mask[a]:
            out.append((a, min(i, len(mask) - 1), bool(mask[a])))
            a = i
    return out


def plot_branch(br, y=None, width=600, height=400, color="black"):
    """Bifurcation diagram of one Branch; overlay several with ``*``.

    For limit cycles both the max and min of ``y`` are drawn.  On a codim-2
    curve the two parameters are the axes.

    Examples
    --------
    >>> import nbblox as nb
    >>> br = nb.continuation(nb.blox.FitzHughNagumo(name="fhn"), "fhn.I", (0.0, 2.0))
    >>> type(br.plot()).__name__
    'Overlay'
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    two = br.param_values.ndim == 2
    if two:
        xs, ys = br.param_values[:, 0], br.param_values[:, 1]
        xl, yl = br.param_names
        curves = [(xs, ys)]
    else:
        y = y or br.state_names[0]
        if y not in br.states:
            from ..exceptions import ParameterError, suggest
            raise ParameterError(f"no state named {y!r} on this branch." + suggest(y, br.state_names))
        xs, xl, yl = br.param_values, br.param_names[0], y
        curves = [(xs, br.max[y]), (xs, br.min[y])] if br.period is not None else [(xs, br.states[y])]
    els = []
    for cx, cy in curves:
        runs = _runs(br.stable) if not two else [(0, len(xs) - 1, True)]
        for a, b, st in runs:
            c = hv.Curve((cx[a:b + 1], cy[a:b + 1]), kdims=[xl], vdims=[yl])
            els.append(c.opts(color=color, line_dash="solid" if st else "dashed",
                              line_width=2, backend="bokeh"))
    pts = []
    for p in br.special_points:
        if two:
            px, py = p.param_value
        else:
            px = p.param_value
            py = (p.data.get("max", {}).get(y, p.state.get(y)) if br.period is not None
                  else p.state.get(y))
        if py is None:
            continue
        pts.append((px, py, p.kind))
    if pts:
        P = np.array([(a, b) for a, b, _ in pts], dtype=float)
        kinds = [k for _, _, k in pts]
        sc = hv.Points({xl: P[:, 0], yl: P[:, 1], "kind": kinds}, kdims=[xl, yl], vdims=["kind"])
        els.append(sc.opts(color="kind", cmap=_COLORS, size=9, tools=["hover"], backend="bokeh"))
        lab = hv.Labels({xl: P[:, 0], yl: P[:, 1], "kind": kinds}, kdims=[xl, yl], vdims=["kind"])
        els.append(lab.opts(text_font_size="10pt", yoffset=0.0, text_align="left",
                            xoffset=0.0, backend="bokeh"))
    ov = hv.Overlay(els)
    return ov.opts(width=width, height=height, show_legend=False, backend="bokeh")


def plot_brute_force(res, width=600, height=400):
    """Scatter of the recorded extrema against the parameter."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    df = res.to_pandas()
    pts = hv.Points(df, kdims=[res.param_name, res.var])
    return pts.opts(size=2, color="black", width=width, height=height, backend="bokeh")
