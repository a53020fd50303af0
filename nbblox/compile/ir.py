"""The generated kernels as data, and the one printer that turns them into
Python/numba source.

What this module owns:

* the statements the code generators build (:mod:`~nbblox.compile.codegen`,
  :mod:`~nbblox.compile.netcode`, :mod:`~nbblox.compile.plastcode`,
  :mod:`~nbblox.compile.sensitivity`, :mod:`~nbblox.compile.steps`) and
  :class:`~nbblox.compile.hoist.Hoist` rewrites: :class:`Assign`,
  :class:`Load` (``s0 = x[3 + i]``), :class:`Temp` (a CSE temporary),
  :class:`For`, :class:`If`, :class:`Return`, :class:`Func` ...; a kernel is
  a tree of these until :func:`render` prints it, once;
* expressions: a SymPy expression (printed by :func:`pycode`; in a
  :class:`Math` each symbol may print under another name), an array element
  (:class:`Item` with :class:`Off` indices) or fixed code (a ``str``, printed
  as it is and never edited).  What differs between two uses of the same
  code -- the array a stage reads (``x`` or ``tmp``), the buffer it writes
  (``k2``), the instance index (``i`` or ``post``), a hoisted constant -- is
  a field of a node, so a generator substitutes a name by building a node,
  never by replacing text in printed source;
* :func:`pycode`, which prints SymPy through
  :class:`~nbblox.compile.printer.KernelPrinter` (imported on first use).

The printed text is byte for byte what the earlier string templates made
(the fast-math and streaming rewriters of the finished module rely on it).

Examples
--------
>>> import sympy as sp
>>> s, q = sp.symbols("s0 q1", real=True)
>>> body = [Load(s, "x", 3), Load(q, "p", 5), Assign(Item("dx", Off(3)), q * s**2)]
>>> print(render([For("i", (2,), body, note="group 0")], 4))
    for i in range(2):  # group 0
        s0 = x[3 + i]
        q1 = p[5 + i]
        dx[3 + i] = q1*(s0*s0)
>>> print(render([Assign("c", Math(q + s, {q: "hq0_1"}))]))
c = hq0_1 + s0
"""
from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral, Real

import sys

__all__ = ["pycode", "code", "render", "Off", "Item", "Math", "Assign",
           "Load", "Temp", "Expr", "For", "If", "Return", "Break", "Pass", "Blank",
           "Verbatim", "Func", "DECORATOR", "block", "render_lines"]

#: decorator of every generated kernel (the fast-math rewriter looks for it)
DECORATOR = '@njit(cache=True, nogil=True, error_model="numpy")'


def pycode(expr, names=None):
    """Python text of SymPy ``expr`` (``names``: {symbol: printed name}).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> pycode(x**3 + sp.sqrt(x)), pycode(2 * x, {x: "hq0_1"})
    ('math.sqrt(x) + (x*x*x)', '2.0*hq0_1')
    """
    from .printer import pycode as _pycode  # SymPy only when a kernel is printed
    return _pycode(expr, names)


# ---------------------------------------------------------------- expressions

@dataclass(frozen=True)
class Off:
    """Index ``base + var`` (``var`` the instance index of a group's loop)."""

    base: int
    var: str = "i"

    def code(self):
        return f"{code(self.base)} + {self.var}"


@dataclass(frozen=True)
class Item:
    """Element ``array[index]`` (several indices: ``array[a, b]``)."""

    array: object
    index: object

    def code(self):
        idx = self.index if isinstance(self.index, tuple) else (self.index,)
        return f"{code(self.array)}[{', '.join(code(k) for k in idx)}]"


@dataclass
class Math:
    """SymPy ``expr`` printed with some symbols under other ``names``."""

    expr: object
    names: dict = field(default_factory=dict)

    def code(self):
        return pycode(self.expr, self.names)


def code(e):
    """Python text of an expression: fixed code (``str``), a number, a SymPy
    expression or a node of this module."""
    if isinstance(e, str):
        return e
    sympy = sys.modules.get("sympy")  # a SymPy object means SymPy is loaded
    if sympy is not None and isinstance(e, sympy.Basic):  # before the numbers: sp.Integer is an Integral
        return pycode(e)
    if isinstance(e, bool):
        return repr(e)
    if isinstance(e, Integral):
        return str(int(e))
    if isinstance(e, Real):
        return repr(float(e))
    return e.code()


# ----------------------------------------------------------------- statements

@dataclass
class Assign:
    """``target op value`` (op ``=``, ``+=``, ``*=`` ...)."""

    target: object
    value: object
    op: str = "="

    def lines(self, pad):
        return [f"{pad}{code(self.target)} {self.op} {code(self.value)}"]


@dataclass
class Load:
    """``target = array[base + var]``: one value of a group's instance."""

    target: object
    array: str
    base: int
    var: str = "i"

    def lines(self, pad):
        return [f"{pad}{code(self.target)} = {self.array}[{code(self.base)} + {self.var}]"]


@dataclass
class Temp:
    """A common-subexpression temporary ``sym = expr`` (what
    :class:`~nbblox.compile.hoist.Hoist` may move out of the time loop)."""

    sym: object
    expr: object
    names: dict = field(default_factory=dict)

    def lines(self, pad):
        return [f"{pad}{self.sym} = {pycode(self.expr, self.names)}"]


@dataclass
class Expr:
    """An expression evaluated for its effect (a call)."""

    value: object

    def lines(self, pad):
        return [pad + code(self.value)]


@dataclass
class For:
    """``for var in range(*bounds):`` (``note``: a trailing comment)."""

    var: str
    bounds: tuple
    body: list
    note: str = ""

    def lines(self, pad):
        head = f"{pad}for {self.var} in range({', '.join(code(b) for b in self.bounds)}):"
        return [head + (f"  # {self.note}" if self.note else "")] + block(self.body, pad)


@dataclass
class If:
    """``if c0: ... elif c1: ... else: ...`` from ``[(c0, body0), (c1, body1)]``."""

    branches: list
    orelse: list = None

    def lines(self, pad):
        L = []
        for k, (cond, body) in enumerate(self.branches):
            L.append(f"{pad}{'elif' if k else 'if'} {code(cond)}:")
            L += block(body, pad)
        if self.orelse:
            L.append(f"{pad}else:")
            L += block(self.orelse, pad)
        return L


@dataclass
class Return:
    """``return a, b, ...``."""

    values: tuple

    def lines(self, pad):
        return [f"{pad}return {', '.join(code(v) for v in self.values)}"]


class Break:
    def lines(self, pad):
        return [pad + "break"]


class Pass:
    def lines(self, pad):
        return [pad + "pass"]


class Blank:
    """An empty line between module-level definitions."""

    def lines(self, pad):
        return [""]


@dataclass
class Verbatim:
    """A line printed exactly as given: module headers (imports, comments)
    and lines of generators outside this representation (the CUDA sweep)."""

    text: str

    def lines(self, pad):
        return [self.text]


@dataclass
class Func:
    """A kernel: ``decorator``, ``def name(params):`` and the body."""

    name: str
    params: tuple
    body: list
    decorator: str = DECORATOR

    def lines(self, pad):
        return ([pad + self.decorator, f"{pad}def {self.name}({', '.join(self.params)}):"]
                + block(self.body, pad))


def block(body, pad):
    """Lines of the statements ``body`` one level below ``pad``."""
    inner = pad + "    "
    return [ln for st in body for ln in st.lines(inner)]


def render(stmts, indent=0):
    """Source text of statements ``stmts`` at ``indent`` spaces (lines joined
    by newlines, no trailing newline)."""
    pad = " " * indent
    return "\n".join(ln for st in stmts for ln in st.lines(pad))


def render_lines(stmts, indent=0):
    """Like :func:`render`, as a list of lines."""
    pad = " " * indent
    return [ln for st in stmts for ln in st.lines(pad)]
