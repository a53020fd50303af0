"""setup_notebook(): the one place that decides how HoloViews and Panel load
their JavaScript in a notebook.

Offline (CI, classrooms, this machine) ``hv.extension("bokeh")`` and
``pn.extension()`` fetch BokehJS/Panel from a CDN and render nothing, so the
default here is to inline the JavaScript (a bigger notebook: strip outputs
before committing).  ``NBBLOX_INLINE=0`` switches to CDN mode (Binder).
"""
from __future__ import annotations

import os

__all__ = ["setup_notebook"]

_done = {}


def setup_notebook(inline=None, **panel_kw):
    """Load Panel and the HoloViews Bokeh backend for this notebook.

    Call once at the top of a notebook (``nb.explore`` calls it for you).

    Parameters
    ----------
    inline : bool, optional
        Inline the JavaScript and CSS into the notebook (works offline).
        Default: True unless the environment variable ``NBBLOX_INLINE`` is
        ``"0"``.
    **panel_kw
        Extra keyword arguments for ``pn.extension`` (e.g. ``sizing_mode``).

    Returns
    -------
    dict
        ``{"inline": bool}`` -- what was decided.

    Examples
    --------
    >>> import nbblox as nb
    >>> nb.setup_notebook()["inline"] in (True, False)
    True
    """
    if inline is None:
        inline = os.environ.get("NBBLOX_INLINE", "1") not in ("0", "false", "False")
    inline = bool(inline)
    key = (inline, tuple(sorted(panel_kw.items())))
    if _done.get("key") == key:
        return {"inline": inline}
    import holoviews as hv
    import panel as pn
    # both are needed offline: hv.extension alone leaves Panel's CSS/JS on the CDN,
    # pn.extension alone leaves BokehJS there (JUPYTER-STACK.md, pitfall 1)
    pn.extension(inline=inline, **panel_kw)
    hv.extension("bokeh", inline=inline, logo=False)
    _done["key"] = key
    return {"inline": inline}
