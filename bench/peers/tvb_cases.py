"""The Virtual Brain (tvb-library) for W1 FHN (Generic2dOscillator mapped
exactly onto the workload's FHN, RK4), W2 (its WilsonCowan model with a
Linear coupling, Euler) and W4 (1000 uncoupled nodes with per-node I).

Each call re-configures the simulator (history reset) and runs it.
"""
from __future__ import annotations

import numpy as np
from tvb.simulator.lab import connectivity, coupling, integrators, models, monitors, simulator

from .. import workloads as W


def _conn(weights, lengths):
    n = weights.shape[0]
    c = connectivity.Connectivity(weights=weights, tract_lengths=lengths,
                                  region_labels=np.array([f"n{i}" for i in range(n)]),
                                  centres=np.zeros((n, 3)), speed=np.array([1.0]))
    c.configure()
    return c


def _g2d(I):
    p = W.FHN
    return models.Generic2dOscillator(
        d=np.array([1.0]), tau=np.array([1.0]), alpha=np.array([-1.0]), f=np.array([1 / 3]),
        e=np.array([0.0]), g=np.array([1.0]), gamma=np.array([1.0]), I=np.atleast_1d(I),
        a=np.array([p["a"] / p["tau"]]), b=np.array([1 / p["tau"]]), c=np.array([0.0]),
        beta=np.array([p["b"] / p["tau"]]), variables_of_interest=("V",))


def _sim(model, conn, dt, method, mon, t_end, init):
    integ = (integrators.RungeKutta4thOrderDeterministic if method == "rk4"
             else integrators.EulerDeterministic)(dt=dt)
    sim = simulator.Simulator(model=model, connectivity=conn, coupling=coupling.Linear(
        a=np.array([W.WC["K"]])), integrator=integ, monitors=(mon,), simulation_length=t_end)

    def run():
        sim.initial_conditions = init(sim)
        sim.configure()
        return sim.run()
    return sim, run


def _const_history(sim_values):
    def init(sim):
        h = sim.connectivity.idelays.max() + 1 if sim.connectivity.idelays is not None else 1
        return np.broadcast_to(sim_values[None], (max(int(h), 1),) + sim_values.shape).copy()
    return init


def build(case, cfg):
    kind = cfg["kind"]
    if kind in ("fhn", "sweep"):
        n = cfg.get("n", 1) if kind == "sweep" else 1
        I = np.linspace(0, 2, n) if kind == "sweep" else W.FHN["I"]
        conn = _conn(np.zeros((n, n)), np.zeros((n, n)))
        period = 0.1 if kind == "sweep" else cfg["dt"]
        _, run = _sim(_g2d(I), conn, cfg["dt"], cfg["method"], monitors.Raw() if kind == "fhn"
                      else monitors.SubSample(period=period), cfg["t_end"],
                      _const_history(np.zeros((2, n, 1))))

        def answer(out):
            v = np.asarray(out[0][1])[:, 0, :, 0].T
            v = np.concatenate([np.zeros((n, 1)), v], axis=1)
            c = W.crossings(v, 1.0)
            if kind == "sweep":
                return {"total_spikes": int(c.sum()), "n_osc": int((c >= 3).sum())}
            return {"spikes": int(c[0]), "V_end": float(v[0, -1])}
        return run, answer
    if kind == "wc":
        q = W.WC
        C, E0, I0, D = W.wc_network(cfg["n"], cfg["delays"], cfg["dt"])
        conn = _conn(C, D * cfg["dt"])  # TVB weights[i, j]: j -> i, like the workload's C
        model = models.WilsonCowan(
            c_ee=np.array([q["c_EE"]]), c_ei=np.array([q["c_IE"]]), c_ie=np.array([q["c_EI"]]),
            c_ii=np.array([q["c_II"]]), tau_e=np.array([q["tau_E"]]),
            tau_i=np.array([q["tau_I"]]), a_e=np.array([q["a"]]), b_e=np.array([q["mu"]]),
            a_i=np.array([q["a"]]), b_i=np.array([q["mu"]]), c_e=np.array([1.0]),
            c_i=np.array([1.0]), theta_e=np.array([0.0]), theta_i=np.array([0.0]),
            r_e=np.array([1.0]), r_i=np.array([1.0]), k_e=np.array([1.0]), k_i=np.array([1.0]),
            P=np.array([q["ext_E"]]), Q=np.array([q["ext_I"]]), alpha_e=np.array([1.0]),
            alpha_i=np.array([1.0]), shift_sigmoid=np.array([False]))
        sim, run = _sim(model, conn, cfg["dt"], "euler",
                        monitors.TemporalAverage(period=cfg["t_end"] / 10), cfg["t_end"],
                        _const_history(np.stack([E0, I0])[:, :, None]))
        return run, lambda _: {"E_end": np.asarray(sim.current_state)[0, :, 0].tolist()}
    raise KeyError(case)
