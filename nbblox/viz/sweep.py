"""Sweep views: a measure over one parameter (curve) or two (heatmap), from
an xarray Dataset/DataArray whose dimensions are the swept parameters."""
from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError, suggest

__all__ = ["plot_sweep"]


def plot_sweep(data, measure=None, *, cmap="viridis", width=520, height=420, title=None):
    """Heatmap (two swept parameters) or curve (one) of a sweep measure.

    Parameters
    ----------
    data : xarray.Dataset or xarray.DataArray
        Dimensions are the swept parameters (e.g. ``"fhn.I"``, ``"fhn.a"``).
    measure : str, optional
        The Dataset variable to show (default: the first one).

    Returns
    -------
    hv.Image (regular 2-D grid), hv.QuadMesh (irregular grid) or hv.Curve (1-D).

    Examples
    --------
    >>> import xarray as xr
    >>> da = xr.DataArray(np.arange(6.0).reshape(2, 3), name="rate",
    ...                   coords={"fhn.a": [0.1, 0.2], "fhn.I": [0.0, 0.5, 1.0]},
    ...                   dims=["fhn.a", "fhn.I"])
    >>> img = plot_sweep(da)
    >>> type(img).__name__, [d.name for d in img.kdims], img.vdims[0].name
    ('Image', ['fhn.I', 'fhn.a'], 'rate')
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    import xarray as xr
    if isinstance(data, xr.Dataset):
        names = list(data.data_vars)
        if not names:
            raise ParameterError("the sweep Dataset holds no variables to plot")
        if measure is None:
            measure = names[0]
        if measure not in data:
            raise ParameterError(f"the sweep has no measure '{measure}'." + suggest(measure, names)
                                 + f" Measures: {', '.join(names)}")
        da = data[measure]
    elif isinstance(data, xr.DataArray):
        da = data
    else:
        raise ParameterError(f"plot_sweep needs an xarray Dataset or DataArray, not "
                             f"{type(data).__name__}")
    da = da.squeeze(drop=True)
    name = da.name or measure or "value"
    da = da.rename(name)
    dims = list(da.dims)
    label = title if title is not None else name
    if len(dims) == 1:
        x = np.asarray(da[dims[0]].values, dtype=float)
        return hv.Curve((x, da.values), kdims=[dims[0]], vdims=[name]).opts(
            backend="bokeh", width=width, height=int(height // 1.5), tools=["hover"], title=label,
            show_grid=True)
    if len(dims) != 2:
        raise ParameterError(f"a sweep heatmap needs 1 or 2 swept parameters, this one has "
                             f"{len(dims)}: {dims}; select or average the others first")
    ydim, xdim = dims
    xs = np.asarray(da[xdim].values, dtype=float)
    ys = np.asarray(da[ydim].values, dtype=float)
    Z = np.asarray(da.transpose(ydim, xdim).values, dtype=float)
    opts = dict(width=width, height=height, cmap=cmap, colorbar=True, tools=["hover"],
                title=label)

    def regular(v):
        return v.size < 3 or np.allclose(np.diff(v), np.diff(v)[0], rtol=1e-6)
    if regular(xs) and regular(ys) and xs.size > 1 and ys.size > 1:
        # hv.Image wants ascending axes; flip where the sweep ran downwards
        if xs[0] > xs[-1]:
            xs, Z = xs[::-1], Z[:, ::-1]
        if ys[0] > ys[-1]:
            ys, Z = ys[::-1], Z[::-1]
        el = hv.Image((xs, ys, Z), kdims=[xdim, ydim], vdims=[name])
    else:
        el = hv.QuadMesh((xs, ys, Z), kdims=[xdim, ydim], vdims=[name])
    return el.opts(backend="bokeh", **opts)
