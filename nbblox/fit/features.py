"""Feature losses: compare summary features of model and data (firing rate,
burst count, spectral peak frequency, functional connectivity, mean, std)
instead of the raw traces -- for spiking or noisy models whose exact spike
times are not reproducible, and for recordings summarised by such numbers.

``nb.fit(..., loss=nb.fit.features("rate", "peak_frequency", vars=["hh.V"]))``.
Residuals are relative: ``(model - data) / scale`` with ``scale`` the data
feature's magnitude (or ``scales=``), so features in Hz and counts mix.
"""
from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError
from ..sim.solution import spike_times

__all__ = ["features", "FeatureLoss", "FEATURES"]

FEATURES = ("rate", "bursts", "peak_frequency", "fc", "mean", "std")


def _rate(t, v, thr, spikes=None):
    st = spike_times(t, v, thr) if spikes is None else spikes
    return 1000.0 * st.size / (t[-1] - t[0])


def _bursts(t, v, thr, gap, spikes=None):
    st = spike_times(t, v, thr) if spikes is None else spikes
    if st.size < 2:
        return 0.0
    isi = np.diff(st)
    g = gap if gap is not None else 2.0 * np.median(isi)
    groups = np.split(np.arange(st.size), np.flatnonzero(isi > g) + 1)
    return float(sum(1 for grp in groups if grp.size >= 2))


def _peak(t, v):
    dt = float(t[1] - t[0])
    x = v - v.mean()
    nfft = 4 * int(2 ** np.ceil(np.log2(x.size)))   # zero padding: finer frequency grid
    power = np.abs(np.fft.rfft(x * np.hanning(x.size), nfft)) ** 2
    freq = np.fft.rfftfreq(nfft, dt / 1000.0)
    return float(freq[1:][np.argmax(power[1:])]) if power.size > 1 else 0.0


class FeatureLoss:
    """A loss on features of the traces (made by :func:`features`)."""

    def __init__(self, names, vars, threshold, burst_gap, discard, scales, weights):
        self.names, self.vars = list(names), vars
        self.threshold, self.burst_gap, self.discard = threshold, burst_gap, discard
        self.scales, self.weights = dict(scales or {}), dict(weights or {})

    def compute(self, t, values, spikes=None):
        """Feature vector ``{feature: array}`` of traces ``values`` ({name: (nt,)})
        sampled at ``t`` (ms).  ``spikes`` maps a state name to spike times
        (used for integrate-and-fire models, whose voltage is reset)."""
        t = np.asarray(t, dtype=float)
        keep = t >= t[0] + self.discard
        if keep.sum() < 4:
            raise ParameterError(f"discard={self.discard} ms leaves fewer than 4 samples")
        t = t[keep]
        vars = self.vars or list(values)
        missing = [v for v in vars if v not in values]
        if missing:
            raise ParameterError(f"feature variables {missing} are not in the data")
        out = {}
        for f in self.names:
            if f == "fc":
                if len(vars) < 2:
                    raise ParameterError("the 'fc' feature needs at least two vars")
                from ..analysis.connectivity import functional_connectivity
                fc = functional_connectivity(np.array([values[v][keep] for v in vars]))
                out[f] = fc[np.triu_indices(len(vars), 1)]
                continue
            row = []
            for v in vars:
                y = np.asarray(values[v], dtype=float)[keep]
                sp = None if spikes is None or v not in spikes else \
                    spikes[v][spikes[v] >= t[0]]
                row.append({"rate": lambda: _rate(t, y, self.threshold, sp),
                            "bursts": lambda: _bursts(t, y, self.threshold, self.burst_gap, sp),
                            "peak_frequency": lambda: _peak(t, y),
                            "mean": lambda: float(y.mean()),
                            "std": lambda: float(y.std())}[f]())
            out[f] = np.array(row)
        return out

    def residuals(self, model, target):
        """Weighted relative differences of two feature dicts, concatenated."""
        r = []
        for f in self.names:
            scale = self.scales.get(f)
            if scale is None:
                scale = np.maximum(np.abs(target[f]), 1.0 if f in ("fc", "bursts") else 1e-9)
            r.append(self.weights.get(f, 1.0) * (model[f] - target[f]) / scale)
        return np.concatenate(r)

    def __repr__(self):
        return f"<FeatureLoss {', '.join(self.names)} of {self.vars or 'all data vars'}>"


def features(*names, vars=None, threshold=0.0, burst_gap=None, discard=0.0, scales=None,
             weights=None):
    """A feature loss for :func:`nbblox.fit`.

    Parameters
    ----------
    *names : str
        Any of ``"rate"`` (spikes per second: upward crossings of
        ``threshold``, or the recorded spikes of a spiking blox),
        ``"bursts"`` (groups of >= 2 spikes separated by more than
        ``burst_gap`` ms, default twice the median interval),
        ``"peak_frequency"`` (Hz, peak of the Hann-windowed spectrum),
        ``"fc"`` (functional connectivity: pairwise correlations of the
        vars, via :func:`nbblox.functional_connectivity`), ``"mean"``, ``"std"``.
    vars : list of str, optional
        Observed states the features are taken of (default: every data variable).
    threshold : float
        Spike detection threshold for continuous models (mV).
    discard : float
        Transient dropped from the start of model and data (ms).
    scales, weights : dict, optional
        Per-feature residual scale (default the data value's magnitude) and weight.

    Returns
    -------
    FeatureLoss

    Examples
    --------
    >>> import numpy as np
    >>> loss = features("rate", "peak_frequency", vars=["x"])
    >>> t = np.arange(0, 1000.0, 0.5)
    >>> f = loss.compute(t, {"x": np.cos(2 * np.pi * 10 * t / 1000)})
    >>> round(float(f["rate"][0])), round(float(f["peak_frequency"][0]))
    (10, 10)
    """
    if not names:
        raise ParameterError(f"name at least one feature: {', '.join(FEATURES)}")
    bad = [n for n in names if n not in FEATURES]
    if bad:
        raise ParameterError(f"unknown feature(s) {bad}; choose from {', '.join(FEATURES)}")
    if isinstance(vars, str):
        vars = [vars]
    return FeatureLoss(names, vars, float(threshold), burst_gap, float(discard), scales,
                       weights)
