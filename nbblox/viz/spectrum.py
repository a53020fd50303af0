"""Spectrum views: power spectral density against frequency (Hz), one curve
per signal on a logarithmic power axis, labelled with the signal's unit."""
from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError
from .timeseries import PALETTE

__all__ = ["plot_spectrum", "power_label"]


def power_label(units):
    """Axis label of a power spectral density: ``"power (mV²/Hz)"``, or
    ``"power (unit²/Hz)"`` when the signals' units differ or are unknown.

    Examples
    --------
    >>> power_label({"a": "mV"}), power_label({"a": "", "b": "mV"})
    ('power (mV²/Hz)', 'power (unit²/Hz)')
    """
    found = set(units.values())
    unit = found.pop() if len(found) == 1 else ""
    return f"power ({unit or 'unit'}²/Hz)"


def plot_spectrum(sp, variables=None, *, fmax=None, logy=True, width=600, height=320,
                  title=None):
    """Power against frequency for a :class:`~nbblox.analysis.spectrum.Spectrum`.

    Parameters
    ----------
    variables : str or list of str, optional
        Signals to draw (default all).
    fmax : float, optional
        Right end of the frequency axis in Hz (default: four times the
        highest peak frequency, at least 20 Hz, at most the Nyquist frequency).
    logy : bool
        Logarithmic power axis (the default: spectra span decades).

    Examples
    --------
    >>> from nbblox.analysis.spectrum import spectrum
    >>> t = np.arange(0, 2000, 1.0)
    >>> ov = plot_spectrum(spectrum({"x": np.sin(2 * np.pi * t / 100)}, dt=1.0, units="mV"))
    >>> c = ov.get(0)
    >>> c.kdims[0].pprint_label, c.vdims[0].pprint_label
    ('frequency (Hz)', 'power (mV²/Hz)')
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    names = (sp.labels if variables is None else
             [variables] if isinstance(variables, str) else list(variables))
    for v in names:
        if v not in sp.power:
            raise ParameterError(f"no spectrum of '{v}'; computed: {', '.join(sp.labels[:8])}")
    f = sp.freqs
    nyq = float(f[-1])
    if fmax is None:
        peaks = [sp.peak_frequency(v) for v in names]
        fmax = min(nyq, max(20.0, 4.0 * max(peaks)))
    keep = (f > 0) & (f <= fmax) if logy else f <= fmax
    fdim = hv.Dimension("frequency", unit="Hz")
    pdim = hv.Dimension("power", label=power_label({v: sp.units.get(v, "") for v in names}))
    curves = []
    for i, v in enumerate(names):
        p = sp.power[v][keep]
        if logy:   # a zero bin (a constant signal) cannot sit on a log axis
            p = np.where(p > 0, p, np.nan)
        curves.append(hv.Curve((f[keep], p), kdims=[fdim], vdims=[pdim], label=v).opts(
            color=PALETTE[i % len(PALETTE)], line_width=1.6, tools=["hover"]))
    label = title if title is not None else (
        f"power spectrum ({sp.method}, resolution {sp.info['resolution']:.2g} Hz)")
    return hv.Overlay(curves).opts(
        width=width, height=height, logy=logy, show_grid=True, title=label,
        xlim=(0, fmax), show_legend=len(curves) > 1, legend_position="right")
