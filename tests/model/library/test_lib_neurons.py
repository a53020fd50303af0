"""Continuous point neurons reproduce published behaviour (each test cites it)."""
import numpy as np
import pytest

import nbblox as nb


def test_hodgkin_huxley_class_ii_onset(lib):
    # Hodgkin & Huxley 1952 (J Physiol 117:500, doi:10.1113/jphysiol.1952.sp004764) at
    # 6.3 degC: repetitive firing starts between 6 and 7 uA/cm^2 (Rinzel 1978 / Ermentrout &
    # Terman 2010 ch. 1: onset ~6.3 uA/cm^2) at a non-zero rate of ~50-60 Hz (class II),
    # and fires ~68 Hz at 10 uA/cm^2 (Koch 1999 Fig. 6.7 read: 68 Hz, tolerance 5 Hz).
    rates = {}
    for I in (6.0, 7.0, 10.0):
        sol = nb.simulate(nb.blox.HodgkinHuxley(name="hh", I=I), 600.0, dt=0.02)
        ts = lib.crossings(sol, "hh.V", 0.0, t_min=200.0)
        rates[I] = 0.0 if len(ts) < 2 else 1000.0 / np.diff(ts).mean()
    assert rates[6.0] == 0.0
    assert 45.0 < rates[7.0] < 65.0
    assert rates[10.0] == pytest.approx(68.0, abs=5.0)


def test_morris_lecar_snic_onset_near_40(lib):
    # Rinzel & Ermentrout 1989 class-I set: saddle-node on invariant circle at I ~ 39.96
    # uA/cm^2, so the rate starts from zero: silent at 39, a few Hz at 41.
    rates = {}
    for I in (39.0, 41.0):
        sol = nb.simulate(nb.blox.MorrisLecar(name="ml", preset="snic", I=I), 3000.0, dt=0.05)
        ts = lib.crossings(sol, "ml.V", 0.0, t_min=1000.0)
        rates[I] = 0.0 if len(ts) < 2 else 1000.0 / np.diff(ts).mean()
    assert rates[39.0] == 0.0
    assert 1.0 < rates[41.0] < 10.0


def test_morris_lecar_hopf_set_is_bistable_at_90(lib):
    # Rinzel & Ermentrout 1989 class-II set: subcritical Hopf near I = 97.8 and a fold of
    # limit cycles near 88.3, so at I = 90 stable rest and stable oscillation coexist.
    ml = nb.blox.MorrisLecar(name="ml", preset="hopf", I=90.0)
    rest = nb.simulate(ml, 2000.0, dt=0.05, x0={"ml.V": -26.6, "ml.w": 0.129})
    fire = nb.simulate(ml, 2000.0, dt=0.05, x0={"ml.V": 20.0, "ml.w": 0.3})
    assert len(lib.crossings(rest, "ml.V", 0.0, t_min=1000.0)) == 0
    assert len(lib.crossings(fire, "ml.V", 0.0, t_min=1000.0)) >= 8


def test_hindmarsh_rose_regular_and_chaotic_bursts(lib):
    # Hindmarsh & Rose 1984 (doi:10.1098/rspb.1984.0024): r = 0.001, I = 2 gives regular
    # bursts of several spikes separated by a long quiescent phase; r = 0.006, I = 3.25 is
    # the well-known chaotic bursting regime (bursts of varying length).
    sol = nb.simulate(nb.blox.HindmarshRose(name="hr"), 3000.0, dt=0.02)
    bs = lib.bursts(lib.crossings(sol, "hr.x", 1.0, t_min=800.0), gap=100.0)[:-1]
    counts = {len(b) for b in bs[1:]}
    assert len(counts) == 1 and counts.pop() >= 5
    sol = nb.simulate(nb.blox.HindmarshRose(name="hr", r=0.006, I=3.25), 3000.0, dt=0.02)
    bs = lib.bursts(lib.crossings(sol, "hr.x", 1.0, t_min=800.0), gap=40.0)[1:-1]
    assert len({len(b) for b in bs}) >= 2


def test_wang_buzsaki_class_i_threshold(lib):
    # Wang & Buzsaki 1996 (doi:10.1523/JNEUROSCI.16-20-06402.1996): class-I model whose
    # threshold for repetitive firing is I_c ~ 0.16 uA/cm^2 (Borgers 2017, "An Introduction
    # to Modeling Neuronal Dynamics", ch. 5: 0.16); just above it the rate is low.
    rates = {}
    for I in (0.15, 0.18, 1.0):
        sol = nb.simulate(nb.blox.WangBuzsaki(name="wb", I=I), 1500.0, dt=0.02)
        ts = lib.crossings(sol, "wb.V", 0.0, t_min=300.0)
        rates[I] = 0.0 if len(ts) < 2 else 1000.0 / np.diff(ts).mean()
    assert rates[0.15] == 0.0
    assert 0.0 < rates[0.18] < 15.0
    assert rates[1.0] > 40.0


def test_fitzhugh_nagumo_fixed_point_and_oscillation(lib):
    # FitzHugh 1961: with a = 0.7, b = 0.8 the rest state at I = 0 is V = -1.1994,
    # w = -0.6243; at I = 0.5 the rest state is unstable and the model oscillates.
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    assert np.allclose(s.rhs(np.array([-1.19941, -0.62426])), 0.0, atol=1e-4)
    sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 600.0, dt=0.05)
    assert len(lib.crossings(sol, "fhn.V", 1.0, t_min=100.0)) >= 5


def test_negative_conductance_is_refused():
    with pytest.raises(nb.ParameterError, match="g_Na"):
        nb.blox.WangBuzsaki(name="wb", g_Na=-1.0)
    with pytest.raises(nb.ParameterError, match="hopf"):
        nb.blox.MorrisLecar(name="ml", preset="nope")
