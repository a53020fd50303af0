"""Simulation callbacks: what ``fn(state)`` sees every ``callback_every`` ms
of ``nb.simulate(..., callback=fn)``, and the plasticity arrays the kernel
updates.

The kernel runs ``callback_every`` ms at full speed, returns to Python, the
callback reads and writes :class:`CallbackState` (views of the kernel's own
arrays, so a write takes effect at the next step), and the kernel resumes
from the same step: no recompilation and no Python per step.
"""
from __future__ import annotations

import math

import numpy as np

from .._text import counted
from ..exceptions import CallbackError, ParameterError, SimulationError, suggest
from ..model.params import finite

__all__ = ["CallbackState", "plasticity_arrays", "steps_of", "initial_weights"]


def steps_of(value, dt, what):
    """A positive interval in ms as a whole number of steps of ``dt``."""
    if isinstance(value, bool):
        raise SimulationError(f"{what} must be a time in ms, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise SimulationError(f"{what} must be a time in ms, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise SimulationError(f"{what} must be a positive time in ms, got {value!r}")
    k = int(round(v / dt))
    if k < 1 or abs(k * dt - v) > 1e-6 * max(v, dt):
        raise SimulationError(f"{what} = {v:g} ms is not a whole number of steps of "
                              f"dt = {dt:g} ms")
    return k


def initial_weights(system, weights):
    """Copy of the synapse weights with ``{projection name: value(s)}`` applied."""
    L = system.layout
    syn_w = np.ascontiguousarray(system.synapse_weights, dtype=np.float64).copy()
    if weights is None:
        return syn_w
    if not isinstance(weights, dict):
        raise ParameterError("weights= must be a dict {projection name: weights}, e.g. "
                             f"{{{next(iter(L.proj_slices), 'a->b')!r}: w}}")
    for name, value in weights.items():
        if name not in L.proj_slices:
            raise ParameterError(f"no spiking projection named '{name}'."
                                 + suggest(name, L.proj_slices) +
                                 f" Projections: {', '.join(L.proj_slices) or 'none'}")
        a, b = L.proj_slices[name]
        arr = np.asarray(value, dtype=np.float64)
        if arr.ndim and arr.shape != (b - a,):
            raise ParameterError(f"weights['{name}'] has shape {arr.shape}; the projection "
                                 f"has {counted(b - a, 'synapse')}")
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"weights['{name}'] holds NaN or inf")
        syn_w[a:b] = arr
    return syn_w


def plasticity_arrays(layout, t0, learn=True):
    """Fresh runtime arrays of the plasticity code (see compile/plastcode)."""
    # eligibility only for R-STDP circuits (the generated code reads it only there)
    nsyn = layout.syn_post.size if any(r.plastic == "rstdp" for r in layout.rules) else 0
    par = layout.pl_par0.copy() if layout.pl_par0.size else np.zeros((0, 8))
    d = np.zeros((max(par.shape[0], 1), 2))   # value, time it holds at
    d[:layout.pl_d0.size, 0] = layout.pl_d0
    d[:, 1] = t0
    if not learn:
        par[:, 2:4] = 0.0
        d[:, 0] = 0.0
    return {"pl_par": par, "pl_tr": np.zeros(max(layout.n_traces, 1)),
            "pl_tl": np.full(max(layout.n_traces, 1), float(t0)),
            "syn_c": np.zeros(nsyn), "syn_ct": np.full(nsyn, float(t0)), "pl_d": d}


def sync_rstdp(layout, pl, syn_w, t):
    """Bring every R-STDP synapse to time ``t``: add the integral of c*d since
    its last update to w (clipped), decay c and d (the kernel does this
    lazily, per synapse, when it spikes).  Called before callbacks, weight
    snapshots and at the end of a run, so what Python sees is current."""
    for r in layout.rules:
        if r.plastic != "rstdp":
            continue
        sl = slice(r.syn_off, r.syn_off + r.nsyn)
        tc, td = pl["pl_par"][r.pl, 6], pl["pl_par"][r.pl, 7]
        ct, c = pl["syn_ct"][sl], pl["syn_c"][sl]
        d0, dt0 = pl["pl_d"][r.pl]
        k = 1.0 / tc + 1.0 / td
        if d0 != 0.0:
            dd = d0 * np.exp(-(ct - dt0) / td)
            w = syn_w[sl] + c * dd * (1.0 - np.exp(-k * (t - ct))) / k
            syn_w[sl] = np.clip(w, pl["pl_par"][r.pl, 4], pl["pl_par"][r.pl, 5])
        c *= np.exp(-(t - ct) / tc)
        ct[:] = t
        pl["pl_d"][r.pl] = (d0 * np.exp(-(t - dt0) / td), t)


class _Views(dict):
    """name -> writable view; assignment copies into the view (shape-checked)."""

    def __init__(self, views, what):
        super().__init__(views)
        self._what = what

    def __getitem__(self, name):
        try:
            return super().__getitem__(name)
        except KeyError:
            raise ParameterError(f"no {self._what} named '{name}'." + suggest(name, self)
                                 + f" Known: {', '.join(self) or 'none'}") from None

    def __setitem__(self, name, value):
        view = self[name]
        arr = np.asarray(value, dtype=np.float64)
        if arr.ndim and arr.shape != view.shape:
            raise ParameterError(f"{self._what} '{name}' has {view.size} values; got shape "
                                 f"{arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"{self._what} '{name}': NaN or inf")
        view[...] = arr


class CallbackState:
    """What a simulation callback sees (all writable parts are live views).

    Attributes
    ----------
    t : float
        Current time (ms); the run continues from here.
    step : int
        Steps done since ``t0``.
    spikes : dict
        ``{"index", "time", "blox"}`` of the spikes since the previous call.
    weights : dict
        ``{projection name: writable array}`` of synapse weights.
    eligibility : dict
        ``{projection name: writable array}`` of R-STDP eligibility traces
        at time ``t``.
    params : NamedValues
        The run's parameters, writable by name (``state.params["out.I"] = 2``).
    x : NamedValues
        The state vector, writable by name.

    Examples
    --------
    >>> import nbblox as nb
    >>> seen = []
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="f"), 10.0, dt=0.1,
    ...                   callback=lambda s: seen.append(round(s.t, 6)), callback_every=5.0)
    >>> seen
    [5.0, 10.0]
    """

    def __init__(self, system, x, p, syn_w, pl):
        L = system.layout
        self._layout, self._pl = L, pl
        self.t, self.step = 0.0, 0
        self.spikes = None
        self.weights = _Views({n: syn_w[a:b] for n, (a, b) in L.proj_slices.items()},
                              "projection")
        self.eligibility = _Views({r.name: pl["syn_c"][r.syn_off:r.syn_off + r.nsyn]
                                   for r in L.rules if r.plastic == "rstdp"},
                                  "R-STDP projection")
        self.params = system.params.copy()
        self.params.array = p
        from ..compile.system import NamedValues
        self.x = NamedValues(system.state_names, x, "state", None, system._state_vec)
        self.x.array = x
        self._stop = False

    def _rstdp(self, projection):
        rules = [r for r in self._layout.rules if r.plastic == "rstdp"]
        if projection is not None:
            rules = [r for r in rules if r.name == projection]
            if not rules:
                raise ParameterError(f"no R-STDP projection named '{projection}'."
                                     + suggest(projection, [r.name for r in self._layout.rules]))
        if not rules:
            raise ParameterError("this circuit has no nb.RSTDP projection to reward")
        return rules

    def reward(self, amount, projection=None):
        """Add ``amount`` to the dopamine signal ``d`` (of one R-STDP
        projection, or of all); it then decays with the rule's ``tau_d``."""
        a = finite(amount, "reward")
        for r in self._rstdp(projection):
            self._pl["pl_d"][r.pl, 0] += a

    def set_dopamine(self, value, projection=None):
        """Set the dopamine signal ``d`` (0 stops reward-driven learning)."""
        v = finite(value, "dopamine")
        for r in self._rstdp(projection):
            self._pl["pl_d"][r.pl, 0] = v

    def dopamine(self, projection=None):
        """Current dopamine signal of one R-STDP projection (the first by default)."""
        return float(self._pl["pl_d"][self._rstdp(projection)[0].pl, 0])

    def stop(self):
        """End the run cleanly after this callback (the Solution ends here)."""
        self._stop = True

    def __repr__(self):
        n = 0 if self.spikes is None else self.spikes["time"].size
        return f"<CallbackState t = {self.t:g} ms, {counted(n, 'new spike')}>"


def call(fn, state, x, p, syn_w):
    """Run the callback; returns None, or the CallbackError that ends the run."""
    try:
        out = fn(state)
    except Exception as exc:  # noqa: BLE001 - any user error ends the run cleanly
        err = CallbackError(f"the callback raised {type(exc).__name__} at t = {state.t:g} ms: "
                            f"{exc}")
        err.__cause__ = exc
        return err
    if out is not None and not isinstance(out, (bool, np.bool_)):
        return CallbackError(f"the callback returned {type(out).__name__} {out!r} at t = "
                             f"{state.t:g} ms; return None to go on (or call state.stop(), "
                             "or return False, to end the run)")
    if out is False:
        state._stop = True
    for arr, what in ((x, "state"), (p, "parameter"), (syn_w, "synapse weight")):
        if not np.all(np.isfinite(arr)):
            return CallbackError(f"after the callback at t = {state.t:g} ms a {what} is NaN "
                                 "or infinite")
    return None
