"""One look for every nbblox figure: a colour-blind-safe palette, font sizes
readable on a projector, the 2D canvas, and y-ranges that do not magnify
round-off.

The palette is Okabe & Ito's (2008, "Color Universal Design"), which stays
distinguishable for the common colour-vision deficiencies; its yellow is left
out (invisible on white).
"""
from __future__ import annotations

import math

__all__ = ["PALETTE", "CANVAS", "FONTS", "STABILITY", "SPECIAL", "PLAIN", "y_range",
           "TIME_TICKS", "plain_time_ticks"]

#: line colours, in order of use
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#7F7F7F")

# Draw with the 2D canvas, not HoloViews' default WebGL: a few thousand decimated
# points gain nothing from WebGL, and without a GPU (headless Chromium, VMs, remote
# desktops) WebGL is software-rendered and then copied onto the canvas -- ~100 ms a
# repaint in bench/latency_explore.py, against a few ms for the canvas.
CANVAS = {"plot.output_backend": "canvas"}

#: HoloViews ``datatype=`` of nbblox's own elements (columns of numbers, a few
#: strings): named, HoloViews skips guessing the interface, which asks pandas
#: whether the data is a DataFrame -- importing pandas (~0.5 s of a fresh
#: kernel's first explorer) -- and then stores a tuple or a list in one.
PLAIN = ["dictionary", "array"]

#: Bokeh font sizes (HoloViews ``fontsize=``): legible from the back of a lecture room
FONTS = {"title": "13pt", "labels": "12pt", "xticks": "10.5pt", "yticks": "10.5pt",
         "legend": "10.5pt"}

#: fixed points by stability: filled = stable, open = unstable, saddles in orange
STABILITY = {"stable node": "#000000", "stable focus": "#000000", "unstable node": "#FFFFFF",
             "unstable focus": "#FFFFFF", "saddle": "#E69F00", "center": "#56B4E9",
             "non-hyperbolic": "#7F7F7F"}

#: special points on bifurcation diagrams (Hopf and fold of cycles well apart)
SPECIAL = {"H": "#D55E00", "LP": "#0072B2", "LPC": "#009E73", "BP": "#CC79A7",
           "PD": "#E69F00", "NS": "#56B4E9", "CP": "#000000", "BT": "#7F7F7F",
           "GH": "#CC79A7", "ZH": "#7F7F7F", "HH": "#7F7F7F"}


def y_range(lo, hi, rel=0.05, pad=0.05):
    """A y-range around data in ``[lo, hi]`` that never zooms into round-off.

    The shown span is at least ``rel`` times the data's magnitude (a resting
    potential of -65 mV that wobbles by 1e-9 is a flat line, not a transient),
    and at least 1 when the data are all zero; ``pad`` adds a margin.

    Examples
    --------
    >>> lo, hi = y_range(-1.1994085, -1.1994066)
    >>> round(hi - lo, 3) >= 0.05
    True
    >>> y_range(0.0, 0.0)
    (-0.5, 0.5)
    >>> y_range(-80.0, 40.0)
    (-86.0, 46.0)
    """
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    mag = max(abs(lo), abs(hi))
    span = hi - lo
    least = rel * mag if mag > 0 else 1.0
    if span < least:
        mid = 0.5 * (lo + hi)
        return (mid - 0.5 * least, mid + 0.5 * least)
    return (lo - pad * span, hi + pad * span)


#: tick format of a time axis (ms), a Bokeh NumeralTickFormatter format: thousands
#: separated, up to three decimals when the ticks need them ("200,000", "12.5"), never
#: Bokeh's scientific "2.000e+5" above 1e5 ms (see docs/DESIGN-NOTES.md, vizfix)
TIME_TICKS = "0,0.[000]"


def plain_time_ticks(plot, element):
    """HoloViews hook: the x (time, ms) axis of ``plot`` reads as plain numbers
    (:data:`TIME_TICKS`), and so does the time in its hover.

    A fresh formatter per render (a Bokeh model belongs to one document: one
    shared instance failed the second render), and only in place of Bokeh's
    default: a user's ``xformatter=`` wins.

    Examples
    --------
    >>> import holoviews as hv, holoviews.plotting.bokeh, numpy as np
    >>> c = hv.Curve((np.arange(3) * 1e5, np.zeros(3))).opts(hooks=[plain_time_ticks], backend="bokeh")
    >>> hv.render(c, backend="bokeh").xaxis[0].formatter.format
    '0,0.[000]'
    """
    from bokeh.models import BasicTickFormatter, HoverTool, NumeralTickFormatter
    fig = plot.state
    for ax in getattr(fig, "xaxis", ()):
        if type(ax.formatter) is BasicTickFormatter:
            ax.formatter = NumeralTickFormatter(format=TIME_TICKS)
    for tool in fig.select(type=HoverTool):
        tips = tool.tooltips
        if isinstance(tips, list):
            tool.tooltips = [(k, v + "{" + TIME_TICKS + "}") if v in ("@{time}", "@time") else (k, v)
                             for k, v in tips]
