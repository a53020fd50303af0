"""Matrix views: a labelled square matrix (functional connectivity,
correlations) as a heat map with a diverging colour map fixed at [-1, 1]."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_matrix"]


def plot_matrix(values, labels, *, width=460, height=400, title="functional connectivity",
                clabel="Pearson correlation", symmetric=True, cmap="RdBu_r"):
    """Heat map of a square matrix with row labels on both axes.

    Labels are shown as ticks up to 30 rows; beyond that the axes show
    indices.  ``symmetric=True`` fixes the colour range to [-1, 1].

    Examples
    --------
    >>> hm = plot_matrix(np.eye(2), ["a", "b"])
    >>> type(hm).__name__, [d.name for d in hm.kdims]
    ('HeatMap', ['source', 'target'])
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    m = np.asarray(values, dtype=float)
    n = m.shape[0]
    names = list(labels) if n <= 30 else [str(k) for k in range(n)]
    # HeatMap keeps category order as given: rows top to bottom in label order
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    data = (np.array(names, dtype=object)[j.ravel()], np.array(names, dtype=object)[i.ravel()],
            m.ravel())
    hm = hv.HeatMap(data, kdims=["source", "target"], vdims=[hv.Dimension("value", label=clabel)])
    opts = dict(width=width, height=height, cmap=cmap, colorbar=True, tools=["hover"],
                xrotation=45 if n > 6 else 0, title=title, invert_yaxis=True,
                xlabel="", ylabel="")
    if symmetric:
        opts["clim"] = (-1.0, 1.0)
    return hm.opts(**opts)
