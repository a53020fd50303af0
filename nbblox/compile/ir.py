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

A variant of a kernel module is a pass over its statements, never an edit of
its text: a generator marks a place where a variant differs as a
:class:`Site` (printed as its body), and :func:`rewrite` builds the variant's
tree -- fast-math products (:mod:`~nbblox.compile.fastmath`), the streaming
sweep's folds (:mod:`~nbblox.compile.stream`), the lockstep blocks' finite
check (:func:`nbblox.compile.codegen.or_check`).

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

from dataclasses import dataclass, field, replace
from numbers import Integral, Real

import sys

__all__ = ["pycode", "code", "render", "Off", "Item", "Math", "Assign",
           "Load", "Temp", "Expr", "For", "If", "Return", "Break", "Pass", "Blank",
           "Verbatim", "Func", "Site", "DECORATOR", "block", "render_lines", "rewrite",
           "sites", "DENSE_PRODUCT", "COUPLING_SUMS", "EDGE_PLAN", "RECORD_START", "FINITE_CHECK",
           "RECORD", "STEPPED"]

#: decorator of every generated kernel (the fast-math pass replaces it)
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
    """``for var in range(*bounds):`` (``note``: a trailing comment;
    ``range``: the range function, e.g. ``numba.prange``)."""

    var: str
    bounds: tuple
    body: list
    note: str = ""
    range: str = "range"

    def lines(self, pad):
        head = (f"{pad}for {self.var} in {self.range}"
                f"({', '.join(code(b) for b in self.bounds)}):")
        return [head + (f"  # {self.note}" if self.note else "")] + block(self.body, pad)


@dataclass
class If:
    """``if c0: ... elif c1: ... else: ...`` from ``[(c0, body0), (c1, body1)]``
    (``note``: a trailing comment on the ``if`` line)."""

    branches: list
    orelse: list = None
    note: str = ""

    def lines(self, pad):
        L = []
        for k, (cond, body) in enumerate(self.branches):
            L.append(f"{pad}{'elif' if k else 'if'} {code(cond)}:"
                     + (f"  # {self.note}" if self.note and not k else ""))
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


@dataclass
class Site:
    """A named place where a variant of the kernel may hold other statements:
    printed as its ``body`` (at the same depth, so a Site changes no text);
    ``data`` holds what a variant needs to build its own statements there
    (array names, return values).  Passes find sites with :func:`sites` and
    replace them with :func:`rewrite`.

    Examples
    --------
    >>> s = Site("sum", [Assign("u[a]", "acc")], {"W": "WD"})
    >>> print(render([For("a", (3,), [s])]))
    for a in range(3):
        u[a] = acc
    >>> new = rewrite([For("a", (3,), [s])],
    ...               lambda st: [Pass()] if isinstance(st, Site) else None)
    >>> print(render(new))
    for a in range(3):
        pass
    """

    name: str
    body: list
    data: dict = field(default_factory=dict)

    def lines(self, pad):
        return [ln for st in self.body for ln in st.lines(pad)]


# The sites the generators mark (a variant's pass finds them by these names):
#: the dense coupling window's product ``u[a0:] = W @ o[b0:]``
#: (:func:`nbblox.compile.emit.sum_lines`; data: ``W``, ``a0``, ``b0``)
DENSE_PRODUCT = "dense_product"
#: the per-stage input sums of a planned loop, both branches (dense window or
#: CSR, chosen at run time by the plan's mode); data ``csr``: the CSR branch
#: alone, a kernel text for any edge list (:func:`nbblox.compile.emit.csr_only`)
COUPLING_SUMS = "coupling_sums"
#: the coupling plan a planned loop computes at entry (``edge_plan``); data
#: ``csr``: the CSR arrays alone (``csr_plan``), for the text with the CSR branch only
EDGE_PLAN = "edge_plan"
#: in ``run_<m>`` (:mod:`nbblox.compile.codegen`): the first sample's recording,
#: each step's finite check and each ``stride``-th step's recording
RECORD_START, FINITE_CHECK, RECORD = "record_start", "finite_check", "record"
#: the end of a fused loop's instance body (:mod:`nbblox.compile.codegen`, ``fuse``), after
#: it stored the new states (empty); data ``group``, ``n`` (instances), ``x`` (each
#: state's first slot) and ``old`` (the name holding each state's value before the step)
STEPPED = "stepped"

#: the statement lists a compound node holds, by field name
_CHILDREN = {For: ("body",), Func: ("body",), Site: ("body",), If: ("orelse",)}


def rewrite(stmts, fn):
    """A new statement list: each statement ``st`` replaced by ``fn(st)`` (a
    list of statements, used as they are) or, when ``fn`` gives None, kept
    with its nested statements rewritten the same way.  The input tree is
    not changed (nodes are copied where something below them changed)."""
    out = []
    for st in stmts:
        new = fn(st)
        if new is not None:
            out += new
            continue
        kids = {f: rewrite(getattr(st, f), fn) for f in _CHILDREN.get(type(st), ())
                if getattr(st, f) is not None}
        if isinstance(st, If):
            kids["branches"] = [(c, rewrite(b, fn)) for c, b in st.branches]
        out.append(replace(st, **kids) if kids else st)
    return out


def sites(stmts, name):
    """Every :class:`Site` called ``name`` in ``stmts`` (depth first)."""
    found = []

    def look(st):
        if isinstance(st, Site) and st.name == name:
            found.append(st)
        return None
    rewrite(stmts, look)
    return found


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
