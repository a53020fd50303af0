"""ui/: notebook and web front ends (explore, CircuitBuilder, dashboard, serve),
built only on System and result objects.  Panel and HoloViews are imported
when a front end is built, not when nbblox is imported."""


def explore(*args, **kw):
    """Lazy alias of :func:`nbblox.ui.explorer.explore` (imports Panel on use)."""
    from .explorer import explore as _explore
    return _explore(*args, **kw)


explore.__doc__ = """Interactive explorer with sliders and live views; see
:func:`nbblox.ui.explorer.explore` for the parameters.

Examples
--------
>>> import nbblox as nb
>>> ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), t_end=50.0)
>>> ex.vars
['fhn.V']
"""
