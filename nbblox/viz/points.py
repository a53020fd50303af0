"""View of fixed and slow points: scatter in the plane of two states (or on
one state's line), or their eigenvalues in the complex plane, coloured by
stability with the phase-plane colours."""
from __future__ import annotations

import numpy as np

from .style import STABILITY as _STAB

__all__ = ["plot_points"]


def plot_points(points, x, y=None, *, kind="states", width=520, height=420, title=None):
    """Scatter of a :class:`~nbblox.analysis.points.Points` list.

    Examples
    --------
    >>> import nbblox as nb
    >>> fps = nb.fixed_points(nb.blox.FitzHughNagumo(name="fhn"), params={"fhn.I": 0.0},
    ...                       bounds={"fhn.V": (-3, 3), "fhn.w": (-3, 3)})
    >>> p = plot_points(fps, "fhn.V", "fhn.w")
    >>> [d.name for d in p.kdims], p.vdims[0].name
    (['fhn.V', 'fhn.w'], 'stability')
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    slow = len(points) > 0 and hasattr(points[0], "q")
    what = ("slow point" if slow else "fixed point") + ("" if len(points) == 1 else "s")
    if kind == "eigenvalues":
        re, im, stab, which = [], [], [], []
        for k, pt in enumerate(points):
            ev = np.asarray(pt.eigenvalues)
            re += list(ev.real)
            im += list(ev.imag)
            stab += [pt.stability] * ev.size
            which += [k] * ev.size
        data = {"Re": re, "Im": im, "stability": stab, "point": which}
        el = hv.Points(data, kdims=[hv.Dimension("Re", label="Re(eigenvalue)"),
                                    hv.Dimension("Im", label="Im(eigenvalue)")],
                       vdims=["stability", "point"])
        axis = hv.VLine(0.0).opts(color="#888888", line_dash="dashed", line_width=1)
        label = title if title is not None else f"eigenvalues of {len(points)} {what}"
        # points first: the overlay takes its axis labels from its first element
        return (el.opts(color="stability", cmap=_STAB, size=8, line_color="black",
                        tools=["hover"]) * axis).opts(
            width=width, height=height, title=label, show_grid=True, show_legend=True,
            legend_position="right")
    data = {x: [pt.state[x] for pt in points],
            "stability": [pt.stability for pt in points]}
    vdims = ["stability"]
    if slow:
        data["q"] = [pt.q for pt in points]
        vdims.append(hv.Dimension("q", label="q = |f|²/2"))
    if y is None:   # one state: the points on its line
        data["level"] = np.zeros(len(points))
        kdims = [x, hv.Dimension("level", label=" ")]
    else:
        data[y] = [pt.state[y] for pt in points]
        kdims = [x, y]
    label = title if title is not None else f"{len(points)} {what}"
    opts = dict(color="stability", cmap=_STAB, size=11, line_color="black", tools=["hover"],
                width=width, height=height if y is not None else 160, title=label,
                show_grid=True, show_legend=True, legend_position="right")
    if y is None:
        opts["yaxis"] = None
    return hv.Points(data, kdims=kdims, vdims=vdims).opts(**opts)
