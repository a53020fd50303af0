"""A recorded time series as an input blox: :func:`TimeSeriesInput`.

Design: the table lives in the blox's own parameters (``T0 .. T{K-1}`` sample
times in ms, then ``Y0 .. Y{K-1}`` values), and the output is the whitelisted
``interp(t, T0, T1, Y0, K)`` (see :mod:`nbblox.model.functions`), which the
kernels evaluate by binary search and linear interpolation straight from the
parameter vector (``nbblox.compile.jit.tinterp``; indices stay inside the
table by construction).  So a table needs no new kernel argument, travels in
circuit JSON like any parameter, and can be edited in ``System.params``
without recompiling; code size does not grow with the table, and two series
of the same length share one compiled group.
"""
from __future__ import annotations

import numpy as np

from ..._text import counted
from ...exceptions import ParameterError
from ..blox import BloxType
from ..params import Parameter

__all__ = ["TimeSeriesInput"]

#: above this, a table costs more memory (two parameters per sample) than it is worth;
#: resample the recording first
MAX_SAMPLES = 200_000


def _array(values, what, name):
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"TimeSeriesInput '{name}': '{what}' must be an array of "
                             "numbers") from None
    if a.ndim != 1:
        raise ParameterError(f"TimeSeriesInput '{name}': '{what}' must be one-dimensional, "
                             f"got shape {a.shape}")
    bad = np.flatnonzero(~np.isfinite(a))
    if bad.size:
        raise ParameterError(f"TimeSeriesInput '{name}': '{what}' holds NaN or infinite "
                             f"values (first at index {bad[0]}: {a[bad[0]]})")
    return a


def TimeSeriesInput(t, values, name="stimulus", *, gain=1.0, offset=0.0):
    """A blox whose output ``out`` follows a recorded series, linearly interpolated.

    Parameters
    ----------
    t : array_like
        Sample times in ms, non-decreasing (a repeated time is a jump: ``t=[0,
        50, 50, 100]`` with ``values=[0, 0, 1, 1]`` is a step at 50 ms).
        Before ``t[0]`` and after ``t[-1]`` the end values hold.
    values : array_like
        One value per time (units of the input it drives, e.g. uA/cm^2).
    name : str
        Name of the blox.
    gain, offset : float
        ``out = offset + gain * interp(t)`` (parameters, adjustable live).

    Returns
    -------
    Blox
        Connect it like any input: ``Circuit.connect(stim, neuron)``.  Its
        table entries are the parameters ``T0 ..`` and ``Y0 ..``.

    Examples
    --------
    >>> import nbblox as nb
    >>> stim = nb.blox.TimeSeriesInput([0, 10, 20], [0.0, 5.0, 0.0], name="stim")
    >>> acc = nb.BloxType("Acc", "dq/dt = I_syn")(name="acc")     # integrates its input
    >>> c = nb.Circuit([stim, acc]).connect(stim, acc)
    >>> round(float(nb.simulate(c, 30.0, dt=0.01)["acc.q"][-1]), 6)  # area of the triangle
    50.0
    >>> nb.blox.TimeSeriesInput([0, 20, 10], [1, 2, 3])
    Traceback (most recent call last):
    ...
    nbblox.exceptions.ParameterError: TimeSeriesInput 'stimulus': 't' must be non-decreasing, but t[2] = 10.0 < t[1] = 20.0
    """
    name = str(name)
    tt = _array(t, "t", name)
    yy = _array(values, "values", name)
    if tt.size != yy.size:
        raise ParameterError(f"TimeSeriesInput '{name}': 't' has {counted(tt.size, 'sample')} but "
                             f"'values' has {yy.size}")
    if tt.size < 2:
        raise ParameterError(f"TimeSeriesInput '{name}': give at least 2 samples")
    if tt.size > MAX_SAMPLES:
        raise ParameterError(f"TimeSeriesInput '{name}': {tt.size} samples is more than "
                             f"{MAX_SAMPLES}; resample the series first")
    drop = np.flatnonzero(np.diff(tt) < 0)
    if drop.size:
        k = drop[0] + 1
        raise ParameterError(f"TimeSeriesInput '{name}': 't' must be non-decreasing, but "
                             f"t[{k}] = {tt[k]} < t[{k - 1}] = {tt[k - 1]}")
    K = tt.size
    params = {"gain": Parameter(float(gain), (-10, 10), None, "", "scale of the series"),
              "offset": Parameter(float(offset), (-10, 10), None, "", "added to the series")}
    params.update({f"T{k}": Parameter(float(v), None, None, "ms", f"time of sample {k}")
                   for k, v in enumerate(tt)})
    params.update({f"Y{k}": Parameter(float(v), None, None, "", f"value of sample {k}")
                   for k, v in enumerate(yy)})
    btype = BloxType(
        f"TimeSeries{K}", f"value = offset + gain*interp(t, T0, T1, Y0, {K})", params,
        outputs={"out": "value"}, kind="input", title="recorded time series",
        doc=f"A recorded series of {K} samples from {tt[0]:g} to {tt[-1]:g} ms, linearly "
            "interpolated (end values hold outside); out = offset + gain*series.",
        citation="(user data)")
    return btype(name=name)
