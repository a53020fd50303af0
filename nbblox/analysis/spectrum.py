"""Power spectra of simulated signals: Welch's averaged periodogram, the plain
periodogram and the multitaper estimate (Thomson 1982, DPSS tapers), as a
:class:`Spectrum` result (frequency in Hz, time in ms, power spectral
density in unit²/Hz, one-sided, so that the integral over frequency is the
signal's variance).

Sources: Welch P.D. (1967) IEEE Trans. Audio Electroacoust. 15:70-73,
doi:10.1109/TAU.1967.1161901; Thomson D.J. (1982) Spectrum estimation and
harmonic analysis, Proc. IEEE 70:1055-1096, doi:10.1109/PROC.1982.12433;
Percival D.B., Walden A.T. (1993) Spectral Analysis for Physical
Applications, Cambridge University Press, ch. 7.
"""
from __future__ import annotations

import math

import numpy as np

from .._text import counted
from ..exceptions import ParameterError, suggest
from .signals import gather

__all__ = ["spectrum", "Spectrum", "METHODS"]

#: method name -> one-line description (the choices of ``spectrum(method=)``)
METHODS = {
    "welch": "average of Hann-windowed periodograms of half-overlapping segments "
             "(segment length 1/resolution)",
    "periodogram": "one Hann-windowed periodogram of the whole signal",
    "multitaper": "average of the periodograms of the signal times K = 2NW - 1 DPSS "
                  "tapers (half-bandwidth W = bandwidth Hz)",
}


class Spectrum:
    """Power spectral density of one or more signals.

    Attributes
    ----------
    freqs : ndarray (n_f,)
        Frequencies in Hz, from 0 to the Nyquist frequency.
    power : dict {label: ndarray (n_f,)}
        One-sided power spectral density, unit²/Hz.
    units : dict {label: str}
        Unit of each signal ("" when unknown).
    method : str
    info : dict
        dt (ms), number of samples, segment length or tapers, resolution (Hz).
    """

    def __init__(self, freqs, power, units, method, info):
        self.freqs, self.power = freqs, power
        self.units, self.method, self.info = units, method, info

    @property
    def labels(self):
        return list(self.power)

    def _get(self, variable):
        if variable is None:
            if len(self.power) == 1:
                return next(iter(self.power.values()))
            raise ParameterError(f"this spectrum has {len(self.power)} signals; name one of "
                                 f"{', '.join(self.labels[:8])}")
        if variable not in self.power:
            short = [k for k in self.power if k.split(".", 1)[-1] == variable]
            if len(short) == 1:
                return self.power[short[0]]
            raise ParameterError(f"no spectrum of '{variable}'; computed: "
                                 f"{', '.join(self.labels[:8])}" + suggest(variable, self.labels))
        return self.power[variable]

    def _band(self, band):
        lo, hi = (0.0, self.freqs[-1]) if band is None else (float(b) for b in band)
        if not lo < hi:
            raise ParameterError(f"band ({lo}, {hi}) Hz must have low < high")
        return (self.freqs >= lo) & (self.freqs <= hi)

    def peak_frequency(self, variable=None, band=None):
        """Frequency (Hz) of the largest power above 0 Hz (within ``band``).

        The peak bin is refined by a parabola through the logarithm of its
        power and its two neighbours (exact for a Gaussian-shaped peak, and
        within a few percent of the resolution for a Hann window).
        """
        p = self._get(variable)
        sel = self._band(band) & (self.freqs > 0)
        if not sel.any():
            raise ParameterError(f"no frequency of this spectrum lies in {band} Hz")
        idx = np.flatnonzero(sel)
        k = int(idx[np.argmax(p[idx])])
        if 0 < k < p.size - 1 and np.all(p[k - 1:k + 2] > 0):
            a, b, c = np.log(p[k - 1:k + 2])
            den = a - 2 * b + c
            if den < 0:
                shift = 0.5 * (a - c) / den
                return float(self.freqs[k] + shift * (self.freqs[1] - self.freqs[0]))
        return float(self.freqs[k])

    def band_power(self, variable=None, band=None, *, relative=False):
        """Power (unit²) in ``band`` = (low, high) Hz: the integral of the
        density over the band (trapezoid rule); ``relative=True`` divides by
        the total power above 0 Hz."""
        p = self._get(variable)
        sel = self._band(band)
        if sel.sum() < 2:
            df = self.freqs[1] - self.freqs[0]
            total = float(p[sel].sum() * df)
        else:
            total = _trapezoid(p[sel], self.freqs[sel])
        if relative:
            pos = self.freqs > 0
            return total / _trapezoid(p[pos], self.freqs[pos])
        return total

    def to_pandas(self):
        """pandas.DataFrame indexed by frequency (Hz), one column per signal."""
        import pandas as pd
        return pd.DataFrame(self.power, index=pd.Index(self.freqs, name="frequency"))

    def to_xarray(self):
        """xarray.Dataset: one power variable per signal over ``frequency`` (Hz)."""
        import xarray as xr
        data = {k: ("frequency", v, {"units": f"{self.units.get(k) or 'unit'}^2/Hz"})
                for k, v in self.power.items()}
        return xr.Dataset(data, coords={"frequency": ("frequency", self.freqs,
                                                      {"units": "Hz"})},
                          attrs={"method": self.method,
                                 **{k: v for k, v in self.info.items() if v is not None}})

    def plot(self, variables=None, **kw):
        """Power against frequency (HoloViews, log power axis)."""
        from ..viz.spectrum import plot_spectrum
        return plot_spectrum(self, variables, **kw)

    def __repr__(self):
        return (f"<Spectrum ({self.method}) of {counted(len(self.power), 'signal')}, 0..{self.freqs[-1]:g}"
                f" Hz, resolution {self.info.get('resolution', float('nan')):.3g} Hz>")


def _trapezoid(y, x):
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def _positive(value, what):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be a number, got {value!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise ParameterError(f"{what} must be > 0, got {value}")
    return value


def _welch(x, fs, nperseg, noverlap):
    """One-sided Welch PSD of rows of ``x`` (unit²/Hz): Hann-windowed (periodic),
    mean-removed segments of ``nperseg`` samples overlapping by ``noverlap``,
    their periodograms averaged.  The numbers of ``scipy.signal.welch(x, fs,
    "hann", nperseg, noverlap, detrend="constant")`` (and, with one segment of
    the whole signal, of ``scipy.signal.periodogram``), to rounding
    (``tests/analysis/test_spectrum.py``), in numpy: importing scipy.signal
    costs 0.8 s of CPU, a tenth of lesson 16's budget."""
    step = nperseg - noverlap
    nseg = (x.shape[1] - nperseg) // step + 1
    seg = np.lib.stride_tricks.sliding_window_view(x, nperseg, axis=1)[:, ::step][:, :nseg]
    win = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(nperseg) / nperseg)   # periodic Hann
    X = np.fft.rfft((seg - seg.mean(axis=2, keepdims=True)) * win, axis=2)
    psd = (X.real * X.real + X.imag * X.imag) * (1.0 / (fs * (win * win).sum()))
    psd[..., 1:nperseg // 2 + nperseg % 2] *= 2.0    # one-sided: all but 0 and Nyquist
    return np.fft.rfftfreq(nperseg, 1.0 / fs), psd.mean(axis=1)


def _multitaper(x, fs, bandwidth):
    """One-sided multitaper PSD of rows of ``x`` (unit²/Hz)."""
    from scipy.signal import windows
    n = x.shape[1]
    NW = bandwidth * n / fs
    if NW < 1:
        raise ParameterError(f"bandwidth {bandwidth:g} Hz is below the frequency resolution "
                             f"of {fs / n:.3g} Hz of this signal ({n / fs * 1000:g} ms): give "
                             f"bandwidth >= {fs / n:.3g} Hz or a longer signal")
    K = max(1, int(2 * NW) - 1)
    tapers = windows.dpss(n, NW, K)          # (K, n), unit energy each
    xc = x - x.mean(axis=1, keepdims=True)
    spec = np.abs(np.fft.rfft(xc[:, None, :] * tapers[None, :, :], axis=2)) ** 2 / fs
    psd = spec.mean(axis=1)
    psd[:, 1:] *= 2.0                        # one-sided: fold negative frequencies ...
    if n % 2 == 0:
        psd[:, -1] /= 2.0                    # ... except the Nyquist bin
    return np.fft.rfftfreq(n, 1.0 / fs), psd, {"tapers": K, "NW": NW}


def spectrum(source, variables=None, method="welch", *, dt=None, discard=0.0,
             resolution=1.0, bandwidth=None, units=None):
    """Power spectral density of simulated signals.

    Parameters
    ----------
    source : Solution, population rate, dict or array
        What to analyse (see :func:`nbblox.analysis.signals.gather`); e.g.
        ``sol`` with ``variables=["jr.y0"]``, ``{"EEG": y1 - y2}`` with
        ``dt=0.1``, or ``spikes.population_rate(1.0)``.
    variables : str or list of str, optional
        Recorded variables of a Solution (default: all).
    method : {"welch", "periodogram", "multitaper"}
        See :data:`METHODS`.
    dt : float, optional
        Sample spacing in ms (taken from a Solution or a rate).
    discard : float
        Milliseconds dropped from the start (the transient).
    resolution : float
        Welch: frequency resolution in Hz; segments are ``1000/resolution``
        ms long (shortened to the whole signal if it is shorter).
    bandwidth : float, optional
        Multitaper half-bandwidth W in Hz (default: 4 frequency bins, NW = 4,
        so K = 7 tapers).
    units : str or dict, optional
        Unit of each signal, for the axis label ("mV" gives mV²/Hz).

    Returns
    -------
    Spectrum

    Examples
    --------
    >>> t = np.arange(0, 4000, 0.5)                     # 4 s at dt = 0.5 ms
    >>> sp = spectrum({"x": np.sin(2 * np.pi * 10.0 * t / 1000)}, dt=0.5)
    >>> round(sp.peak_frequency("x"), 2)                # a 10 Hz sine
    10.0
    >>> round(sp.band_power("x", (8, 12)), 2)           # its variance, A²/2
    0.5
    """
    if method not in METHODS:
        raise ParameterError(f"unknown spectrum method {method!r}; choose one of "
                             f"{', '.join(METHODS)}" + suggest(str(method), METHODS))
    labels, x, dt, unit_of = gather(source, variables, dt=dt, discard=discard, units=units)
    n = x.shape[1]
    if n < 8:
        raise ParameterError(f"a spectrum needs at least 8 samples; this signal has {counted(n, 'sample')}")
    fs = 1000.0 / dt
    info = {"dt": dt, "samples": n, "duration_ms": n * dt}
    if method == "welch":
        resolution = _positive(resolution, "resolution (Hz)")
        nperseg = min(n, max(8, int(round(fs / resolution))))
        freqs, psd = _welch(x, fs, nperseg, nperseg // 2)
        info.update(segment_ms=nperseg * dt, segments=1 + max(0, (n - nperseg) // (nperseg // 2)))
    elif method == "periodogram":
        freqs, psd = _welch(x, fs, n, 0)           # one segment: the periodogram
    else:
        bw = 4.0 * fs / n if bandwidth is None else _positive(bandwidth, "bandwidth (Hz)")
        freqs, psd, extra = _multitaper(x, fs, bw)
        info.update(bandwidth=bw, **extra)
    info["resolution"] = float(freqs[1] - freqs[0])
    return Spectrum(freqs, dict(zip(labels, psd)), unit_of, method, info)
