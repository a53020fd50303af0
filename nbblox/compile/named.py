"""NamedValues: a float array addressed by names -- plain names, population
vectors, promoted parameters of composites and selectors -- that validates
every assignment (the parameter and state tables of a System)."""
from __future__ import annotations

from collections.abc import MutableMapping

import numpy as np

from ..exceptions import ParameterError, suggest
from ..model.params import check_value
from ..model.select import is_selector, select

__all__ = ["NamedValues", "check_array"]


class NamedValues(MutableMapping):
    """A float array addressed by names (``"fhn.I"``); assignment validates.

    Besides plain names it takes population vectors (``"pop.I"``: every
    neuron's slot), promoted parameters of composites (``"col1.g"``) and
    selectors (``"*.P"``, ``"type:WilsonCowan.P"``, ``"col1.**.g"``; see
    :mod:`nbblox.model.select`).  Assigning to one of these sets every slot
    it names (a scalar or one value per slot, in :meth:`match` order);
    reading gives an array, except a promoted parameter, which reads as the
    one value it set.  Selectors are resolved once and cached.

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    >>> s.params["fhn.I"] = 0.5
    >>> float(s.params.array[s.params.index("fhn.I")])
    0.5
    >>> s.params["*.I"] = 0.7; s.params.match("*.I"), s.params["fhn.I"]
    (['fhn.I'], 0.7)
    """

    def __init__(self, names, values, what="parameter", bounds=None, vectors=None,
                 aliases=None, owner_type=None):
        self.names = list(names)
        self.array = np.array(values, dtype=np.float64)
        self._index = {n: i for i, n in enumerate(self.names)}
        self._what, self._bounds = what, bounds or {}
        # "pop.I" -> slots of every neuron of population pop
        self.vectors = dict(vectors or {})
        # promoted parameters of composites: "col1.g" -> slots of every matched g
        self.aliases = dict(aliases or {})
        self._owner_type = owner_type
        self._selected = {}   # selector -> (slots, [(hard bounds, positions)]), shared by copies

    def index(self, name):
        """Slot of ``name``; for a population vector, a promoted parameter or
        a selector an index array."""
        try:
            return self._index[name]
        except (KeyError, TypeError):
            pass
        if isinstance(name, str):
            if name in self.vectors:
                return self.vectors[name]
            if name in self.aliases:
                return self.aliases[name]
            if is_selector(name):
                return self._select(name)[0]
        raise ParameterError(f"no {self._what} named '{name}'." +
                             suggest(name, self.names[:2000] + list(self.vectors)
                                     + list(self.aliases)))

    def _select(self, selector):
        hit = self._selected.get(selector)
        if hit is None:
            names = select(selector, self.names, self._owner_type, self._what)
            slots = np.array([self._index[n] for n in names], dtype=np.int64)
            groups = {}
            for pos, n in enumerate(names):
                b = self._bounds.get(n)
                if b is not None:
                    groups.setdefault(tuple(b), []).append(pos)
            hit = self._selected[selector] = (slots, [(b, np.array(ps)) for b, ps in
                                                      groups.items()])
        return hit

    def match(self, name):
        """The plain names ``name`` stands for (itself, a population's
        elements, a promoted parameter's targets or a selector's matches)."""
        i = self.index(name)
        return [self.names[k] for k in np.atleast_1d(i)]

    def __getitem__(self, name):
        i = self.index(name)
        if isinstance(i, np.ndarray):
            values = self.array[i]
            if name in self.aliases:
                if values.size and np.all(values == values[0]):
                    return float(values[0])
                shown = ", ".join(f"{self.names[k]} = {self.array[k]:g}" for k in i[:4])
                raise ParameterError(f"'{name}' sets {i.size} parameters that now differ "
                                     f"({shown}); assign it to make them equal again, or "
                                     "read them one by one")
            return values.copy()
        return float(self.array[i])

    def __setitem__(self, name, value):
        i = self.index(name)
        if not isinstance(i, np.ndarray):
            self.array[i] = check_value(value, name, None, self._bounds.get(name))
            return
        if name in self._bounds:     # a population vector: one physical range
            self.array[i] = check_array(value, i.size, name, self._bounds.get(name))
            return
        values = np.broadcast_to(check_array(value, i.size, name), i.shape)
        groups = (self._select(name)[1] if name not in self.vectors else []) \
            if name not in self.aliases else self._alias_bounds(name)
        for b, pos in groups:   # each matched parameter keeps its physical range
            check_array(values[pos], pos.size, self.names[i[pos[0]]], b)
        self.array[i] = values

    def _alias_bounds(self, name):
        hit = self._selected.get(("alias", name))
        if hit is None:
            groups = {}
            for pos, k in enumerate(self.aliases[name]):
                b = self._bounds.get(self.names[k])
                if b is not None:
                    groups.setdefault(tuple(b), []).append(pos)
            hit = self._selected[("alias", name)] = [(b, np.array(ps)) for b, ps in
                                                     groups.items()]
        return hit

    def __delitem__(self, name):
        raise ParameterError(f"{self._what}s cannot be deleted")

    def __contains__(self, name):
        try:
            self.index(name)
            return True
        except ParameterError:
            return False

    def __iter__(self):
        return iter(self.names)

    def __len__(self):
        return len(self.names)

    def copy(self):
        # names and their index are never mutated: share them (a 4000-neuron
        # population has 36 000 names; rebuilding the dict cost ~10 ms a run)
        new = object.__new__(NamedValues)
        new.__dict__.update(self.__dict__)
        new.array = self.array.copy()
        return new

    def __repr__(self):
        items = ", ".join(f"{n!r}: {v:g}" for n, v in zip(self.names[:8], self.array[:8]))
        more = ", ..." if len(self.names) > 8 else ""
        return "{" + items + more + "}"


def check_array(value, n, name, hard_bounds=None):
    """A scalar (broadcast) or a length-n array of finite floats, else ParameterError."""
    if np.ndim(value) == 0:
        return check_value(value, name, None, hard_bounds)
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"'{name}' must hold numbers") from None
    if arr.shape != (n,):
        raise ParameterError(f"'{name}' has {n} elements; got an array of shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"'{name}' holds NaN or inf")
    if hard_bounds is not None:
        lo, hi = hard_bounds
        if (lo is not None and arr.min() < lo) or (hi is not None and arr.max() > hi):
            raise ParameterError(f"'{name}' is outside its physical range [{lo}, {hi}]")
    return arr
