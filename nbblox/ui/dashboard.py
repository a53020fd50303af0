"""nb.dashboard(): publish a circuit as a Panel web app.

The app (:class:`nbblox.ui.dashboard_app.Dashboard`) has a sidebar of
parameter sliders grouped by blox (ranges, steps and units from
``System.parameter_info``), live result plots, the circuit diagram, the
equations in LaTeX, downloads of the current run (CSV, NetCDF) and of the
circuit (JSON).  ``.servable()`` makes it appear under ``panel serve`` or
``nbblox serve``; as the last expression of a notebook cell it renders inline.

Panel and HoloViews are imported only when a dashboard is built, so
``import nbblox`` stays light.
"""
from __future__ import annotations

__all__ = ["dashboard"]


def dashboard(model, views=None, title=None, *, t_end=200.0, dt=0.01, method="rk4",
              params=None, upload=True):
    """A Panel dashboard for a Blox, Circuit or System.

    Parameters
    ----------
    model : Blox, Circuit or System
        Compiled on first use (cached).  The dashboard works on a private
        copy: moving its sliders never changes ``model``'s parameters.
    views : list, optional
        What to plot after each run.  Each item is a state name
        (``"fhn.V"``, a time series), a list of state names (overlaid),
        a tuple ``("fhn.V", "fhn.w")`` (trajectory in that plane), or a
        callable ``f(solution) -> HoloViews element``.  Default: the first
        state of each blox over time.
    title : str, optional
        Page and template title (default ``"nbblox: <circuit name>"``).
    t_end, dt, method :
        Initial simulation settings (editable in the sidebar).
    params : dict, optional
        Initial parameter values ``{"blox.param": value}``.
    upload : bool
        Offer a file input that opens another circuit JSON (validated,
        size-limited) in this session.

    Returns
    -------
    Dashboard
        A Panel ``Viewer``; ``.servable()``, ``.set({...})``, ``.run()``,
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
    return Dashboard(model, views=views, title=title, t_end=t_end, dt=dt, method=method,
                     params=params, upload=upload)
