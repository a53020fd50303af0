"""nb.spectrum: power spectral density in Hz of signals sampled in ms, checked
against closed forms (a sine's frequency and power A²/2, white noise's flat
level 2σ²/fs, Parseval) and against scipy.signal called directly."""
import numpy as np
import pytest
import scipy.signal as ss

import nbblox as nb

DT = 0.5                                   # ms, fs = 2000 Hz
T = np.arange(0, 8000, DT)                 # 8 s


def sine(f0, amp=2.0):
    return amp * np.sin(2 * np.pi * f0 * T / 1000.0)


def test_welch_equals_scipy_welch_called_directly():
    """Same numbers as scipy.signal.welch with fs = 1000/dt Hz, 1 s Hann segments,
    half overlap, after the discarded transient is cut."""
    rng = np.random.default_rng(3)
    x = sine(12.0) + rng.standard_normal(T.size)
    sp = nb.spectrum({"x": x}, dt=DT, discard=500.0, resolution=2.0)
    f, p = ss.welch(x[1000:], fs=2000.0, window="hann", nperseg=1000, noverlap=500)
    np.testing.assert_allclose(sp.freqs, f)
    np.testing.assert_allclose(sp.power["x"], p, rtol=1e-12)
    assert sp.info["resolution"] == 2.0 and sp.info["segment_ms"] == 500.0


@pytest.mark.parametrize("f0", [10.0, 10.3, 37.77])
def test_sine_peak_and_power_are_the_closed_form(f0):
    """A sine A sin(2 pi f0 t) has all its power A²/2 at f0 (Parseval)."""
    sp = nb.spectrum({"x": sine(f0)}, dt=DT)                       # welch, 1 Hz
    assert sp.peak_frequency("x") == pytest.approx(f0, abs=0.05)   # 5% of a bin
    assert sp.band_power("x", (f0 - 3, f0 + 3)) == pytest.approx(2.0, rel=2e-3)
    assert sp.band_power("x", (f0 - 3, f0 + 3), relative=True) == pytest.approx(1.0, abs=1e-3)
    mt = nb.spectrum({"x": sine(f0)}, dt=DT, method="multitaper", bandwidth=0.5)
    # the multitaper peak is flat over +-W: the estimate lies within the bandwidth
    assert abs(mt.peak_frequency("x") - f0) < mt.info["bandwidth"]
    assert mt.band_power("x", (f0 - 3, f0 + 3)) == pytest.approx(2.0, rel=2e-3)


@pytest.mark.parametrize("method", ["welch", "periodogram", "multitaper"])
def test_white_noise_level_and_parseval(method):
    """Unit-variance white noise sampled at fs has the one-sided density 2/fs
    at every frequency, and the density integrates to the variance."""
    x = np.random.default_rng(0).standard_normal(40_000)
    sp = nb.spectrum(x, dt=0.25, method=method)                  # fs = 4000 Hz
    level = sp.power["signal"][1:-1].mean()
    # Both are (weighted) variance estimates: a Hann window or taper weights the
    # middle, so their spread over draws is sqrt(2/N_eff) ~ 1% (N_eff ~ N/2 = 2e4).
    # Tolerance: 4 standard deviations.
    assert level == pytest.approx(2.0 / 4000.0, rel=0.04)
    assert sp.band_power() == pytest.approx(x.var(), rel=0.04)


def test_multitaper_is_the_mean_of_dpss_tapered_periodograms():
    """Thomson (1982): the estimate averages the periodograms of the signal times
    each of K = 2NW - 1 Slepian tapers; here through scipy.signal.periodogram."""
    rng = np.random.default_rng(5)
    x = sine(20.0)[:4000] + rng.standard_normal(4000)           # 2 s
    sp = nb.spectrum(x, dt=DT, method="multitaper", bandwidth=2.0)   # NW = 4
    tapers = ss.windows.dpss(4000, 4.0, 7)
    ref = np.mean([ss.periodogram(x, fs=2000.0, window=w, detrend="constant")[1]
                   for w in tapers], axis=0)
    assert sp.info["tapers"] == 7
    np.testing.assert_allclose(sp.power["signal"], ref, rtol=1e-9, atol=1e-15)


def test_jansen_rit_alpha_from_a_solution():
    """Jansen & Rit (1995) Biol. Cybern. 73:357, fig. 3: the standard column
    (p = 220 pulses/s) oscillates in the alpha band.  The peak agrees with the
    lesson checker's plain FFT argmax (an independent computation) within the
    checker's 0.2 Hz resolution."""
    from nbblox.lessons.circuits import _jr_alpha
    sol = nb.simulate(nb.blox.JansenRit(name="jr"), 5000.0, dt=0.1, record=["jr.y1", "jr.y2"])
    sp = nb.spectrum(sol, ["jr.y1", "jr.y2"], discard=1000.0)
    assert sp.labels == ["jr.y1", "jr.y2"]
    f = sp.peak_frequency("jr.y1")
    assert 8.0 < f < 12.0
    assert f == pytest.approx(_jr_alpha(), abs=0.6)      # 0.5 Hz bins of the 1 s Welch
    assert sp.peak_frequency("y2") == pytest.approx(f, abs=0.6)   # short names resolve
    # most of the variance of y1 sits in the alpha band
    assert sp.band_power("jr.y1", (7, 14), relative=True) > 0.5


def test_conversions():
    sp = nb.spectrum({"a": sine(10.0), "b": sine(30.0)}, dt=DT, units="mV")
    df = sp.to_pandas()
    assert list(df.columns) == ["a", "b"] and df.index.name == "frequency"
    assert df["b"].idxmax() == pytest.approx(30.0)
    ds = sp.to_xarray()
    assert ds["frequency"].attrs["units"] == "Hz" and ds["a"].attrs["units"] == "mV^2/Hz"
    assert float(ds["a"].idxmax()) == pytest.approx(10.0)


def test_bad_input_is_named():
    with pytest.raises(nb.ParameterError, match="unknown spectrum method 'welsh'"):
        nb.spectrum(sine(10.0), dt=DT, method="welsh")
    with pytest.raises(nb.ParameterError, match="dt"):
        nb.spectrum(sine(10.0))
    with pytest.raises(nb.ParameterError, match="NaN"):
        nb.spectrum(np.array([0.0, np.nan] * 10), dt=1.0)
    with pytest.raises(nb.ParameterError, match="bandwidth"):
        nb.spectrum(sine(10.0), dt=DT, method="multitaper", bandwidth=0.01)
    sp = nb.spectrum({"a": sine(10.0), "b": sine(20.0)}, dt=DT)
    with pytest.raises(nb.ParameterError, match="name one of a, b"):
        sp.peak_frequency()
    with pytest.raises(nb.ParameterError, match="no spectrum of 'c'"):
        sp.peak_frequency("c")
    with pytest.raises(nb.ParameterError, match="leaves no samples"):
        nb.spectrum(sine(10.0), dt=DT, discard=1e6)
