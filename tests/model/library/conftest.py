"""Helpers shared by the catalog tests: spike times, burst grouping, periods."""
import numpy as np
import pytest


def crossings(sol, name, threshold=0.0, t_min=0.0):
    """Times where ``sol[name]`` crosses ``threshold`` upwards, after ``t_min``."""
    v, t = np.asarray(sol[name]), np.asarray(sol.t)
    i = np.flatnonzero((v[1:] >= threshold) & (v[:-1] < threshold)) + 1
    return t[i][t[i] > t_min]


def bursts(times, gap):
    """Split spike times into bursts separated by more than ``gap`` ms."""
    if len(times) == 0:
        return []
    cut = np.flatnonzero(np.diff(times) > gap) + 1
    return np.split(times, cut)


def dominant_frequency(t_ms, x):
    """Frequency (Hz) of the largest spectral peak of ``x`` (mean removed)."""
    x = np.asarray(x) - np.mean(x)
    dt = (t_ms[1] - t_ms[0]) / 1000.0
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    f = np.fft.rfftfreq(len(x), dt)
    return f[1:][np.argmax(spec[1:])]


@pytest.fixture
def lib():
    """The helpers, as a namespace (tests in this folder use ``lib.crossings``)."""
    import types
    return types.SimpleNamespace(crossings=crossings, bursts=bursts, value=value,
                                 dominant_frequency=dominant_frequency)


def value(expr, values):
    """Evaluate a blox's SymPy expression (e.g. an output) at ``values`` {name: number}."""
    return float(expr.xreplace({s: values[s.name] for s in expr.free_symbols}))
