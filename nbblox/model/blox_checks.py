"""Validation of a blox type's specification, before any code is generated.

:class:`~nbblox.model.blox.BloxType` parses its equations and hands the pieces to the
functions here, one concern each: names (type, parameters, inputs), the symbols every
equation, output, spike condition and reset may use, ``interp`` tables, the refractory
hold, clip bounds, presets, required inputs, state docs, unit keys, and the shape of a
type's plain-data form (a file from anyone).  Each raises a
:class:`~nbblox.exceptions.ParameterError` or :class:`~nbblox.exceptions.EquationError`
naming the blox and what is wrong; none changes the type except through what it returns.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..exceptions import EquationError, ParameterError, suggest
from .equations import RESERVED, check_assignments, check_expression
from .names import name_problem
from .functions import SPIKE_ONLY
from .params import check_value

__all__ = ["check_type_name", "check_param_names", "check_inputs", "known_symbols",
           "check_symbols", "check_names", "check_tables", "check_init", "check_spike", "check_reset",
           "refractory_hold", "check_clip", "check_presets", "check_required_inputs",
           "check_state_docs", "check_unit_keys", "check_type_fields", "TYPE_FIELDS"]

#: the fields of a blox type's plain-data form (:meth:`BloxType.to_dict`)
TYPE_FIELDS = frozenset({"name", "equations", "params", "inputs", "outputs", "init", "spike",
                         "reset", "refractory", "kind", "doc", "citation", "presets",
                         "refractory_hold", "clip", "units", "required_inputs", "state_docs",
                         "title"})


def check_type_name(name, title):
    """Refuse a type name that is not one identifier-like line, or a ``title=`` that is
    not one line of at most 80 characters.

    Examples
    --------
    >>> check_type_name("FHN", "FitzHugh–Nagumo")
    >>> check_type_name("FHN", "two\\nlines")
    Traceback (most recent call last):
    ...
    nbblox.exceptions.ParameterError: blox type 'FHN': title= must be one line of text (at most 80 characters), not 'two\\nlines'
    """
    why = name_problem(name)
    if why:
        # the type name is shown in pages and messages, never pasted into code,
        # but a name is a name: one line, letters/digits/'_' (issue 23, item 7)
        raise ParameterError(f"blox type name {name[:80]!r}: {why}")
    if title is not None and (not isinstance(title, str) or not title.strip()
                              or "\n" in title or len(title) > 80):
        raise ParameterError(f"blox type '{name}': title= must be one line of text "
                             f"(at most 80 characters), not {str(title)[:40]!r}")


def check_param_names(btype):
    """Each parameter is a name of its own: not a state, auxiliary, reserved word or
    ``_``-prefixed name."""
    states = btype.eqs.states
    for p in btype.params:
        if p in states:
            raise EquationError(f"'{p}' is declared as a parameter but has a "
                                f"derivative d{p}/dt", blox=btype.name,
                                line=btype.eqs.lines[p])
        if p in btype.eqs.aux_names:
            raise EquationError(f"'{p}' is both a parameter and an auxiliary "
                                "expression", blox=btype.name, line=btype.eqs.lines[p])
        why = name_problem(p) if isinstance(p, str) else "a name must be text"
        if why:
            raise ParameterError(f"blox '{btype.name}': parameter {str(p)[:80]!r}: {why}")
        if p in RESERVED or p.startswith("_"):
            raise ParameterError(f"blox '{btype.name}': '{p}' cannot be a parameter name")


def check_inputs(btype):
    """Each input is a name that no state, parameter or auxiliary already uses."""
    for u in btype.inputs:
        why = name_problem(u) if isinstance(u, str) else "a name must be text"
        if why:
            raise ParameterError(f"blox '{btype.name}': input {str(u)[:80]!r}: {why}")
        if u in btype.eqs.states or u in btype.params or u in btype.eqs.aux_names:
            raise EquationError(f"input '{u}' clashes with a state, parameter or "
                                "auxiliary of the same name", blox=btype.name)


def known_symbols(btype):
    """The names an expression of ``btype`` may use: states, parameters, auxiliaries,
    inputs and the reserved names (``t``, ``dt``, functions)."""
    return set(btype.eqs.states) | set(btype.params) | set(btype.eqs.aux_names) | \
        set(btype.inputs) | RESERVED


def check_symbols(btype):
    """Every symbol of every equation line is known (:func:`known_symbols`)."""
    known = known_symbols(btype)
    for name in (*btype.eqs.aux_names, *btype.eqs.states):
        for s in sorted(btype.eqs.names[name]):
            if s not in known:
                raise EquationError(
                    f"unknown symbol '{s}' in the equation for '{name}': declare it "
                    "as a parameter, an input, or define it above." + suggest(s, known),
                    blox=btype.name, line=btype.eqs.lines[name])


def check_names(btype, used, what, extra=()):
    """The symbols ``used`` by ``what`` (an output, the spike condition, the reset) are
    known, or among ``extra``."""
    known = known_symbols(btype) | set(extra)
    for s in sorted(used):
        if s not in known:
            raise EquationError(f"unknown symbol '{s}' in the {what}." + suggest(s, known),
                                blox=btype.name)


def check_tables(btype, tables):
    """interp(t, T0, T1, Y0, K) reads K times from T0 on and K values from Y0
    on out of the parameter vector: check that layout here, once, so the
    kernels can index it without bound checks going wrong."""
    names = list(btype.params)
    for x, t0, t1, y0, k in tables:
        where = f"interp({x}, {t0}, {t1}, {y0}, {k}): "
        if x != "t":
            raise EquationError(where + "interp() interpolates in time: its first "
                                "argument must be t", blox=btype.name)
        if not (isinstance(k, int) and k >= 2):
            raise EquationError(where + "the last argument is the number of samples, "
                                "a whole number >= 2", blox=btype.name)
        if not all(a in btype.params for a in (t0, t1, y0)):
            raise EquationError(where + "the 2nd-4th arguments must be parameters "
                                "(first time, second time, first value)", blox=btype.name)
        i0, i1, iv = names.index(t0), names.index(t1), names.index(y0)
        if i1 != i0 + 1 or iv != i0 + k or i0 + 2 * k > len(names):
            raise EquationError(where + f"the table needs {k} time parameters from "
                                f"'{t0}' on, directly followed by {k} value "
                                "parameters (use nb.blox.TimeSeriesInput)", blox=btype.name)


def check_init(btype, init):
    """``{state: initial value}`` for every state (0 unless ``init`` gives one)."""
    states = btype.eqs.states
    init = dict(init or {})
    for s in init:
        if s not in states:
            raise ParameterError(f"blox '{btype.name}': initial value given for '{s}', "
                                 f"which has no d{s}/dt line." + suggest(s, states))
    return {s: check_value(init.get(s, 0.0), s, btype.name) for s in states}


def check_spike(btype, spike):
    """The spike condition uses known symbols (and may draw ``rand()`` and read ``dt``:
    Poisson sources); returns (whether it draws, the ``interp`` tables it reads)."""
    if not spike:
        return False, []
    used = check_expression(spike, blox=btype.name, condition=True, allow_rand=True)
    check_names(btype, used, "spike condition", SPIKE_ONLY)
    return used.rand, list(used.tables)


def check_reset(btype, reset):
    """The reset assigns states only, from known symbols; returns the ``interp`` tables
    it reads."""
    tables = []
    for target, _, _, used in check_assignments(reset, blox=btype.name) if reset else []:
        if target not in btype.eqs.states:
            raise EquationError(f"reset assigns '{target}', which is not a state "
                                f"(states: {', '.join(btype.eqs.states)})", blox=btype.name)
        check_names(btype, used, "reset")
        tables += used.tables
    return tables


def refractory_hold(btype, hold):
    """Which states are held while refractory (``"reset"``, ``"marked"``, or None without
    a refractory period), after checking ``hold`` against the ``(unless refractory)``
    marks and ``btype.refractory``."""
    marked = btype.eqs.unless_refractory
    if hold not in (None, "reset", "marked"):
        raise ParameterError(f"blox '{btype.name}': refractory_hold must be 'reset' (hold "
                             "the states the reset sets) or 'marked' (Brian2: hold the "
                             f"equations marked '(unless refractory)'), not {hold!r}")
    if (hold is not None or marked) and btype.refractory is None:
        what = (f"refractory_hold={hold!r}" if hold is not None else
                f"'(unless refractory)' on d{sorted(marked)[0]}/dt")
        raise EquationError(f"{what} needs a refractory period: give refractory= (ms)",
                            blox=btype.name)
    if hold == "reset" and marked:
        raise EquationError(f"refractory_hold='reset' holds the states the reset sets, "
                            f"but d{sorted(marked)[0]}/dt is marked '(unless refractory)'"
                            "; use refractory_hold='marked' or remove the mark",
                            blox=btype.name, line=btype.eqs.lines[sorted(marked)[0]])
    return None if btype.refractory is None else (hold or ("marked" if marked else "reset"))


def check_clip(btype, clip):
    """``{state: (lo, hi)}`` with ``None`` sides as infinities; each state exists, lo <
    hi, and its initial value lies inside."""
    out = {}
    for state, bounds in dict(clip or {}).items():
        if state not in btype.eqs.states:
            raise ParameterError(f"blox '{btype.name}': clip names '{state}', which has no "
                                 f"d{state}/dt line." + suggest(state, btype.eqs.states))
        try:
            lo, hi = bounds
        except (TypeError, ValueError):
            raise ParameterError(f"blox '{btype.name}': clip['{state}'] must be (lo, hi), "
                                 f"got {bounds!r}") from None
        lo = float("-inf") if lo is None else check_value(lo, f"clip lower bound of {state}",
                                                          btype.name)
        hi = float("inf") if hi is None else check_value(hi, f"clip upper bound of {state}",
                                                         btype.name)
        if not lo < hi:
            raise ParameterError(f"blox '{btype.name}': clip['{state}'] needs lo < hi, got "
                                 f"({lo}, {hi})")
        if not lo <= btype.init[state] <= hi:
            raise ParameterError(f"blox '{btype.name}': the initial {state} = "
                                 f"{btype.init[state]} lies outside clip ({lo}, {hi})")
        out[state] = (lo, hi)
    return out


def check_presets(btype):
    """Every preset sets parameters of the type only."""
    for pname, values in btype.presets.items():
        for k in values:
            if k not in btype.params:
                raise ParameterError(f"blox '{btype.name}': preset '{pname}' sets unknown "
                                     f"parameter '{k}'." + suggest(k, btype.params))


def check_required_inputs(btype, required):
    """``required_inputs`` as a tuple of inputs of the type."""
    required = tuple(required or ())
    for u in required:
        if u not in btype.inputs:
            raise ParameterError(f"blox '{btype.name}': required input '{u}' is not an "
                                 f"input (inputs: {', '.join(btype.inputs) or 'none'})")
    return required


def check_state_docs(btype, docs, states):
    """``state_docs`` as ``{state: one line of text}``."""
    out = {}
    for k, v in (docs or {}).items():
        if k not in states or not isinstance(v, str) or "\n" in v or len(v) > 60:
            raise ParameterError(f"blox '{btype.name}': state_docs= gives {str(k)[:40]!r}: "
                                 "name a state and describe it in one line (at most 60 "
                                 "characters)." + suggest(str(k), states))
        out[k] = v.strip()
    return out


def check_unit_keys(btype):
    """``units=`` names states, inputs, outputs or auxiliaries, each with unit text (the
    units themselves are checked by :func:`nbblox.model.units.check_equations`)."""
    known = (set(btype.eqs.states) | set(btype.inputs) | set(btype.output_text)
             | set(btype.eqs.aux_names))
    for k, v in btype.units.items():
        if k not in known or not isinstance(v, str):
            raise ParameterError(f"blox '{btype.name}': units= gives {k!r}: {v!r}; name "
                                 "states, inputs, outputs or auxiliaries with unit text."
                                 + suggest(str(k), known))


def check_type_fields(d):
    """The plain-data form of a blox type (a file from anyone): known fields, each of the
    right kind, before any of them is used.

    Examples
    --------
    >>> check_type_fields({"name": "X", "equations": "dx/dt = -x", "color": "red"})
    Traceback (most recent call last):
    ...
    nbblox.exceptions.ParameterError: unknown field(s) in blox type: ['color']
    """
    extra = set(d) - TYPE_FIELDS
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
