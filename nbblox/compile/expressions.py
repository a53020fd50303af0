"""A blox type's equations as SymPy in the generated code's local names.

Every backend (numba kernels, NumPy reference, CUDA sweep, sensitivities,
the scheme checks) starts from :func:`group_expressions`: states ``s<k>``,
parameters ``q<j>``, inputs ``u<m>``, time ``t_s``; drift and white-noise
coefficient split; spike condition, reset, and the states held while
refractory; declared bounds.
"""
from __future__ import annotations

import sympy as sp

from ..exceptions import EquationError

__all__ = ["group_expressions", "reads_inputs"]

_XI = sp.Symbol("xi", real=True)


def group_expressions(btype):
    """The group's equations in local names (s*, q*, u*, t).

    Returns a dict with ``f`` (derivatives), ``out`` (outputs), ``dfds``
    (ns x ns), ``dfdu`` (ns x nu), ``dods`` (no x ns), ``dodu`` (no x nu:
    outputs that read inputs), and the symbol lists.
    """
    S = [sp.Symbol(f"s{k}", real=True) for k in range(len(btype.states))]
    Q = [sp.Symbol(f"q{j}", real=True) for j in range(len(btype.params))]
    U = [sp.Symbol(f"u{m}", real=True) for m in range(len(btype.inputs))]
    user = btype.symbols
    rename = {user[n]: s for n, s in zip(btype.states, S)}
    rename.update({user[n]: s for n, s in zip(btype.params, Q)})
    rename.update({user[n]: s for n, s in zip(btype.inputs, U)})
    # time is the stage time t_s inside generated loops
    rename[sp.Symbol("t", real=True)] = sp.Symbol("t_s", real=True)
    subs_aux = {}
    for name, expr in btype.eqs.aux.items():
        subs_aux[sp.Symbol(name, real=True)] = expr.xreplace(subs_aux)
    full = [btype.eqs.rhs[s].xreplace(subs_aux).xreplace(rename) for s in btype.states]
    # white noise: f is the drift (xi = 0), g the coefficient of xi
    f = [e.xreplace({_XI: 0}) for e in full]
    g = [sp.diff(e, _XI) for e in full]
    for s, gk in zip(btype.states, g):
        if gk != 0 and _XI in gk.free_symbols:
            raise EquationError(f"the noise term 'xi' must enter d{s}/dt linearly "
                                "(e.g. '+ sigma*xi' or '+ sigma*V*xi')", blox=btype.name,
                                line=btype.eqs.lines.get(s))
    out = [e.xreplace(subs_aux).xreplace(rename) for e in btype.outputs.values()]
    for e in out:
        if _XI in e.free_symbols:
            raise EquationError("an output cannot contain the noise term 'xi'", blox=btype.name)
    dfds = [[sp.diff(fk, sl) for sl in S] for fk in f]
    dfdu = [[sp.diff(fk, um) for um in U] for fk in f]
    dods = [[sp.diff(oq, sl) for sl in S] for oq in out]
    dodu = [[sp.diff(oq, um) for um in U] for oq in out]
    ex = {"S": S, "Q": Q, "U": U, "f": f, "g": g, "out": out, "dfds": dfds, "dfdu": dfdu,
          "dods": dods, "dodu": dodu, "spike": None, "reset": [], "held": [], "clip": []}
    if btype.spike is not None:
        ex["spike"] = btype.spike.xreplace(subs_aux).xreplace(rename)
        for target, expr in btype.reset:
            k = btype.states.index(target)
            e = expr.xreplace(subs_aux).xreplace(rename)
            ex["reset"].append((k, e))
            # refractory_hold "reset": a state set to a value (V = Vr) is held
            # while refractory; incremented ones (u += d) keep integrating
            if (btype.refractory_hold == "reset" and S[k] not in e.free_symbols
                    and k not in ex["held"]):
                ex["held"].append(k)
        if btype.refractory_hold == "marked":   # Brian2: the (unless refractory) lines
            ex["held"] = [k for k, s in enumerate(btype.states)
                          if s in btype.eqs.unless_refractory]
    ex["clip"] = [(k, *btype.clip[s]) for k, s in enumerate(btype.states) if s in btype.clip]
    return ex


def reads_inputs(exs):
    """Indices of the groups whose outputs read one of their inputs.

    Parameters
    ----------
    exs : list of dict
        :func:`group_expressions` of each group, in layout order.

    Returns
    -------
    list of int
        E.g. a conductance synapse, ``I = g r (E - V_post)`` with ``V_post``
        an input: its outputs must be evaluated after the inputs are summed.

    Examples
    --------
    >>> import nbblox as nb
    >>> reads_inputs([group_expressions(b.type) for b in (
    ...     nb.blox.HodgkinHuxley(name="n"), nb.blox.AMPA(name="s"))])
    [1]
    """
    return [gi for gi, ex in enumerate(exs)
            if set(ex["U"]) & set().union(*(e.free_symbols for e in ex["out"]))]
