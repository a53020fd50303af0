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
* expressions: a SymPy expression (printed by :class:`KernelPrinter`; in a
  :class:`Math` each symbol may print under another name), an array element
  (:class:`Item` with :class:`Off` indices) or fixed code (a ``str``, printed
  as it is and never edited).  What differs between two uses of the same
  code -- the array a stage reads (``x`` or ``tmp``), the buffer it writes
  (``k2``), the instance index (``i`` or ``post``), a hoisted constant -- is
  a field of a node, so a generator substitutes a name by building a node,
  never by replacing text in printed source;
* :class:`KernelPrinter`, the SymPy printer tuned for numba.

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

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

__all__ = ["KernelPrinter", "pycode", "code", "render", "Off", "Item", "Math", "Assign",
           "Load", "Temp", "Expr", "For", "If", "Return", "Break", "Pass", "Blank",
           "Verbatim", "Func", "DECORATOR", "block", "render_lines"]

#: decorator of every generated kernel (the fast-math rewriter looks for it)
DECORATOR = '@njit(cache=True, nogil=True, error_model="numpy")'


class KernelPrinter(PythonCodePrinter):
    """Python printer tuned for numba: math.* calls, cheap integer powers;
    ``names`` prints given symbols under other names (the expression, and so
    the order of its terms, is the one it was built as)."""

    def __init__(self, names=None):
        super().__init__({"fully_qualified_modules": True, "standard": "python3"})
        self._names = names or {}

    def _print_Symbol(self, expr):
        name = self._names.get(expr)
        return name if name is not None else super()._print_Symbol(expr)

    def _print_Pow(self, expr, rational=False):
        base, e = expr.as_base_exp()
        if e.is_Integer and 2 <= int(e) <= 4:
            b = self.parenthesize(base, 100)
            return "(" + "*".join([b] * int(e)) + ")"
        if e.is_Integer and int(e) == -1:
            return f"(1.0/{self.parenthesize(base, 100)})"
        if e == sp.Rational(1, 2):
            return f"math.sqrt({self._print(base)})"
        return f"({self.parenthesize(base, 100)}**{self.parenthesize(e, 100)})"

    def _print_DiracDelta(self, expr):
        # the derivative of heaviside() in a Jacobian: zero wherever it is defined
        return "0.0"

    def _print_Heaviside(self, expr):
        return f"(1.0 if ({self._print(expr.args[0])}) >= 0.0 else 0.0)"

    def _print_exprel(self, expr):
        return f"exprel({self._print(expr.args[0])})"

    def _print_exprel1(self, expr):
        return f"exprel1({self._print(expr.args[0])})"

    def _print_rand(self, expr):
        # spike conditions only (checked when the blox type is built): ``gid`` is
        # the neuron's global spike id in the threshold loop of netcode.py
        return "urand(seed, step * N_SPIKING + gid)"

    def _print_interp(self, expr):
        # table of interp(): a<j> is the p-index of parameter q<j> of instance i
        # (see emit.loads); consecutive samples are one group-size apart
        x, t0, t1, v0, k = expr.args
        a = lambda q: "a" + q.name[1:]
        return (f"tinterp(p, {a(t0)}, {a(t1)} - {a(t0)}, {a(v0)}, {int(k)}, "
                f"{self._print(x)})")

    def _print_Rational(self, expr):
        return f"({float(expr)!r})"

    def _print_Integer(self, expr):
        return f"{float(int(expr))!r}"

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Exp1(self, expr):
        return "math.e"

    def _print_Pi(self, expr):
        return "math.pi"

    def _print_Min(self, expr):
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Max(self, expr):
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_BooleanTrue(self, expr):
        return "True"

    def _print_BooleanFalse(self, expr):
        return "False"


_printer = KernelPrinter()


def pycode(expr, names=None):
    """Python text of SymPy ``expr`` (``names``: {symbol: printed name}).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> pycode(x**3 + sp.sqrt(x)), pycode(2 * x, {x: "hq0_1"})
    ('math.sqrt(x) + (x*x*x)', '2.0*hq0_1')
    """
    return (KernelPrinter(names) if names else _printer).doprint(expr)


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
    if isinstance(e, sp.Basic):  # before the numbers: sp.Integer is an Integral
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
