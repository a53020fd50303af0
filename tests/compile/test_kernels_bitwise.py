"""The generated kernels compute, bit for bit, what they computed before the
code generator moved from string templates to statements as data
(nbblox.compile.ir, issue 22 item 2).

The reference arrays in data/kernels_before_ir.npz were written by this file
run as a script on the commit before that change (``PYTHONPATH=<old tree>
python tests/compile/test_kernels_bitwise.py --write``).  Each case runs a
different generator path: the plain ODE loops (``run_<m>``: a single
Hodgkin-Huxley neuron, FitzHugh-Nagumo with three schemes), the full loops
(``run_<m>_full``: a Wilson-Cowan network with delays; the COBA benchmark
network of Brette et al. 2007, scaled down, with a delayed projection), the
lockstep CPU sweep kernel and the forward-sensitivity kernel.  Equality is
exact (``assert_array_equal``): any reordering of the emitted arithmetic
would show in the last bits.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nbblox as nb

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "kernels_before_ir.npz"
# results of the kernel *variants* (fast-math, lockstep finite check, streaming sweep
# loops) from the commit before they became passes over the statements instead of
# regex/replace edits of the printed module (``--write-variants`` on that tree)
VARIANTS = Path(__file__).parent / "data" / "variants_before_passes.npz"


def _hh():
    sol = nb.simulate(nb.blox.HodgkinHuxley(name="hh", I=10.0), 30.0, dt=0.01, stride=10)
    return {"hh": sol.values}


def _fhn():
    out = {}
    for m in ("euler", "heun", "rk4"):
        sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 60.0, dt=0.05,
                          method=m, stride=4)
        out[f"fhn_{m}"] = sol.values
    return out


def _wilson_cowan_delays():
    w = [nb.blox.WilsonCowan(name=f"w{i}", P=0.5 + 0.3 * i) for i in range(3)]
    c = nb.Circuit(w)
    c.connect(w[0], w[1], weight=1.5, delay=2.0)
    c.connect(w[1], w[2], weight=1.2)
    c.connect(w[2], w[0], weight=0.8, delay=1.3)
    out = {}
    for m in ("euler", "rk4"):
        out[f"wc_{m}"] = nb.simulate(c, 50.0, dt=0.05, method=m, stride=5).values
    return out


COBA = nb.BloxType(
    "COBA_LIF_ir", """
    dV/dt = (ge*(Ee - V) + gi*(Ei - V) - (V - El) + I)/taum
    dge/dt = -ge/taue
    dgi/dt = -gi/taui
    """,
    params={"El": -60.0, "Ee": 0.0, "Ei": -80.0, "I": 20.0, "taum": 20.0, "taue": 5.0,
            "taui": 10.0, "Vt": -50.0, "Vr": -60.0},
    spike="V > Vt", reset="V = Vr", refractory=5.0, init={"V": -60.0}, kind="neuron")


def _coba():
    rng = np.random.default_rng(3)
    V0 = -60.0 + 10.0 * rng.random(200)
    E = nb.Population(COBA, n=160, name="E", init={"V": V0[:160]})
    I = nb.Population(COBA, n=40, name="I", init={"V": V0[160:]})
    c = nb.Circuit([E, I], name="coba")
    for k, tgt in enumerate((E, I)):
        c.connect(E, tgt, weight=3.0, on_pre="ge += w", p=0.1, seed=k)
        c.connect(I, tgt, weight=20.0, on_pre="gi += w", p=0.1, seed=k + 5, delay=1.0)
    sol = nb.simulate(c, 100.0, dt=0.1, method="euler", record=["E[0].V", "E[3].ge", "I[1].V"])
    return {"coba_x": sol.values, "coba_spike_index": np.asarray(sol.spikes["index"]),
            "coba_spike_time": np.asarray(sol.spikes["time"]),
            "coba_spike_in_E": np.asarray(sol.spikes["blox"]) == "E"}


def _sweep():
    res = nb.sweep(nb.blox.FitzHughNagumo(name="fhn"),
                   {"fhn.I": np.linspace(0.0, 1.5, 4), "fhn.a": np.array([0.6, 0.8])},
                   t_end=40.0, dt=0.05, method="rk4", traces=True, stride=8)
    return {"sweep": res["trace"].values}


def _sensitivity():
    sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn", I=0.5), 30.0, dt=0.02, method="rk4",
                      sensitivities=["fhn.a", "fhn.V(0)"], stride=5)
    return {"sens_x": sol.values, "sens_a": sol.sensitivity("fhn.V", "fhn.a"),
            "sens_v0": sol.sensitivity("fhn.w", "fhn.V(0)")}


CASES = {"hh": _hh, "fhn": _fhn, "wilson_cowan_delays": _wilson_cowan_delays,
         "coba": _coba, "sweep": _sweep, "sensitivity": _sensitivity}

MEASURES = ["min", "max", "mean", "std", "final", "amplitude", "rate", "period"]


def _fast_dense():
    # all-to-all populations: 70 x 70 = 4900 cells take the BLAS branch of the fast-math
    # dense product (>= DOT_MIN_CELLS), 20 x 20 the per-row branch
    out = {}
    wc = nb.blox.WilsonCowan(name="x").type
    for n in (20, 70):
        P = nb.Population(wc, n=n, name="P", init={"E": np.linspace(0.0, 0.5, n)})
        c = nb.Circuit([P])
        c.connect(P, P, weight=0.05, p=1.0, seed=0)
        for m in ("euler", "rk4"):
            sol = nb.simulate(c, 20.0, dt=0.05, method=m, stride=10, fastmath=True)
            out[f"fast_dense_{n}_{m}"] = sol.values
    return out


def _stream_sweeps():
    # 70 instances: lockstep blocks (or_check, LANES and TAIL_LANES) and the
    # one-by-one loops; every accumulator group; strict and fast-math modules
    # (5 instances of one FHN would run in lockstep since session 33: NARROW = 0 keeps them
    # one by one here, the path this reference was written from)
    from nbblox.sim.sweep import lockstep
    lockstep.NARROW = 0
    out = {}
    fhn = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    kw = dict(t_end=40.0, dt=0.05, transient=10.0, threshold=1.0, stride=3)
    for n in (5, 70):
        for m in ("euler", "rk4"):
            for fm in (False, True):
                tag = f"stream_fhn_{n}_{m}_{int(fm)}"
                res = nb.sweep(fhn, {"fhn.I": np.linspace(0.0, 2.0, n)}, method=m,
                               measure=MEASURES, fastmath=fm, **kw)
                out.update({f"{tag}_{k}": res[k].values for k in MEASURES})
                out[f"{tag}_rate_only"] = nb.sweep(
                    fhn, {"fhn.I": np.linspace(0.0, 2.0, n)}, method=m, measure="rate",
                    fastmath=fm, **kw)["rate"].values
    w = [nb.blox.WilsonCowan(name=f"w{i}") for i in range(2)]
    c = nb.Circuit(w)
    c.connect(w[0], w[1], weight=1.5)
    c.connect(w[1], w[0], weight=-0.5)
    for fm in (False, True):
        res = nb.sweep(c, {"w0.P": np.linspace(0.0, 2.0, 70)}, method="rk4",
                       measure=MEASURES, fastmath=fm, t_end=40.0, dt=0.05, transient=10.0,
                       threshold=0.3)
        out.update({f"stream_wc_{int(fm)}_{k}": res[k].values for k in MEASURES})
        tr = nb.sweep(c, {"w0.P": np.linspace(0.0, 2.0, 70)}, method="rk4", traces=True,
                      fastmath=fm, t_end=20.0, dt=0.05, stride=8)
        out[f"lockstep_trace_wc_{int(fm)}"] = tr["trace"].values
    return out


VARIANT_CASES = {"fast_dense": _fast_dense, "stream_sweeps": _stream_sweeps}


@pytest.fixture(scope="module")
def before():
    with np.load(DATA) as f:
        return dict(f)


@pytest.mark.parametrize("case", sorted(CASES))
def test_results_are_bitwise_those_before_the_ir(case, before):
    got = CASES[case]()
    for key, value in got.items():
        assert key in before, key
        np.testing.assert_array_equal(value, before[key], err_msg=key)
    if case == "coba":  # a network that spikes, so the spike paths ran
        assert got["coba_spike_index"].size > 100


@pytest.fixture(scope="module")
def variants_before():
    with np.load(VARIANTS) as f:
        return dict(f)


@pytest.mark.parametrize("case", sorted(VARIANT_CASES))
def test_variants_are_bitwise_those_before_the_passes(case, variants_before, tmp_path):
    """In a process with ``NBBLOX_FAST_EXP=0``: fast-math text with libm's exp,
    as when the reference was written (session 31 made ``exp`` ``fexp``)."""
    out = tmp_path / "got.npz"
    env = dict(os.environ, NBBLOX_FAST_EXP="0", NBBLOX_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(ROOT)] + sys.path))
    r = subprocess.run([sys.executable, __file__, "--run-variant", case, str(out)], env=env,
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stderr[-3000:]
    with np.load(out) as f:
        got = dict(f)
    assert got
    for key, value in got.items():
        assert key in variants_before, key
        np.testing.assert_array_equal(value, variants_before[key], err_msg=key)


def test_fast_dense_with_fexp_within_the_fastmath_tolerance(variants_before):
    """With ``fexp`` (the default) the fast-math Wilson-Cowan populations
    differ from the libm-exp reference only within the stated tolerance."""
    from nbblox.compile.fastmath import FAST_EXP, TOLERANCE
    assert FAST_EXP
    got = _fast_dense()
    for key, value in got.items():
        ref = variants_before[key]
        assert np.abs(value - ref).max() <= TOLERANCE * np.abs(ref).max(), key
    assert any(not np.array_equal(v, variants_before[k]) for k, v in got.items())


if __name__ == "__main__" and "--run-variant" in sys.argv:
    k = sys.argv.index("--run-variant")
    np.savez(sys.argv[k + 2], **VARIANT_CASES[sys.argv[k + 1]]())
elif __name__ == "__main__" and "--write-variants" in sys.argv:
    arrays = {}
    for make in VARIANT_CASES.values():
        arrays.update(make())
    np.savez_compressed(VARIANTS, **arrays)
    print(len(arrays), "arrays", VARIANTS.stat().st_size)
elif __name__ == "__main__" and "--write" in sys.argv:
    arrays = {}
    for make in CASES.values():
        arrays.update(make())
    DATA.parent.mkdir(exist_ok=True)
    np.savez_compressed(DATA, **arrays)
    print({k: v.shape for k, v in arrays.items()}, DATA.stat().st_size)
