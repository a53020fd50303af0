"""HoloViews phase portrait of a PhasePlane: vector field, nullclines, fixed
points coloured by stability, trajectories."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_phase_plane"]

_STAB = {"stable node": "#2ca02c", "stable focus": "#2ca02c", "unstable node": "#d62728",
         "unstable focus": "#d62728", "saddle": "#ff7f0e", "center": "#1f77b4",
         "non-hyperbolic": "#7f7f7f"}


def plot_phase_plane(pp, width=500, height=450):
    """Phase portrait as a HoloViews Overlay.

    Examples
    --------
    >>> import nbblox as nb
    >>> pp = nb.phase_plane(nb.blox.FitzHughNagumo(name="fhn"), x="fhn.V", y="fhn.w",
    ...                     xlim=(-3, 3), ylim=(-2, 3))
    >>> type(pp.plot()).__name__
    'Overlay'
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    x, y = pp.x, pp.y
    mag = np.hypot(pp.u, pp.v)
    with np.errstate(all="ignore"):
        ang = np.arctan2(pp.v, pp.u)
        ln = np.where(mag > 0, 0.8 + 0.2 * mag / np.nanmax(mag), 0)
    vf = hv.VectorField((pp.grid_x[0], pp.grid_y[:, 0], ang, ln), kdims=[x, y],
                        vdims=["angle", "magnitude"])
    els = [vf.opts(magnitude="magnitude", color="#bbbbbb", pivot="tail", backend="bokeh")]
    for which, col in (("x", "#1f77b4"), ("y", "#d62728")):
        lines = pp.nullclines[which]
        if lines:
            path = hv.Path([np.asarray(c) for c in lines], kdims=[x, y], label=f"d{x if which == 'x' else y}/dt = 0")
            els.append(path.opts(color=col, line_width=2, backend="bokeh"))
    for tr in pp.trajectories:
        els.append(hv.Curve((tr[:, 0], tr[:, 1]), kdims=[x], vdims=[y]).opts(
            color="black", line_width=1, alpha=0.7, backend="bokeh"))
    if pp.fixed_points:
        data = {x: [f.state[x] for f in pp.fixed_points], y: [f.state[y] for f in pp.fixed_points],
                "stability": [f.stability for f in pp.fixed_points]}
        pts = hv.Points(data, kdims=[x, y], vdims=["stability"])
        els.append(pts.opts(color="stability", cmap=_STAB, size=11, line_color="black",
                            tools=["hover"], backend="bokeh"))
    ov = hv.Overlay(els)
    return ov.opts(width=width, height=height, xlim=pp.xlim, ylim=pp.ylim, backend="bokeh")
