"""Data vs fit: the HoloViews view behind ``FitResult.plot()``."""
from __future__ import annotations

import numpy as np

from .timeseries import MAX_POINTS, PALETTE, downsample

__all__ = ["plot_fit"]


def plot_fit(result, width=700, height=240, history=True, max_points=MAX_POINTS):
    """One panel per fitted variable (data as points, fit as a line) and,
    below, the loss at every model evaluation (log scale).

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))
    >>> data = nb.simulate(s, 20.0, dt=0.05, params={"fhn.a": 0.8}, record=["fhn.V"])
    >>> layout = nb.fit(s, data, {"fhn.a": (0.3, 1.2)}, dt=0.05).plot()
    >>> len(layout)          # fhn.V panel + loss history
    2
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    from .style import plain_time_ticks
    tdim = hv.Dimension("time", unit="ms")
    panels = []
    sol, obs = result.solution, result.data
    est = ", ".join(f"{n} = {v:.4g}" for n, v in result.params.items())
    for k, name in enumerate(obs.names):
        vd = hv.Dimension(name.replace(".", "_"), label=name)
        td, yd = downsample(obs.t, obs.values[k], max_points)
        tf, yf = downsample(sol.t, sol[name], max_points)
        data = hv.Scatter((td, yd), kdims=[tdim], vdims=[vd], label="data").opts(
            color="#7f7f7f", size=3, alpha=0.6)
        fit = hv.Curve((tf, yf), kdims=[tdim], vdims=[vd], label="fit").opts(
            color=PALETTE[1], line_width=2, hooks=[plain_time_ticks])
        panels.append((data * fit).opts(width=width, height=height, title=f"{name}: {est}",
                                        legend_position="top_right"))
    if history and result.loss_history.size:
        h = result.loss_history
        ok = np.isfinite(h) & (h > 0)
        ev = np.arange(1, h.size + 1)[ok]
        panels.append(hv.Curve((ev, h[ok]), "evaluation", "loss").opts(
            logy=True, width=width, height=int(height * 0.7),
            color=PALETTE[0], title=f"loss history ({result.optimizer})"))
    return hv.Layout(panels).cols(1)
