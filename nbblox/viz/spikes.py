"""Views of spike statistics: a population rate or PSTH as a step curve
(rate in Hz over time in ms, the event marked at 0 for a PSTH) and the
interspike-interval histogram."""
from __future__ import annotations

import numpy as np

from .._text import counted

__all__ = ["plot_rate", "plot_isi"]


def plot_rate(r, *, width=700, height=240, color="#1f77b4", title=None):
    """Step curve of a :class:`~nbblox.analysis.spike_results.Rate`.

    Examples
    --------
    >>> from nbblox.analysis.spikes import spike_trains
    >>> st = spike_trains([np.array([5.0, 15.0])], t_range=(0, 20))
    >>> c = plot_rate(st.population_rate(10.0))
    >>> c.kdims[0].pprint_label, c.vdims[0].pprint_label
    ('time (ms)', 'rate (Hz)')
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    from .style import plain_time_ticks
    psth = r.kind == "PSTH"
    tdim = hv.Dimension("time", label="time from event" if psth else "time", unit="ms")
    rdim = hv.Dimension("rate", unit="Hz")
    label = title if title is not None else _title(r)
    curve = hv.Curve((r.t, r.rate), kdims=[tdim], vdims=[rdim], label=r.label).opts(
        interpolation="steps-mid", color=color, line_width=1.4, tools=["hover"],
        hooks=[plain_time_ticks],
        width=width, height=height, show_grid=True, title=label)
    if psth:   # the event time, for orientation
        event = hv.VLine(0.0).opts(color="#888888", line_dash="dashed", line_width=1)
        return (curve * event).opts(title=label)
    return curve


def _title(r):
    if r.kind == "PSTH":
        return (f"PSTH: {counted(r.n_events, 'event')}, {counted(r.n_neurons, 'neuron')}, "
                f"bins of {r.bin:g} ms")
    return f"population rate ({counted(r.n_neurons, 'neuron')}, bins of {r.bin:g} ms): mean {r.mean:.3g} Hz"


def plot_isi(d, *, bins=50, range=None, width=600, height=280, color="#4c72b0", title=None):
    """Histogram of the pooled interspike intervals of an
    :class:`~nbblox.analysis.spike_results.ISIDistribution`; without ``range``
    it spans 0 to the 99th percentile (the title says so), so that rare long
    pauses do not squeeze the bulk into one bin.

    Examples
    --------
    >>> from nbblox.analysis.spikes import spike_trains
    >>> h = plot_isi(spike_trains([np.array([1.0, 3.0, 6.0])], t_range=(0, 10)).isi(), bins=4)
    >>> h.kdims[0].pprint_label, int(h.dimension_values("count").sum())
    ('interspike interval (ms)', 2)
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    note = ""
    if range is None and d.intervals.size > 20:
        # a few long pauses would squeeze the bulk into one bin: show up to the 99th
        # percentile and say so
        hi = float(np.quantile(d.intervals, 0.99))
        if hi > 0 and hi < d.intervals.max():
            range, note = (0.0, hi), ", 99% shown"
    counts, edges = d.histogram(bins=bins, range=range)
    label = title if title is not None else (
        f"ISI: {counted(d.intervals.size, 'interval')} of {counted(len(d.by_neuron), 'neuron')}, "
        f"median CV {d.median_cv:.2f}{note}")
    return hv.Histogram((edges, counts), kdims=[hv.Dimension("isi", label="interspike interval",
                                                             unit="ms")],
                        vdims=[hv.Dimension("count", label="intervals")]).opts(
        color=color, line_color="white", width=width, height=height, tools=["hover"],
        title=label, show_grid=True)
