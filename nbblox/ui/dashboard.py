"""nb.dashboard(): publish a circuit as a Panel web app.

The app (:class:`nbblox.ui.dashboard_app.Dashboard`) is the explorer of
:func:`nbblox.explore` -- sliders grouped by blox (ranges, steps and units
from ``System.parameter_info``), throttled re-simulation, the same live
views -- in a Panel template, with the circuit diagram, the equations in
LaTeX, downloads of the current run (CSV, NetCDF) and of the circuit (JSON).  ``.servable()`` makes it appear under ``panel serve`` or
``nbblox serve``; as the last expression of a notebook cell it renders inline.

Panel and HoloViews are imported only when a dashboard is built, so
``import nbblox`` stays light.
"""
from __future__ import annotations

__all__ = ["dashboard"]


def dashboard(model, views=None, title=None, *, vars=None, t_end=200.0, dt=0.01, method="rk4",
              params=None, phase=None, bifurcation=None, seed=None, upload=True):
    """A Panel dashboard for a Blox, Circuit or System: the live views of
    :func:`nbblox.explore` in a web-app template.

    Parameters
    ----------
    model : Blox, Circuit or System
        Compiled on first use (cached).  The dashboard works on a private
        copy: moving its sliders never changes ``model``'s parameters.
    views : list, optional
        Explorer views (``"timeseries"``, ``"phase_plane"``,
        ``"bifurcation"``, ``"raster"``, ``"live"``), callables
        ``f(solution) -> HoloViews element``, or short forms: a state name or
        list of state names (plotted over time), a tuple ``("fhn.V", "fhn.w")``
        (the phase plane of that pair).  Default: the time series.
    title : str, optional
        Page and template title (default ``"nbblox: <circuit name>"``).
    vars, t_end, dt, method, params, phase, bifurcation, seed :
        As in :func:`nbblox.explore` (run settings are editable in the sidebar).
    upload : bool
        Offer a file input that opens another circuit JSON (validated,
        size-limited) in this session.

    Returns
    -------
    Dashboard
        A Panel ``Viewer``; ``.servable()``, ``.set({...})``, ``.explorer``,
        ``.solution``, ``.error``, ``.values``, ``.current_circuit()``.

    Examples
    --------
    >>> import nbblox as nb
    >>> d = nb.dashboard(nb.blox.FitzHughNagumo(name="fhn"), t_end=50.0)
    >>> sorted(d.values)[:2], d.error
    (['fhn.I', 'fhn.a'], None)
    >>> d.set({"fhn.I": 1.0}).params["fhn.I"]
    1.0
    """
    from .dashboard_app import Dashboard
    return Dashboard(model, views=views, title=title, vars=vars, t_end=t_end, dt=dt,
                     method=method, params=params, phase=phase, bifurcation=bifurcation,
                     seed=seed, upload=upload)
