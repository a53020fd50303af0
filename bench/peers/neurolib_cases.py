"""neurolib for W1 FHN (Euler: neurolib's only scheme) and W2 (its WCModel,
with and without delays).  Noise is off (sigma_ou = 0); the delay matrix is
given as lengths with signalV = 1, so neurolib's rounding gives the
workload's delay steps exactly.
"""
from __future__ import annotations

import numpy as np
from neurolib.models.fhn import FHNModel
from neurolib.models.wc import WCModel

from .. import workloads as W


def build(case, cfg):
    kind = cfg["kind"]
    if kind == "fhn":
        p = W.FHN
        m = FHNModel()
        m.params.update(dict(alpha=1 / 3, beta=0.0, gamma=1.0, delta=-p["a"], epsilon=p["b"],
                             tau=p["tau"], x_ext=p["I"], sigma_ou=0.0, duration=cfg["t_end"],
                             dt=cfg["dt"], xs_init=np.zeros((1, 1)), ys_init=np.zeros((1, 1))))

        def run():
            m.run()
            return np.concatenate([[0.0], np.asarray(m.x)[0]])
        return run, lambda v: {"spikes": int(W.crossings(v, 1.0)), "V_end": float(v[-1])}
    if kind == "wc":
        q = W.WC
        C, E0, I0, D = W.wc_network(cfg["n"], cfg["delays"], cfg["dt"])
        m = WCModel(Cmat=C, Dmat=D * cfg["dt"])
        m.params.update(dict(signalV=1.0, K_gl=q["K"], exc_ext=q["ext_E"], inh_ext=q["ext_I"],
                             sigma_ou=0.0, duration=cfg["t_end"], dt=cfg["dt"],
                             exc_init=E0[:, None], inh_init=I0[:, None]))

        def run():
            m.run()
            return np.asarray(m.exc)[:, -1]
        return run, lambda E: {"E_end": E.tolist()}
    raise KeyError(case)
