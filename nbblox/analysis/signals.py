"""Signals: the common input of the signal-analysis family (spectra, functional
connectivity) and functional connectivity itself.

Every function of the family takes the same things -- a :class:`Solution`
with the names of recorded variables, a population rate from
:meth:`SpikeTrains.population_rate`, a ``{label: array}`` dict or an array
with its sample spacing ``dt`` in ms -- and :func:`gather` turns them into
labelled rows of evenly spaced samples.  Time is in ms everywhere; frequency
is in Hz.
"""
from __future__ import annotations

import math

import numpy as np

from ..exceptions import ParameterError

__all__ = ["gather", "functional_connectivity", "ConnectivityMatrix", "bandpass"]


def _even_dt(t, what):
    steps = np.diff(np.asarray(t, dtype=float))
    if steps.size == 0:
        raise ParameterError(f"{what} has fewer than two samples")
    dt = float(steps[0])
    if not (dt > 0 and np.allclose(steps, dt, rtol=1e-6, atol=1e-9)):
        raise ParameterError(f"{what} needs evenly spaced samples (a fixed-step run); "
                             "adaptive runs can be resampled with np.interp first")
    return dt


def gather(source, variables=None, *, dt=None, discard=0.0, units=None):
    """Labelled, evenly sampled rows of ``source``.

    Parameters
    ----------
    source : Solution, population rate, dict or array
        A Solution (``variables`` names recorded states; a population name
        such as ``"pop.V"`` gives one row per neuron), the result of
        :meth:`SpikeTrains.population_rate`, ``{label: 1-D array}`` or an
        array ``(n_t,)`` / ``(n_signals, n_t)``.
    variables : str or list of str, optional
        Which recorded variables (default: all).
    dt : float, optional
        Sample spacing in ms; taken from the source when it has times.
    discard : float
        Milliseconds dropped from the start (the transient).
    units : str or dict, optional
        Unit of each signal (``"mV"``), for axis labels.

    Returns
    -------
    labels : list of str
    x : ndarray (n_signals, n_t)
    dt : float (ms)
    units : dict {label: unit}

    Examples
    --------
    >>> labels, x, dt, units = gather({"a": np.zeros(5), "b": np.ones(5)}, dt=0.5, discard=1.0)
    >>> labels, x.shape, dt
    (['a', 'b'], (2, 3), 0.5)
    """
    from ..sim.solution import Solution
    found_units = {}
    if isinstance(source, Solution):
        if variables is None:
            names = list(source.names)
        else:
            names = [variables] if isinstance(variables, str) else list(variables)
        rows, labels = [], []
        for v in names:
            y = np.asarray(source[v], dtype=np.float64)
            if y.ndim == 2:    # a whole population: one row per neuron
                base, st = v.rsplit(".", 1)
                labels += [f"{base}[{k}].{st}" for k in range(y.shape[0])]
                rows += list(y)
            else:
                labels.append(source.names[source._resolve(v)])
                rows.append(y)
        x = np.array(rows, dtype=np.float64).reshape(len(rows), -1)
        if dt is None:
            dt = _even_dt(source.t, "this Solution")
        from ..model.state_units import state_unit
        circuit = getattr(getattr(source, "system", None), "circuit", None)
        # a derived series (nb.bold) states its unit in info: no blox declares it
        derived = source.info.get("unit", "")
        found_units = {lab: (u if (u := state_unit(circuit, lab)) is not None else derived)
                       for lab in labels}
    elif hasattr(source, "rate") and hasattr(source, "t") and hasattr(source, "bin"):
        labels, x = [source.label], np.asarray(source.rate, dtype=np.float64)[None, :]
        dt = float(source.bin) if dt is None else dt
        found_units = {source.label: "Hz"}
    elif isinstance(source, dict):
        labels = [str(k) for k in source]
        try:
            x = np.array([np.asarray(v, dtype=np.float64) for v in source.values()])
        except ValueError:
            raise ParameterError("the signals in the dict must be 1-D arrays of one "
                                 "length") from None
        if x.ndim != 2:
            raise ParameterError("the signals in the dict must be 1-D arrays of one length")
    else:
        try:
            x = np.asarray(source, dtype=np.float64)
        except (TypeError, ValueError):
            raise ParameterError(f"cannot read signals from {type(source).__name__}: give "
                                 "a Solution, a dict of arrays or an array") from None
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2:
            raise ParameterError(f"signals must have shape (n_t,) or (n_signals, n_t), "
                                 f"got {x.shape}")
        labels = [f"signal{k}" for k in range(x.shape[0])] if x.shape[0] > 1 else ["signal"]
    if dt is None:
        raise ParameterError("dt (ms between samples) is needed for an array of signals")
    dt = float(dt)
    if not (math.isfinite(dt) and dt > 0):
        raise ParameterError(f"dt must be > 0 ms, got {dt}")
    if discard:
        k = int(round(float(discard) / dt))
        if not 0 <= k < x.shape[1]:
            raise ParameterError(f"discard={discard} ms leaves no samples (the signals span "
                                 f"{x.shape[1] * dt:g} ms)")
        x = x[:, k:]
    if x.shape[0] == 0:
        raise ParameterError("no signals to analyse")
    if not np.all(np.isfinite(x)):
        bad = labels[int(np.flatnonzero(~np.all(np.isfinite(x), axis=1))[0])]
        raise ParameterError(f"signal '{bad}' holds NaN or inf")
    if isinstance(units, str):
        found_units = {lab: units for lab in labels}
    elif units:
        found_units.update(units)
    return labels, x, dt, {lab: found_units.get(lab, "") for lab in labels}


def bandpass(x, dt, band, order=2):
    """Zero-phase Butterworth band-pass of rows of ``x`` (``band`` in Hz,
    ``low`` = 0 for a low-pass; ``dt`` in ms).

    Examples
    --------
    >>> t = np.arange(0, 2000.0, 1.0)
    >>> y = bandpass(np.sin(2 * np.pi * 0.005 * t) + np.sin(2 * np.pi * 0.2 * t), 1.0, (0, 50))
    >>> round(float(np.abs(y[0, 500:1500]).max()), 2)   # only the 5 Hz sine is left
    1.0
    """
    from scipy.signal import butter, sosfiltfilt
    if dt is None:
        raise ParameterError("band-pass filtering needs dt (ms between samples)")
    try:
        lo, hi = (float(b) for b in band)
    except (TypeError, ValueError):
        raise ParameterError(f"band must be (low, high) in Hz, got {band!r}") from None
    fs = 1000.0 / float(dt)
    if not (0 <= lo < hi < fs / 2):
        raise ParameterError(f"band ({lo}, {hi}) Hz must satisfy 0 <= low < high < "
                             f"{fs / 2:g} Hz (half the sampling rate)")
    sos = (butter(order, hi, btype="lowpass", fs=fs, output="sos") if lo == 0 else
           butter(order, (lo, hi), btype="bandpass", fs=fs, output="sos"))
    x = np.atleast_2d(x)
    if x.shape[1] <= 3 * (2 * order + 1) * 2:
        raise ParameterError(f"too few samples ({x.shape[1]}) to filter")
    return sosfiltfilt(sos, x, axis=1)


class ConnectivityMatrix(np.ndarray):
    """A correlation matrix that knows the names of its rows.

    It *is* an ``ndarray`` (so code written for the plain matrix keeps
    working: indexing, ``np.corrcoef``, ``.tolist()``) with ``.labels``,
    ``.to_pandas()``, ``.to_xarray()`` and ``.plot()`` (a heat map).
    """

    def __new__(cls, values, labels):
        obj = np.asarray(values).view(cls)
        obj.labels = list(labels)
        return obj

    def __array_finalize__(self, obj):
        self.labels = getattr(obj, "labels", None)

    def _names(self):
        labels = getattr(self, "labels", None)
        n = self.shape[0] if self.ndim else 0
        return labels if labels is not None and len(labels) == n else [str(k) for k in range(n)]

    def to_pandas(self):
        """pandas.DataFrame with the signal labels as index and columns."""
        import pandas as pd
        names = self._names()
        return pd.DataFrame(np.asarray(self), index=pd.Index(names, name="region"),
                            columns=pd.Index(names, name="region_to"))

    def to_xarray(self):
        """xarray.DataArray ``fc(region, region_to)``."""
        import xarray as xr
        names = self._names()
        return xr.DataArray(np.asarray(self), dims=("region", "region_to"),
                            coords={"region": names, "region_to": names}, name="fc",
                            attrs={"long_name": "Pearson correlation"})

    def plot(self, **kw):
        """Heat map (HoloViews) of the matrix, -1 blue to +1 red."""
        from ..viz.matrix import plot_matrix
        return plot_matrix(np.asarray(self), self._names(), **kw)


def functional_connectivity(signals, variables=None, *, dt=None, band=None, discard=0.0,
                            order=2):
    """Pearson correlation matrix of regional signals (e.g. BOLD).

    Parameters
    ----------
    signals : array (n_regions, n_t), Solution, or dict of arrays
        See :func:`gather`.
    variables : list of str, optional
        Recorded variables of a Solution (default: all).
    dt : float
        Sample spacing in ms (needed for ``band``; taken from a Solution).
    band : (low, high) in Hz, optional
        Zero-phase Butterworth band-pass first (``low`` may be 0 for a
        low-pass), e.g. ``(0.01, 0.1)`` for resting-state BOLD.
    discard : float
        Milliseconds dropped from the start (hemodynamic transient).

    Returns
    -------
    ConnectivityMatrix (n_regions, n_regions)
        An ndarray with ``.labels``, ``.plot()``, ``.to_pandas()``.
        A constant signal correlates with nothing (NaN row and column).

    Examples
    --------
    >>> x = np.sin(np.linspace(0, 20, 500))
    >>> fc = functional_connectivity(np.array([x, 2 * x + 1, -x]))
    >>> np.round(fc, 6).tolist()
    [[1.0, 1.0, -1.0], [1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]]
    """
    timed = hasattr(signals, "t")          # a Solution or a rate knows its spacing
    if dt is None and not timed:
        for need, what in ((band, "band-pass filtering"), (discard, "discard")):
            if need:
                raise ParameterError(f"{what} needs dt (ms between samples)")
    if not timed and not isinstance(signals, dict) and np.ndim(signals) != 2:
        raise ParameterError(f"signals must have shape (n_regions, n_t), got "
                             f"{np.shape(signals)}")
    if dt is None and not (band or discard):
        dt = 1.0                           # unused: correlation needs no time axis
    labels, x, dt, _ = gather(signals, variables, dt=dt, discard=discard)
    if x.shape[1] < 3:
        raise ParameterError(f"signals must have shape (n_regions, n_t) with n_t >= 3, "
                             f"got {x.shape}")
    if band is not None:
        x = bandpass(x, dt, band, order)
    x = x - x.mean(axis=1, keepdims=True)
    norm = np.sqrt((x * x).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        fc = (x @ x.T) / np.outer(norm, norm)
    flat = norm == 0
    if flat.any():  # a constant signal correlates with nothing
        fc[flat, :] = np.nan
        fc[:, flat] = np.nan
    np.clip(fc, -1.0, 1.0, out=fc)
    return ConnectivityMatrix(fc, labels)

