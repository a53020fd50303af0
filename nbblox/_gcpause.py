"""Python's cyclic garbage collector paused through a burst of allocation.

A full collection walks every object of the process.  The first explorer in
a fresh kernel imports Panel, HoloViews, Bokeh and numba's registries
(~350 000 objects) and builds a few thousand Bokeh models; the collector's
rule (a full pass each time the long-lived objects grew by a quarter) made
four full passes over a growing heap during that cell, 0.4-0.5 s of CPU on
a quiet machine (issue 17, "first explore <= 3 s").  Inside :func:`paused`
nothing is collected; when it ends, the next young-generation pass looks at
what the block allocated once, and the rest is left to the collector's
usual schedule.  Nothing is frozen or leaked: garbage made inside the block
is collected by the passes that follow it.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused():
    """No automatic garbage collection inside the block (nested blocks and a
    collector the user turned off are left as they are).

    Examples
    --------
    >>> import gc
    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
