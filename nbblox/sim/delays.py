"""``simulate(..., delays=...)``: other synaptic and coupling delays for one
run of an already compiled System, without building or compiling again.

Delays are data, not code: the ``run_<method>_full`` kernels read the
per-synapse delays ``syn_d`` and the per-edge delays ``dls`` (in steps) and
size their history ``hist`` and spike ring ``ring`` from the arrays they are
given (:func:`nbblox.sim.events.run_full` makes them for each run).  What the
generated code fixes is *whether* a spiking projection is delayed (its
``on_pre`` goes through the ring, :mod:`nbblox.compile.netcode`) and whether
the circuit has a delay history at all (``layout.has_delays``).  So a run
may change the delay of every projection compiled with one (a delay of 0
included: the kernel delivers those at once), and of any continuous
connection of a circuit that has a delay somewhere (the layout notes each
edge's connection, ``coupling.conn_of``); a spiking projection, or a circuit,
compiled without a delay needs a new circuit, and the error says so.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..exceptions import ParameterError, suggest

__all__ = ["delay_arrays"]


def _value(value, what, size):
    """``value`` as a float array of ``size`` (a scalar is broadcast), validated."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (str, bytes)):
        raise ParameterError(f"{what} must be a number of ms or an array, not {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be a number of ms or an array, not "
                             f"{type(value).__name__}") from None
    if arr.ndim and arr.shape != (size,):
        raise ParameterError(f"{what} has shape {arr.shape}; it needs one delay per synapse "
                             f"({size},) or a single number")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{what} holds NaN or inf")
    if np.any(arr < 0):
        raise ParameterError(f"{what} holds a negative delay ({arr.min():g} ms); "
                             "delays are >= 0 ms")
    return np.broadcast_to(arr, (size,))


def delay_arrays(layout, delays, info=None):
    """The run's ``(dly0, syn_dly0)``: the layout's delays (ms) with ``delays``
    applied (and noted in ``info["delays"]``: a number, or ``{name: ms or "per
    synapse"}``).

    Parameters
    ----------
    layout : Layout
        A compiled System's layout.
    delays : None, float or dict
        None: the compiled delays.  A number (ms): every spiking projection
        compiled with a delay and every continuous edge compiled with one.
        ``{name: ms}``: those spiking projections (or one value per
        synapse) and continuous connections (``"a->b"`` or a continuous
        projection's name; one number, for every edge it has).

    Returns
    -------
    (ndarray, ndarray)
        Per continuous edge and per synapse, ms (the layout's own arrays when
        nothing changes).

    Examples
    --------
    >>> import nbblox as nb
    >>> pop = nb.Population(nb.blox.LIF, n=3, name="p")
    >>> c = nb.Circuit([pop]); _ = c.connect(pop, pop, weight=0.1, on_pre="V += w",
    ...                                        p=1.0, seed=0, delay=2.0)
    >>> L = nb.compile(c).layout
    >>> delay_arrays(L, {"p->p": 4.0})[1].tolist()
    [4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    >>> delay_arrays(L, {"p->p": -1.0})
    Traceback (most recent call last):
    ...
    nbblox.exceptions.ParameterError: delays['p->p'] holds a negative delay (-1 ms); delays are >= 0 ms
    """
    dly0, syn = layout.dly0, layout.syn_dly0
    if delays is None:
        return dly0, syn
    rules = {r.name: r for r in layout.rules}
    if isinstance(delays, Mapping):
        out, cont = syn.copy(), None
        conns = layout.conn_names or []
        for name, value in delays.items():
            r = rules.get(name)
            if r is None and name in conns:
                cont = _continuous(layout, dly0 if cont is None else cont, name, value)
                continue
            if r is None:
                known = list(rules) + list(conns)
                raise ParameterError(
                    f"delays: no spiking projection or connection named {name!r}."
                    + suggest(name, known) + f" Known: {', '.join(known) or 'none'}")
            if not r.delayed:
                raise ParameterError(
                    f"delays[{name!r}]: projection {name} was compiled without a delay, so "
                    "the kernel delivers its spikes at once; build it with a delay > 0 "
                    "(connect(..., delay=...)) to vary it per run")
            out[r.syn_off:r.syn_off + r.nsyn] = _value(value, f"delays[{name!r}]", r.nsyn)
        if info is not None:
            info["delays"] = {k: float(v) if np.ndim(v) == 0 else "per synapse"
                              for k, v in delays.items()}
        return (dly0 if cont is None else cont), out
    v = float(_value(delays, "delays", 1)[0])
    if info is not None:
        info["delays"] = v
    delayed = [r for r in layout.rules if r.delayed]
    cont = dly0 > 0
    if not delayed and not cont.any():
        raise ParameterError("delays: this circuit was compiled without any delay, so its "
                             "kernels keep no history; build the circuit with a delay > 0 "
                             "to vary delays per run")
    out = syn.copy() if delayed else syn
    for r in delayed:
        out[r.syn_off:r.syn_off + r.nsyn] = v
    return (np.where(cont, v, dly0) if cont.any() else dly0), out


def _continuous(layout, dly0, name, value):
    """``dly0`` (a copy) with every edge of continuous connection ``name`` at ``value`` ms."""
    what = f"delays[{name!r}]"
    if np.ndim(value) != 0:
        raise ParameterError(f"{what}: a continuous connection takes one delay (ms) for all "
                             "its edges, not an array")
    if not layout.has_delays:
        raise ParameterError(f"{what}: this circuit was compiled without any delay, so its "
                             "kernels keep no history; build it with a delay > 0 on this "
                             "connection to vary it per run")
    v = float(_value(value, what, 1)[0])
    out = dly0.copy()
    out[layout.conn_of == layout.conn_names.index(name)] = v
    return out
