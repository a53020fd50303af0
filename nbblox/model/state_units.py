"""Units of states, as a reader of the equations would give them.

A state's unit is the one its blox type declares (``units=``), else inferred from
the equations: a state that is added to or subtracted from a parameter has that
parameter's unit (``V - E_Na`` with ``E_Na`` in mV: V is in mV), and one that is
added to a plain number is dimensionless (``1 - m``: a gate); a state that a spike
resets to a parameter has that parameter's unit (Izhikevich's ``V = c``, c in mV).
Nothing is guessed
beyond that: an unknown unit is ``None``.  Used for axis labels (viz/) and for
the units of analysis results (spectra), so it lives in the model layer.
"""
from __future__ import annotations

import functools

__all__ = ["state_unit", "state_doc"]


@functools.lru_cache(maxsize=256)
def inference_key(btype):
    """What :func:`inferred_units` reads of ``btype``: its equation text and the
    units of its parameters (a key for caches of the result)."""
    return (btype.eqs.text, tuple(btype.states),
            tuple(sorted((k, p.unit or "") for k, p in btype.params.items())),
            getattr(btype, "reset_text", None) or "")   # the text: .reset parses with SymPy


@functools.lru_cache(maxsize=256)
def inferred_units(btype):
    """{state: unit or None} from the equations (see the module docstring)."""
    import sympy as sp
    states = list(btype.states)
    params = {k: p.unit for k, p in btype.params.items()}
    out = {s: None for s in states}
    exprs = list(btype.eqs.rhs.values()) + list(btype.eqs.aux.values())
    for expr in exprs:
        for add in expr.atoms(sp.Add):
            terms = add.args
            bare = {str(t) for t in terms if isinstance(t, sp.Symbol)}
            bare |= {str(-t) for t in terms if isinstance(-t, sp.Symbol)}
            for s in states:
                if s not in bare or out[s] not in (None, ""):
                    continue
                for t in terms:
                    name = str(t) if isinstance(t, sp.Symbol) else str(-t)
                    if name in params and params[name]:
                        out[s] = params[name]
                        break
                    if t.is_Number and out[s] is None:
                        out[s] = ""
    for st, e in getattr(btype, "reset", None) or ():      # V = c, c in mV
        name = str(st)
        if out.get(name, "") is None and isinstance(e, sp.Symbol) and params.get(str(e)):
            out[name] = params[str(e)]
    return out


def state_unit(circuit, name, infer=None):
    """Unit of state ``"blox.state"`` (or ``"col1.L23.E.V"``, ``"pop[3].V"``) of
    ``circuit`` (a Circuit or None), or None.  ``infer(btype)`` replaces the
    inference from the equations (viz/ passes one cached on disk, so a plot
    needs no SymPy in a warm kernel).

    Examples
    --------
    >>> import nbblox as nb
    >>> s = nb.Circuit([nb.blox.HodgkinHuxley(name="hh")])
    >>> state_unit(s, "hh.V"), state_unit(s, "hh.m")
    ('mV', '')
    """
    try:
        bname, st = name.rsplit(".", 1)
        btype = circuit[bname.split("[", 1)[0]].type
    except Exception:
        return None
    declared = getattr(btype, "units", None)
    if isinstance(declared, dict) and st in declared:
        u = str(declared[st]).strip()
        return "" if u in ("1", "dimensionless") else u   # a fraction: no unit shown
    try:
        return (infer or inferred_units)(btype).get(st)
    except Exception:
        return None




def state_doc(circuit, name):
    """What state ``"blox.state"`` of ``circuit`` is, in a few words (the
    type's ``state_docs``), or ``""``.

    Examples
    --------
    >>> import nbblox as nb
    >>> state_doc(nb.Circuit([nb.blox.MorrisLecar(name="ml")]), "ml.w")
    'open K⁺ channel fraction'
    """
    try:
        bname, st = name.rsplit(".", 1)
        btype = circuit[bname.split("[", 1)[0]].type
    except Exception:
        return ""
    return getattr(btype, "state_docs", {}).get(st, "")
