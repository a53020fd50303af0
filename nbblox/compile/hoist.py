"""Parameter work moved out of the time loop of the generated kernels.

Inside ``for step in range(nsteps)`` every stage reloads the parameters and
recomputes parameter-only subexpressions (a temperature factor
``3.0**(0.1*q8 - 0.63)`` four times per RK4 step); LLVM cannot hoist them
because the stores into ``k1..k4``/``x`` might alias ``p``.  :class:`Hoist`
rewrites a group's generated lines (loads and CSE temporaries ``cK = ...``):

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

import re

__all__ = ["Hoist"]

_QLOAD = re.compile(r"(q\d+) = p\[(\d+) \+ i\]")
_TEMP = re.compile(r"(c\d+) = (.*)")
_IDENT = re.compile(r"(?<![0-9.])[A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)?")
_OK = re.compile(r"q\d+|hq\d+_\d+|hc\d+_\d+|math\.\w+|exprel1?|min|max|abs")
_CALL = ("**", "math.", "exprel", "min(", "max(")


def _single(g):
    return g.n == 1 and not g.population


class Hoist:
    """Collects what a kernel's stage bodies hoist; :meth:`preamble` emits it.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> g = SimpleNamespace(n=1, population=False, poff=4,
    ...                     btype=SimpleNamespace(params=["a", "T"]))
    >>> hz = Hoist()
    >>> hz.apply(0, g, ["    q1 = p[5 + i]", "    c0 = (3.0**(0.1*q1))", "    k = c0*s0"])
    ['    q1 = hq0_1', '    c0 = hc0_0', '    k = c0*s0']
    >>> hz.preamble()
    ['    hq0_1 = p[5]', '    hc0_0 = (3.0**(0.1*hq0_1))']
    """

    def __init__(self):
        self.groups = {}   # gi -> (group, {param j: slot}, {rhs text: name})

    def apply(self, gi, g, lines):
        """``lines`` (loads then CSE'd body of group ``gi``) with parameter
        work replaced by hoisted names."""
        qs, temps = self.groups.setdefault(gi, (g, {}, {}))[1:]
        one = _single(g)
        local, out = {}, []
        for ln in lines:
            pad = ln[:len(ln) - len(ln.lstrip())]
            text = ln.strip()
            m = _QLOAD.fullmatch(text)
            if m and one:
                j = int(m.group(1)[1:])
                qs[j] = int(m.group(2))
                out.append(f"{pad}{m.group(1)} = hq{gi}_{j}")
                continue
            m = _TEMP.fullmatch(text)
            if m:
                rhs = re.sub(r"\bc\d+\b", lambda k: local.get(k.group(0), k.group(0)),
                             m.group(2))
                ids = _IDENT.findall(rhs)
                hoistable = (ids and all(_OK.fullmatch(x) for x in ids)
                             and any(x[0] in "qh" for x in ids)
                             and (one or any(c in rhs for c in _CALL)))
                if hoistable:
                    name = temps.setdefault(rhs, f"hc{gi}_{len(temps)}")
                    ref = name if one else f"{name}[i]"
                    local[m.group(1)] = ref
                    out.append(f"{pad}{m.group(1)} = {ref}")
                    continue
            out.append(ln)
        return out

    def preamble(self, indent=4):
        """Lines computing the hoisted values, before the time loop."""
        pad = " " * indent
        L = []
        for gi, (g, qs, temps) in sorted(self.groups.items(), key=lambda kv: kv[0]):
            if not temps and not qs:
                continue
            npar = len(g.btype.params)
            if _single(g):
                used = set(qs)
                for rhs in temps:
                    used |= {int(x[1:]) for x in re.findall(r"\bq\d+\b", rhs)}
                L += [f"{pad}hq{gi}_{j} = p[{g.poff + j}]" for j in sorted(used)]
                for rhs, name in temps.items():
                    rhs = re.sub(r"\bq(\d+)\b", lambda k: f"hq{gi}_{k.group(1)}", rhs)
                    L.append(f"{pad}{name} = {rhs}")
                continue
            L += [f"{pad}{name} = np.empty({g.n})" for name in temps.values()]
            L.append(f"{pad}for i in range({g.n}):")
            L += [f"{pad}    q{j} = p[{g.poff + j * g.n} + i]" for j in range(npar)]
            L += [f"{pad}    {name}[i] = {rhs}" for rhs, name in temps.items()]
        return L
