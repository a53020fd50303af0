"""Corner plot of posterior samples: 1-D histograms on the diagonal, 2-D
scatter (or hex-bin) below it, optional true values as lines and markers.
Takes a Posterior, a pandas DataFrame or a (draw, parameter) array."""
from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError, suggest

__all__ = ["plot_corner"]

COLOR = "#1f77b4"
TRUTH = "#d62728"


def _samples(data, names):
    if hasattr(data, "samples") and hasattr(data, "names"):      # Posterior
        arr, all_names = np.asarray(data.samples), list(data.names)
    elif hasattr(data, "columns") and hasattr(data, "to_numpy"):  # DataFrame
        cols = [c for c in data.columns if c != "log_prob"]
        arr, all_names = data[cols].to_numpy(dtype=float), [str(c) for c in cols]
    else:
        arr = np.asarray(data, dtype=float)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ParameterError(f"samples must be a (draw, parameter) array; got {arr.shape}")
        if names is None:
            names = [f"p{i}" for i in range(arr.shape[1])]
        if len(names) != arr.shape[1]:
            raise ParameterError(f"{len(names)} names for {arr.shape[1]} parameters")
        return arr, list(names)
    if names is None:
        return arr, all_names
    cols = []
    for n in names:
        if n not in all_names:
            raise ParameterError(f"no sampled quantity '{n}'." + suggest(n, all_names))
        cols.append(all_names.index(n))
    return arr[:, cols], list(names)


def plot_corner(data, names=None, *, truths=None, bins=30, kind="scatter", max_points=3000,
                size=170, seed=0):
    """Corner plot: a histogram of each parameter on the diagonal and every
    pair below it.

    Parameters
    ----------
    data : Posterior, pandas.DataFrame or ndarray (draw, parameter)
    names : list of str, optional
        Parameters to show (default all; required labels for an array).
    truths : dict or sequence, optional
        True values, drawn as red lines (diagonal) and crosses (pairs).
    bins : int
        Histogram bins.
    kind : str
        ``"scatter"`` (a random subset of ``max_points`` samples) or ``"hex"``
        (hex-bin density of all samples).
    size : int
        Width and height of each panel, px.

    Returns
    -------
    hv.Layout of ``n x n`` panels (``hv.Empty`` above the diagonal).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> lay = plot_corner(rng.normal(size=(500, 3)), ["a", "b", "c"], truths=[0, 0, 0])
    >>> import holoviews as hv
    >>> hists = lay.traverse(lambda e: e, [hv.Histogram])
    >>> len(hists), len(lay.traverse(lambda e: e, ["Points.Samples"]))
    (3, 3)
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    arr, names = _samples(data, names)
    if arr.shape[0] < 2:
        raise ParameterError("need at least 2 samples for a corner plot")
    if kind not in ("scatter", "hex"):
        raise ParameterError(f"kind must be 'scatter' or 'hex', not {kind!r}")
    n = len(names)
    if truths is not None and not isinstance(truths, dict):
        truths = dict(zip(names, truths))
    truths = {k: float(v) for k, v in (truths or {}).items() if k in names and v is not None}
    dims = [hv.Dimension(nm.replace(".", "_"), label=nm) for nm in names]
    rng = np.random.default_rng(seed)
    pick = (rng.choice(arr.shape[0], max_points, replace=False)
            if arr.shape[0] > max_points else slice(None))
    panels = []
    for i in range(n):
        for j in range(n):
            bottom, left = i == n - 1, j == 0
            opts = dict(width=size + (40 if left else 0), height=size + (30 if bottom else 0),
                        xaxis="bottom" if bottom else None,
                        xticks=4, toolbar=None, default_tools=[])
            if j > i:
                panels.append(hv.Empty())
                continue
            if i == j:
                counts, edges = np.histogram(arr[:, i], bins=bins)
                # peak scaled to 1: the diagonal panels share one y-range when
                # axes are linked, so raw densities of different widths would not
                el = hv.Histogram((edges, counts / max(counts.max(), 1)), kdims=[dims[i]],
                                  vdims=[hv.Dimension("density", label="relative density")])
                el = el.opts(fill_color=COLOR, line_color=COLOR, fill_alpha=0.5,
                             yaxis=None, **opts)
                if names[i] in truths:
                    el = el * hv.VLine(truths[names[i]]).opts(color=TRUTH, line_width=1.5)
            else:
                xy = arr[:, [j, i]]
                if kind == "hex":
                    el = hv.HexTiles(xy, kdims=[dims[j], dims[i]], group="Samples").opts(
                        cmap="Blues", yaxis="left" if left else None, yticks=4, **opts)
                else:
                    el = hv.Points(xy[pick], kdims=[dims[j], dims[i]], group="Samples").opts(
                        color=COLOR, alpha=0.25, size=2, yaxis="left" if left else None, yticks=4,
                        **opts)
                if names[i] in truths and names[j] in truths:
                    tx, ty = truths[names[j]], truths[names[i]]
                    el = (el * hv.VLine(tx).opts(color=TRUTH, line_width=1)
                          * hv.HLine(ty).opts(color=TRUTH, line_width=1)
                          * hv.Points([(tx, ty)], kdims=[dims[j], dims[i]], group="Truth").opts(
                              color=TRUTH, marker="x", size=10))
            panels.append(el)
    return hv.Layout(panels).cols(n).opts(shared_axes=True)
