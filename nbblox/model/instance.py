"""Blox: one named instance of a blox type, with its own values and initial state.

A :class:`~nbblox.model.blox.BloxType` (the template: equations, parameter metadata)
makes its instances by being called; this module owns the instance: its name (checked
as equation text would read it, :func:`~nbblox.model.names.name_problem`), its
parameter values (a :class:`~nbblox.model.params.ParamValues`, presets applied), its
initial state, copy, pickle state, plain-data form and identity.  It imports nothing
of the type's module, which imports it (:meth:`Blox.from_equations` makes its type
through :attr:`Blox.type_class`).
"""
from __future__ import annotations

import itertools

from ..exceptions import ParameterError, suggest
from .names import name_problem
from .params import ParamValues, check_value

__all__ = ["Blox"]

_counter = itertools.count(1)


class Blox:
    """One named instance of a :class:`~nbblox.model.blox.BloxType`.

    Examples
    --------
    >>> import nbblox as nb
    >>> fhn = nb.blox.FitzHughNagumo(name="fhn", I=0.5)
    >>> fhn.params["I"]
    0.5
    """

    def __init__(self, btype, name=None, *, init=None, preset=None, **params):
        self.type = btype
        self.name = str(name) if name is not None else f"{btype.name.lower()}{next(_counter)}"
        if not self.name.replace("_", "a").isalnum() or "." in self.name or not self.name[0].isalpha():
            raise ParameterError(f"blox name {self.name[:80]!r} must start with a letter and "
                                 "hold only letters, digits and '_'")
        why = name_problem(self.name)
        if why:
            raise ParameterError(f"blox name {self.name[:80]!r}: {why}")
        values = {k: p.default for k, p in btype.params.items()}
        self.params = ParamValues(self, values)
        if preset is not None:
            if preset not in btype.presets:
                raise ParameterError(f"{btype.name} has no preset '{preset}'; valid presets: "
                                     f"{', '.join(sorted(btype.presets)) or 'none'}.")
            self.params.update(btype.presets[preset])
        self.preset = preset
        self.params.update(params)
        self.init = dict(btype.init)
        for s, v in (init or {}).items():
            if s not in btype.states:
                raise ParameterError(f"blox '{self.name}' has no state '{s}'."
                                     + suggest(s, btype.states))
            self.init[s] = check_value(v, s, self.name)

    #: the class of :meth:`from_equations`' one-off type,
    #: :class:`~nbblox.model.blox.BloxType` (set by that module: it imports this one)
    type_class = None

    @classmethod
    def from_equations(cls, text, params=None, name=None, *, type_name=None, **kw):
        """Make a blox from equation text (its own one-off
        :class:`~nbblox.model.blox.BloxType`).

        Examples
        --------
        >>> b = Blox.from_equations("dx/dt = -k*x", params={"k": (1.0, (0, 5), "1/ms", "rate")},
        ...                         name="decay", init={"x": 1.0})
        >>> b.states, b.params["k"]
        (('x',), 1.0)
        """
        btype = cls.type_class(type_name or (name or "Custom"), text, params, **kw)
        return btype(name=name)

    @property
    def states(self):
        return self.type.states

    @property
    def param_names(self):
        return tuple(self.type.params)

    def copy(self, name=None):
        """A new blox of the same type with the same values (and a new name)."""
        return Blox(self.type, name=name or self.name, init=self.init, **self.params)

    def __getstate__(self):
        # values as a plain dict: ParamValues points back at its blox
        return {**self.__dict__, "params": dict(self.params)}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.params = ParamValues(self, state["params"])

    def to_dict(self):
        return {"name": self.name, "type": self.type.key, "params": dict(self.params),
                "init": dict(self.init)}

    def __eq__(self, other):
        return (isinstance(other, Blox) and self.name == other.name
                and self.type.key == other.type.key and dict(self.params) == dict(other.params)
                and self.init == other.init)

    def __hash__(self):
        return hash((self.name, self.type.key))

    def _repr_latex_(self):
        return self.type._repr_latex_()

    def __repr__(self):
        items = list(self.params.items())
        ps = ", ".join(f"{k}={v:g}" for k, v in items[:12])
        if len(items) > 12:  # e.g. a TimeSeriesInput's table
            ps += f", ... ({len(items)} parameters)"
        return f"<{self.type.name} '{self.name}' ({ps})>"
