"""Parameter work moved out of the time loop of the generated kernels.

Inside ``for step in range(nsteps)`` every stage reloads the parameters and
recomputes parameter-only subexpressions (a temperature factor
``3.0**(0.1*q8 - 0.63)`` four times per RK4 step); LLVM cannot hoist them
because the stores into ``k1..k4``/``x`` might alias ``p``.  :class:`Hoist`
rewrites a group's loop body (statements of :mod:`nbblox.compile.ir`: its
parameter :class:`~nbblox.compile.ir.Load` s and CSE
:class:`~nbblox.compile.ir.Temp` oraries):

* single blox (one instance, not a Population): parameter loads become
  scalars loaded once per call (``q3 = hq0_3``), and every parameter-only
  temporary a scalar computed once;
* groups of several blox and populations (of any size, so a population's
  code does not depend on n): parameter-only temporaries that call a function or raise a
  power become per-instance arrays filled once per call (a load instead of
  a ``pow``/``exp`` per instance per stage).

The hoisted values are the very expressions the loop computed, evaluated the
same way, so results are bit-for-bit unchanged.
"""
from __future__ import annotations

import sympy as sp

from .ir import Assign, For, Item, Load, Temp, pycode
from .printer import KernelPrinter

__all__ = ["Hoist"]

#: printed text that costs a call or a power (worth an array load per instance)
_CALL = ("**", "math.", "exprel", "min(", "max(")
#: SymPy nodes whose printed form names nothing but math.* functions (no
#: ``if``/``else``, no runtime arrays): what a preamble may compute
_PURE = (sp.Add, sp.Mul, sp.Pow, sp.Number, sp.NumberSymbol, sp.Min, sp.Max, sp.Abs,
         sp.core.relational.Relational)


def _single(g):
    return g.n == 1 and not g.population


def _pure(expr, ok):
    """Whether ``expr`` reads only the symbols ``ok`` and prints as plain math."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Symbol):
            if node not in ok:
                return False
        elif isinstance(node, sp.Function):
            name = type(node).__name__
            if name not in ("exprel", "exprel1", "Abs") and not str(
                    _PRINTER.known_functions.get(name, "")).startswith("math."):
                return False
        elif not isinstance(node, _PURE):
            return False
    return True


_PRINTER = KernelPrinter()


class Hoist:
    """Collects what a kernel's stage bodies hoist; :meth:`preamble` gives it.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import sympy as sp
    >>> from nbblox.compile.ir import Load, Temp, Assign, render
    >>> g = SimpleNamespace(n=1, population=False, poff=4,
    ...                     btype=SimpleNamespace(params=["a", "T"]))
    >>> q1, s0, c0 = sp.Symbol("q1", real=True), sp.Symbol("s0", real=True), sp.Symbol("c0")
    >>> hz = Hoist()
    >>> body = hz.apply(0, g, [Load(q1, "p", 5), Temp(c0, 3**(sp.Float(0.1) * q1)),
    ...                        Assign("k", c0 * s0)])
    >>> print(render(body, 4))
        q1 = hq0_1
        c0 = hc0_0
        k = c0*s0
    >>> print(render(hz.preamble(), 4))
        hq0_1 = p[5]
        hc0_0 = (3.0**(0.1*hq0_1))
    """

    def __init__(self):
        # gi -> (group, {param j: slot}, {printed rhs: (name, expr, names)}, {q_j symbols})
        self.groups = {}

    def apply(self, gi, g, body):
        """The statements ``body`` (loads then CSE'd assignments of group
        ``gi``) with parameter work replaced by hoisted names."""
        _, qs, temps, qsyms = self.groups.setdefault(gi, (g, {}, {}, {}))
        one = _single(g)
        local, out = {}, []
        params = {}
        for st in body:
            if isinstance(st, Load) and st.array == "p" and st.var == "i":
                params[st.target] = int(st.target.name[1:])
        qsyms.update(params)
        for st in body:
            if isinstance(st, Load) and st.target in params and one:
                j = params[st.target]
                qs[j] = st.base
                out.append(Assign(st.target, f"hq{gi}_{j}"))
                continue
            if isinstance(st, Temp):
                names = {c: local[c] for c in st.expr.free_symbols if c in local}
                ok = set(params) | ({c for c in names} if one else set())
                rhs = pycode(st.expr, names)
                hoistable = (_pure(st.expr, ok) and (st.expr.free_symbols & ok)
                             and (one or any(c in rhs for c in _CALL)))
                if hoistable:
                    name = temps.setdefault(rhs, (f"hc{gi}_{len(temps)}", st.expr, names))[0]
                    local[st.sym] = name if one else f"{name}[i]"
                    out.append(Assign(st.sym, name if one else Item(name, "i")))
                    continue
            out.append(st)
        return out

    def preamble(self):
        """Statements computing the hoisted values, before the time loop."""
        L = []
        for gi, (g, qs, temps, qsyms) in sorted(self.groups.items(), key=lambda kv: kv[0]):
            if not temps and not qs:
                continue
            npar = len(g.btype.params)
            if _single(g):
                used = set(qs)
                for _, expr, _ in temps.values():
                    used |= {qsyms[q] for q in expr.free_symbols if q in qsyms}
                L += [Assign(f"hq{gi}_{j}", f"p[{g.poff + j}]") for j in sorted(used)]
                rename = {q: f"hq{gi}_{j}" for q, j in qsyms.items()}
                for name, expr, names in temps.values():
                    L.append(Assign(name, pycode(expr, {**names, **rename})))
                continue
            L += [Assign(name, f"np.empty({g.n})") for name, _, _ in temps.values()]
            L.append(For("i", (g.n,), [Load(f"q{j}", "p", g.poff + j * g.n)
                                       for j in range(npar)]
                         + [Assign(Item(name, "i"), rhs)
                            for rhs, (name, _, _) in temps.items()]))
        return L
