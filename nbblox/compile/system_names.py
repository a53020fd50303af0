"""How a System names its slots: states and parameters by name, population vector
or selector, and the flat vectors built from names.

:func:`state_vectors` and :func:`parameter_values` build a System's name tables from
its layout (hard bounds, owner types, population vectors, promoted parameters of
composites); :class:`NamedSlots` is the side of :class:`~nbblox.compile.system.System`
(a base class of it) that reads them: index lookup with suggestions, selectors
(:mod:`nbblox.model.select`), parameter metadata, parameter vectors and dicts,
initial states with overrides.  Values themselves live in
:class:`~nbblox.compile.named.NamedValues`.
"""
from __future__ import annotations

import numpy as np

from .._text import counted
from ..exceptions import CompileError, ParameterError, suggest
from ..model.params import check_value
from ..model.select import is_selector, select
from .named import NamedValues, check_array

__all__ = ["NamedSlots", "state_vectors", "parameter_values"]


def state_vectors(layout):
    """``{"pop.V": slots}``: every population state as the int array of its slots in the
    flat state vector (one per neuron)."""
    out = {}
    for g in layout.groups:
        if g.population:
            for name, st, cnt in g.entities:
                for k, s in enumerate(g.btype.states):
                    out[f"{name}.{s}"] = np.arange(g.x(k, st), g.x(k, st) + cnt)
    return out


def parameter_values(layout, names, state_vec, promoted=None):
    """``(blox types, params)``: each blox or population path -> its type name, and the
    :class:`~nbblox.compile.named.NamedValues` of the parameters ``names`` (the System's
    list, in slot order): hard bounds, population vectors other than the states in
    ``state_vec``, ``promoted`` names as aliases of the slots their selectors match (an
    unmatched one is a CompileError)."""
    bounds, owner = {}, {}
    for g in layout.groups:
        for name in g.names:
            owner[name] = g.btype.name
        for name, _, _ in g.entities:
            owner[name] = g.btype.name
        for pn, par in g.btype.params.items():
            if par.hard_bounds:
                for name in g.names:
                    bounds[f"{name}.{pn}"] = par.hard_bounds
                for name, _, _ in g.entities:
                    bounds[f"{name}.{pn}"] = par.hard_bounds
    vectors = {k: v for k, v in layout.vectors.items() if k not in state_vec}
    params = NamedValues(names, layout.p0, "parameter", bounds, vectors,
                         owner_type=owner.get)
    aliases = {}
    for name, sel in (promoted or {}).items():
        try:
            aliases[name] = np.atleast_1d(params.index(sel)).astype(np.int64)
        except ParameterError as exc:
            raise CompileError(f"promoted parameter '{name}': {exc}") from None
    params.aliases = aliases
    return owner, params


class NamedSlots:
    """Methods of a System that address states and parameters by name.  They read the
    System's ``state_names``, ``param_names``, ``params``, ``x0``, ``blox_types``,
    ``circuit``, its index tables ``_state_index``, ``_state_vec``, ``_state_sel`` and
    ``_named_last`` (the last :meth:`param_dict`)."""

    def state_index(self, name):
        """Index of a state in the flat vector, with a suggestion on typos."""
        try:
            return self._state_index[name]
        except (KeyError, TypeError):
            hint = (f" '{name}' is a whole population: use state_indices()"
                    if name in getattr(self, "_state_vec", {}) else "")
            if is_selector(name):
                n = self.state_indices(name).size
                if n == 1:
                    return int(self.state_indices(name)[0])
                hint = f" '{name}' selects {n} states; name one here"
            raise ParameterError(f"no state named '{name}'.{hint}" +
                                 suggest(name, self.state_names[:2000])) from None

    def state_indices(self, name):
        """Slots of a state name: one for ``"fhn.V"``/``"pop[3].V"``, all the
        population's for ``"pop.V"``, every match of a selector (``"**.V"``,
        ``"type:HodgkinHuxley.V"``), as an int64 array."""
        if name in self._state_vec:
            return self._state_vec[name]
        if name not in self._state_index and is_selector(name):
            hit = self._state_sel.get(name)
            if hit is None:
                names = select(name, self.state_names, self.blox_types.get, "state")
                hit = self._state_sel[name] = np.array([self._state_index[n] for n in names],
                                                       dtype=np.int64)
            return hit
        return np.array([self.state_index(name)], dtype=np.int64)

    def match(self, name, what="state"):
        """Plain names a state (``what="state"``) or parameter name or selector
        stands for, in slot order of the matches.

        Examples
        --------
        >>> import nbblox as nb
        >>> s = nb.compile(nb.Circuit([nb.blox.FitzHughNagumo(name=n) for n in "ab"]))
        >>> s.match("*.V"), s.match("type:FitzHughNagumo.I", "parameter")
        (['a.V', 'b.V'], ['a.I', 'b.I'])
        """
        if what == "parameter":
            return self.params.match(name)
        return [self.state_names[i] for i in self.state_indices(name)]

    def parameter_info(self, name):
        """The :class:`~nbblox.model.params.Parameter` metadata behind ``name``
        (for a promoted parameter or a selector: that of its first match)."""
        i = self.params.index(name)
        if isinstance(i, np.ndarray) and name not in self.params.vectors:
            name = self.param_names[int(i[0])]
        bname, pname = name.rsplit(".", 1)
        return self.circuit[bname.split("[", 1)[0]].type.params[pname]

    def param_vector(self, params=None):
        """Copy of the parameter array with ``params`` (dict) applied."""
        p = self.params.copy()
        for k, v in (params or {}).items():
            p[k] = v
        return p.array

    def param_dict(self, p):
        """``{name: value}`` of the parameter vector ``p`` (a new dict each
        call).  The last one is kept and copied while ``p`` is the same bit
        for bit: building the dict of the W3 COBA network's 36 000
        parameters took 3-9 ms per simulate, a copy takes ~0.2 ms.

        Examples
        --------
        >>> import nbblox as nb
        >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))
        >>> d = s.param_dict(s.param_vector()); d["fhn.I"]
        0.5
        >>> d["fhn.I"] = 9.0; s.param_dict(s.param_vector())["fhn.I"]
        0.5
        """
        p = np.asarray(p, dtype=np.float64)
        last = getattr(self, "_named_last", None)   # one tuple: a thread sees old or new
        bits = p.view(np.int64)
        if last is None or not np.array_equal(last[0], bits):
            last = self._named_last = (bits.copy(), dict(zip(self.param_names, p.tolist())))
        return last[1].copy()

    def initial_state(self, x0=None):
        """Copy of ``x0`` with overrides: a dict of names or a full array."""
        x = self.x0.copy()
        if x0 is None:
            return x
        if isinstance(x0, dict):
            for k, v in x0.items():
                if k in self._state_vec or (k not in self._state_index and is_selector(k)):
                    idx = self.state_indices(k)
                    x[idx] = check_array(v, idx.size, k)
                else:
                    x[self.state_index(k)] = check_value(v, k)
            return x
        arr = np.asarray(x0, dtype=np.float64)
        if arr.shape != x.shape:
            raise ParameterError(f"x0 has shape {arr.shape}; this system has "
                                 f"{counted(x.size, 'state')} ({', '.join(self.state_names[:6])}...)")
        if not np.all(np.isfinite(arr)):
            raise ParameterError("x0 holds NaN or inf")
        return arr.copy()
