"""Differences between Panel versions that the front ends paper over in one place."""
from __future__ import annotations

__all__ = ["widget_kw"]


def widget_kw(label, color=None, **kw):
    """Keyword arguments of a Panel widget with a visible ``label`` and button
    ``color``: Panel 1.9 renamed ``name`` -> ``label`` and ``button_type`` ->
    ``color``; older Panels get the old names.

    Examples
    --------
    >>> import panel as pn
    >>> pn.widgets.Button(**widget_kw("run", "primary")).clicks
    0
    """
    import panel as pn
    kw["label" if "label" in pn.widgets.FloatSlider.param else "name"] = label
    if color:
        kw["color" if "color" in pn.widgets.Button.param else "button_type"] = color
    return kw
