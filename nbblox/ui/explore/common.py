"""What every part of the explorer shares: the view names, the size limits of
a run, and how a state name or the running environment is looked up.

Kept apart from :mod:`~nbblox.ui.explore.explorer` so that the controls and
the linked views can import it without importing the Explorer (no cycle).
"""
from __future__ import annotations

import sys

from ...exceptions import ParameterError, suggest

__all__ = ["VIEWS", "MAX_SLIDERS", "MAX_RECORDED", "MAX_STEPS", "SERVED_RUN_SECONDS",
           "resolve_state", "default_vars", "in_panel_server", "setup_if_kernel", "as_number"]

VIEWS = ("timeseries", "raster", "phase_plane", "bifurcation", "live")
MAX_SLIDERS = 60          # sliders shown at once; the filter box reaches the rest
MAX_RECORDED = 400_000    # samples kept per run before stride kicks in
MAX_STEPS = 20_000_000    # refuse runs that would hold a kernel or server thread for minutes
SERVED_RUN_SECONDS = 30   # wall-time budget of one run in a served session


def as_number(v):
    """``float(v)``, or NaN for what is not a number (an emptied number box sends None).

    >>> as_number("2.5"), str(as_number(None))
    (2.5, 'nan')
    """
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def resolve_state(system, name, what="vars"):
    """The full state name ``name`` refers to (a short name such as ``"V"`` is
    accepted when it is unambiguous); a ParameterError that lists the states if
    it refers to none.

    Examples
    --------
    >>> import nbblox as nb
    >>> resolve_state(nb.compile(nb.blox.FitzHughNagumo(name="fhn")), "w")
    'fhn.w'
    """
    names = system.state_names
    if name in names:
        return name
    short = [n for n in names if n.rsplit(".", 1)[-1] == name]
    if len(short) == 1:
        return short[0]
    extra = f" It is ambiguous: {short}." if short else suggest(str(name), names)
    raise ParameterError(f"explore: {what} names '{name}', which is not a state of this "
                         f"system.{extra} States: {', '.join(names[:12])}"
                         + (" ..." if len(names) > 12 else ""))


def default_vars(system, n=4):
    """The first state of each of the first ``n`` top-level members (blox or
    composites): what a plot shows by default."""
    seen, out = set(), []
    for name in system.state_names:
        member = name.split(".", 1)[0]
        if member not in seen and len(out) < n:
            seen.add(member)
            out.append(name)
    return out


def in_panel_server():
    """True inside a Panel server session (``nbblox serve``, ``panel serve``)."""
    pn = sys.modules.get("panel")
    doc = getattr(getattr(pn, "state", None), "curdoc", None) if pn else None
    return bool(doc is not None and getattr(doc, "session_context", None) is not None)


def setup_if_kernel():
    """Load the page's JavaScript once when running inside a Jupyter kernel."""
    from ...notebook import kernel_shell, setup_notebook
    if kernel_shell() is not None:
        setup_notebook()
