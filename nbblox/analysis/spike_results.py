"""Result objects of the spike statistics: :class:`Rate` (a population rate
or a PSTH: rate in Hz over time bins) and :class:`ISIDistribution`
(interspike intervals of each neuron and their CV).  Plain arrays with
``.to_pandas()``, ``.to_xarray()`` and a lazy ``.plot()`` (viz/spikes.py)."""
from __future__ import annotations

import numpy as np

from .._text import counted

__all__ = ["Rate", "ISIDistribution"]


class Rate:
    """A firing rate over time bins (population rate or PSTH).

    Attributes
    ----------
    t : ndarray
        Bin centres (ms; for a PSTH, relative to the event).
    rate : ndarray
        Hz per neuron (per event, for a PSTH).
    bin : float
        Bin width (ms).
    counts : ndarray
        Spikes in each bin (all neurons, all events).
    kind : str
        ``"population rate"`` or ``"PSTH"``.
    n_neurons, n_events : int
    """

    def __init__(self, t, rate, bin, counts, *, label, kind, n_neurons, n_events=None):
        self.t, self.rate, self.bin, self.counts = t, rate, bin, counts
        self.label, self.kind = label, kind
        self.n_neurons, self.n_events = n_neurons, n_events

    @property
    def mean(self):
        """Time-averaged rate (Hz)."""
        return float(self.rate.mean())

    def to_pandas(self):
        """pandas.Series of the rate (Hz) indexed by bin centre (ms)."""
        import pandas as pd
        return pd.Series(self.rate, index=pd.Index(self.t, name="time"), name="rate")

    def to_xarray(self):
        """xarray.DataArray ``rate(time)`` in Hz."""
        import xarray as xr
        attrs = {"units": "Hz", "kind": self.kind, "bin_ms": self.bin,
                 "n_neurons": self.n_neurons}
        if self.n_events is not None:
            attrs["n_events"] = self.n_events
        return xr.DataArray(self.rate, dims="time", name="rate", attrs=attrs,
                            coords={"time": ("time", self.t, {"units": "ms"})})

    def plot(self, **kw):
        """Rate against time (HoloViews): a step curve, with the event time
        marked for a PSTH."""
        from ..viz.spikes import plot_rate
        return plot_rate(self, **kw)

    def __repr__(self):
        ev = f", {counted(self.n_events, 'event')}" if self.n_events is not None else ""
        return (f"<Rate ({self.kind}) '{self.label}': {counted(self.t.size, 'bin')} of {self.bin:g} ms, "
                f"mean {self.mean:.3g} Hz{ev}>")


class ISIDistribution:
    """Interspike intervals of each neuron.

    Attributes
    ----------
    by_neuron : list of ndarray
        The intervals (ms) of each neuron.
    intervals : ndarray
        All intervals pooled (ms).
    cv : ndarray (n,)
        std/mean of each neuron's intervals; NaN with fewer than
        ``min_spikes`` spikes.
    """

    def __init__(self, by_neuron, min_spikes=3, name="spikes"):
        self.by_neuron = by_neuron
        self.name = name
        self.min_spikes = int(min_spikes)
        self.intervals = np.concatenate(by_neuron) if by_neuron else np.zeros(0)
        cv = np.full(len(by_neuron), np.nan)
        for k, d in enumerate(by_neuron):
            if d.size >= max(self.min_spikes - 1, 1) and d.mean() > 0:
                cv[k] = d.std() / d.mean()
        self.cv = cv

    @property
    def median_cv(self):
        """Median CV over the neurons that have one (NaN if none)."""
        ok = np.isfinite(self.cv)
        return float(np.median(self.cv[ok])) if ok.any() else float("nan")

    def histogram(self, bins=50, range=None):
        """(counts, edges in ms) of the pooled intervals."""
        return np.histogram(self.intervals, bins=bins, range=range)

    def to_pandas(self):
        """pandas.DataFrame with one row per interval: ``neuron``, ``interval`` (ms)."""
        import pandas as pd
        neuron = np.concatenate([np.full(d.size, k) for k, d in enumerate(self.by_neuron)]
                                or [np.zeros(0, int)])
        return pd.DataFrame({"neuron": neuron.astype(np.int64), "interval": self.intervals})

    def to_xarray(self):
        """xarray.Dataset over ``interval``: neuron and interval (ms), with the
        per-neuron CV over ``neuron``."""
        import xarray as xr
        df = self.to_pandas()
        return xr.Dataset({"neuron_of_interval": ("interval", df["neuron"].to_numpy()),
                           "isi": ("interval", df["interval"].to_numpy(), {"units": "ms"}),
                           "cv": ("neuron", self.cv)})

    def plot(self, bins=50, **kw):
        """Histogram of the pooled intervals (HoloViews)."""
        from ..viz.spikes import plot_isi
        return plot_isi(self, bins=bins, **kw)

    def __repr__(self):
        return (f"<ISIDistribution '{self.name}': {counted(self.intervals.size, 'interval')} of "
                f"{counted(len(self.by_neuron), 'neuron')}, median CV {self.median_cv:.3g}>")
