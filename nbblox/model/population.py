"""Populations: n identical blox stored as arrays.

A :class:`Population` is ``n`` instances of one :class:`BloxType` whose
parameters and initial states are scalars or arrays of length ``n``; the
compiler turns it into one loop over arrays, so code does not grow with ``n``.

Naming scheme: the population ``"exc"`` of ``n`` neurons is addressed as a
whole by ``"exc.V"`` (states) and ``"exc.I"`` (parameters): an array of
length ``n``; one neuron is ``"exc[3].V"`` (zero-based).

Connections between populations are :class:`~nbblox.model.projection.Projection`
objects (spiking or continuous, stored as CSR) whose pairs come from
:func:`~nbblox.model.connectivity.connectivity`; both names are re-exported here,
where they were defined before (``from nbblox.model.population import Projection``).
"""
from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError, suggest
from .blox import Blox, BloxType
from .connectivity import MAX_SYNAPSES, connectivity  # noqa: F401 (re-exported)
from .projection import Projection, increment, parse_on_pre, size_of  # noqa: F401 (same)

__all__ = ["Population", "Projection", "connectivity"]


def _values(value, n, what, who, hard_bounds=None):
    """A finite scalar (float) or a length-n float array."""
    arr = np.asarray(value, dtype=float) if not isinstance(value, (str, bytes)) else None
    if arr is None:
        raise ParameterError(f"{who}: {what} must be a number or an array, got {value!r}")
    if arr.ndim == 0:
        out = float(arr)
    elif arr.shape == (n,):
        out = arr.copy()
        out.setflags(write=False)
    else:
        raise ParameterError(f"{who}: {what} has shape {arr.shape}; give a scalar or an "
                             f"array of length n = {n}")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{who}: {what} holds NaN or inf")
    if hard_bounds is not None:
        lo, hi = hard_bounds
        if (lo is not None and np.any(arr < lo)) or (hi is not None and np.any(arr > hi)):
            raise ParameterError(f"{who}: {what} is outside its physical range [{lo}, {hi}]")
    return out


class Population:
    """``n`` blox of one type, compiled as one vectorised group.

    Parameters
    ----------
    btype : BloxType (or a Blox, whose type and values become the defaults)
    n : int
        Number of instances.
    name : str
    init : dict, optional
        ``{state: scalar or array of length n}``.
    **params
        Parameter values: scalars or arrays of length ``n`` (heterogeneity).

    Examples
    --------
    >>> import numpy as np, nbblox as nb
    >>> pop = nb.Population(nb.blox.FitzHughNagumo, n=3, name="cells", I=np.array([0.0, 0.5, 1.0]))
    >>> pop.n, pop.params["I"].tolist(), pop.params["a"]
    (3, [0.0, 0.5, 1.0], 0.7)
    """

    def __init__(self, btype, n, name=None, *, init=None, preset=None, **params):
        base = None
        if isinstance(btype, Blox):
            base, btype = btype, btype.type
        if not isinstance(btype, BloxType):
            raise ParameterError(f"Population needs a BloxType (e.g. nb.blox.FitzHughNagumo), "
                                 f"not {type(btype).__name__}")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ParameterError(f"population size n must be a whole number >= 1, got {n!r}")
        self.type, self.n = btype, int(n)
        probe = Blox(btype, name=name or (base.name if base else None), preset=preset)
        self.name = probe.name
        who = f"population '{self.name}'"
        values = dict(base.params) if base else dict(probe.params)
        for k, v in params.items():
            if k not in btype.params:
                raise ParameterError(f"{who}: {btype.name} has no parameter '{k}'."
                                     + suggest(k, btype.params))
            values[k] = v
        self.params = {k: _values(v, self.n, f"parameter '{k}'", who,
                                  btype.params[k].hard_bounds) for k, v in values.items()}
        self.init = dict(base.init) if base else dict(btype.init)
        for s, v in (init or {}).items():
            if s not in btype.states:
                raise ParameterError(f"{who} has no state '{s}'." + suggest(s, btype.states))
            self.init[s] = _values(v, self.n, f"initial value of '{s}'", who)
        self.preset = preset

    def __setstate__(self, state):
        # arrays of values come back writable from pickle and deepcopy: lock them again
        self.__dict__.update(state)
        for values in (self.params, self.init):
            for v in values.values():
                if isinstance(v, np.ndarray):
                    v.setflags(write=False)

    @property
    def states(self):
        return self.type.states

    def param_array(self, name):
        """Parameter ``name`` as an array of length ``n``."""
        return np.broadcast_to(np.asarray(self.params[name], dtype=float), (self.n,))

    def init_array(self, state):
        return np.broadcast_to(np.asarray(self.init[state], dtype=float), (self.n,))

    def instance_names(self):
        return [f"{self.name}[{i}]" for i in range(self.n)]

    def to_dict(self):
        enc = lambda v: v.tolist() if isinstance(v, np.ndarray) else v
        return {"name": self.name, "type": self.type.key, "n": self.n,
                "params": {k: enc(v) for k, v in self.params.items()},
                "init": {k: enc(v) for k, v in self.init.items()}}

    def __eq__(self, other):
        return isinstance(other, Population) and self.to_dict() == other.to_dict()

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<Population '{self.name}': {self.n} x {self.type.name}>"
