"""Parse equation text into SymPy, through an AST whitelist.

This module owns the equation language (see DESIGN.md)::

    # comment
    alpha_m = 0.1*(V + 40)/(1 - exp(-(V + 40)/10))   # auxiliary expression
    dV/dt = (I - g_Na*m**3*h*(V - E_Na)) / C          # one line per state

Text is parsed with :func:`ast.parse` and every node is checked against a
whitelist (numbers, names, ``+ - * / **``, unary minus, calls to the
functions in :mod:`nbblox.model.functions`, and comparisons where a condition
is expected) and translated node by node into SymPy.  Nothing is ever passed
to ``eval`` or ``sympify``: circuit files and dashboards come from others.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import sympy as sp

from ..exceptions import EquationError
from .functions import CONSTANTS, FUNCTIONS

__all__ = ["Equations", "parse_equations", "parse_expression", "parse_assignments",
           "RESERVED"]

#: names with a fixed meaning in every blox: time, white noise, constants
RESERVED = {"t", "xi"} | set(CONSTANTS)

_DERIV = re.compile(r"^\s*d\s*([A-Za-z][A-Za-z0-9_]*)\s*/\s*dt\s*=(.*)$")
_ASSIGN = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*(\+=|-=|=)(?!=)(.*)$")
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a ** b}
_CMPOPS = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}


@dataclass(frozen=True)
class Equations:
    """Parsed equation text of one blox.

    Attributes
    ----------
    states : tuple of str
        State variables, in the order of their ``d/dt`` lines.
    rhs : dict
        State name -> SymPy right-hand side (auxiliaries not substituted).
    aux : dict
        Auxiliary name -> SymPy expression, in definition order.
    lines : dict
        Symbol defined -> 1-based line number in ``text`` (for messages).
    text : str
        The original text, kept so it can travel in JSON and be re-parsed.
    """

    states: tuple
    rhs: dict
    aux: dict
    lines: dict
    text: str
    used: frozenset = field(default=frozenset())

    def substituted(self):
        """Right-hand sides with every auxiliary expression substituted."""
        subs = {}
        for name, expr in self.aux.items():
            subs[sp.Symbol(name, real=True)] = expr.xreplace(subs)
        return {s: e.xreplace(subs) for s, e in self.rhs.items()}


class _Translator:
    """Walk a Python AST and build SymPy, refusing anything not whitelisted."""

    def __init__(self, *, blox, line, col0, text, conditions):
        self.blox, self.line, self.col0, self.text = blox, line, col0, text
        self.conditions = conditions

    def fail(self, msg, node=None):
        col = self.col0 + node.col_offset + 1 if node is not None and hasattr(node, "col_offset") else None
        raise EquationError(msg, blox=self.blox, line=self.line, column=col, text=self.text)

    def __call__(self, node, cond_ok=None):
        cond_ok = self.conditions if cond_ok is None else cond_ok
        if isinstance(node, ast.Expression):
            return self(node.body, cond_ok)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                self.fail(f"only numbers are allowed as constants, not {node.value!r}", node)
            if isinstance(node.value, int):
                return sp.Integer(node.value)
            return sp.Float(repr(node.value), 17) if node.value == node.value else self.fail("NaN literal", node)
        if isinstance(node, ast.Name):
            name = node.id
            if name.startswith("_"):
                self.fail(f"names may not start with '_' ({name!r})", node)
            if name in FUNCTIONS:
                self.fail(f"'{name}' is a function; call it as {name}(...)", node)
            if name in CONSTANTS:
                return CONSTANTS[name]
            return sp.Symbol(name, real=True)
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                self.fail(f"operator '{type(node.op).__name__}' is not allowed "
                          "(use + - * / **)", node)
            return op(self(node.left, False), self(node.right, False))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self(node.operand, False)
            if isinstance(node.op, ast.UAdd):
                return self(node.operand, False)
            if isinstance(node.op, ast.Not) and cond_ok:
                return sp.Not(self(node.operand, True))
            self.fail(f"unary operator '{type(node.op).__name__}' is not allowed", node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Compare):
            if not cond_ok:
                self.fail("a comparison is only allowed in a condition "
                          "(spike threshold or where(...))", node)
            parts, left = [], self(node.left, False)
            for op, comp in zip(node.ops, node.comparators):
                rel = _CMPOPS.get(type(op))
                if rel is None:
                    self.fail("only < <= > >= comparisons are allowed", node)
                right = self(comp, False)
                parts.append(rel(left, right))
                left = right
            return parts[0] if len(parts) == 1 else sp.And(*parts)
        if isinstance(node, ast.BoolOp) and cond_ok:
            args = [self(v, True) for v in node.values]
            return sp.And(*args) if isinstance(node.op, ast.And) else sp.Or(*args)
        kind = {ast.Attribute: "attribute access", ast.Lambda: "lambda",
                ast.Subscript: "indexing", ast.Starred: "starred expressions"}.get(type(node))
        self.fail(f"{kind or type(node).__name__} is not allowed in equations", node)

    def _call(self, node):
        if not isinstance(node.func, ast.Name):
            self.fail("only plain function calls like exp(x) are allowed", node)
        fname = node.func.id
        if fname not in FUNCTIONS:
            self.fail(f"unknown function '{fname}'; allowed: {', '.join(sorted(FUNCTIONS))}", node)
        if node.keywords:
            self.fail(f"{fname}() takes no keyword arguments", node)
        builder, nargs = FUNCTIONS[fname]
        n = len(node.args)
        if (nargs is None and n < 2) or (nargs is not None and n != nargs):
            want = "at least 2" if nargs is None else str(nargs)
            self.fail(f"{fname}() takes {want} argument(s), got {n}", node)
        args = [self(a, fname == "where" and i == 0) for i, a in enumerate(node.args)]
        return builder(*args)


def _parse_ast(src, *, blox, line, col0, text):
    try:
        return ast.parse(src.strip(), mode="eval")
    except SyntaxError as exc:
        lead = len(src) - len(src.lstrip())
        col = col0 + lead + (exc.offset or 1)
        raise EquationError(f"syntax error: {exc.msg}", blox=blox, line=line,
                            column=col, text=text) from None


def parse_expression(src, *, blox=None, line=None, condition=False, text=None, col0=0):
    """Parse one expression (or condition) into SymPy through the whitelist.

    Examples
    --------
    >>> e = parse_expression("V - V**3/3 - w + I")
    >>> sorted(str(s) for s in e.free_symbols)
    ['I', 'V', 'w']
    >>> float(e.subs({s: 1 if str(s) == "V" else 0 for s in e.free_symbols}))  # V=1, w=I=0
    0.6666666666666666
    >>> parse_expression("V > 30", condition=True)
    V > 30
    """
    if not isinstance(src, str) or not src.strip():
        raise EquationError("empty expression", blox=blox, line=line, text=text)
    text = src if text is None else text
    tree = _parse_ast(src, blox=blox, line=line, col0=col0, text=text)
    tr = _Translator(blox=blox, line=line, col0=col0 + len(src) - len(src.lstrip()),
                     text=text, conditions=condition)
    return tr(tree)


def _logical_lines(text):
    """Yield (line_no, line) with comments removed; parentheses may span lines."""
    buf, start, depth = "", None, 0
    for no, raw in enumerate(text.splitlines(), 1):
        code = raw.split("#", 1)[0].rstrip()
        if not code.strip() and depth == 0:
            continue
        if start is None:
            start = no
        buf = (buf + " " + code.strip()) if buf else code
        depth += code.count("(") - code.count(")")
        if depth <= 0:
            yield start, buf
            buf, start, depth = "", None, 0
    if buf:
        yield start, buf


def parse_equations(text, *, blox=None, allow_stateless=False):
    """Parse a block of equation text into :class:`Equations`.

    Examples
    --------
    >>> eq = parse_equations('''
    ...     dV/dt = V - V**3/3 - w + I
    ...     dw/dt = eps*(V + a - b*w)
    ... ''')
    >>> eq.states
    ('V', 'w')
    """
    if not isinstance(text, str):
        raise EquationError(f"equations must be text, not {type(text).__name__}", blox=blox)
    states, rhs, aux, lines = [], {}, {}, {}
    for no, line in _logical_lines(text):
        m = _DERIV.match(line)
        if m:
            name, src = m.group(1), m.group(2)
            col0 = m.start(2)
        else:
            m = _ASSIGN.match(line)
            if not m or m.group(2) != "=":
                hint = " (write 'dX/dt = ...' or 'name = ...')"
                raise EquationError("cannot read this line" + hint, blox=blox, line=no, text=line)
            name, src, col0 = m.group(1), m.group(3), m.start(3)
        if name in lines:
            raise EquationError(f"'{name}' is defined twice (first on line {lines[name]})",
                                blox=blox, line=no, text=line)
        if name in RESERVED or name in FUNCTIONS or name.startswith("_"):
            raise EquationError(f"'{name}' is a reserved name and cannot be defined",
                                blox=blox, line=no, text=line)
        expr = parse_expression(src, blox=blox, line=no, text=line, col0=col0)
        lines[name] = no
        if _DERIV.match(line):
            states.append(name)
            rhs[name] = expr
        else:
            aux[name] = expr
    if not states and not allow_stateless:
        raise EquationError("no differential equation found: write at least one "
                            "'dX/dt = ...' line", blox=blox)
    # an auxiliary may only use auxiliaries defined above it
    for i, (name, expr) in enumerate(aux.items()):
        later = set(list(aux)[i:])
        bad = sorted(str(s) for s in expr.free_symbols if str(s) in later)
        if bad:
            raise EquationError(f"'{name}' uses {', '.join(bad)} before it is defined",
                                blox=blox, line=lines[name])
    used = set()
    for e in list(rhs.values()) + list(aux.values()):
        used |= {str(s) for s in e.free_symbols}
    return Equations(tuple(states), rhs, aux, lines, text, frozenset(used))


def parse_assignments(text, *, blox=None):
    """Parse reset statements like ``V = c; u = u + d`` (or ``u += d``).

    Returns a list of (target, SymPy expression) applied in order.

    Examples
    --------
    >>> parse_assignments("V = c; u += d")
    [('V', c), ('u', d + u)]
    """
    out = []
    for no, line in enumerate(re.split(r"[;\n]", text or ""), 1):
        line = line.split("#", 1)[0]
        if not line.strip():
            continue
        m = _ASSIGN.match(line)
        if not m:
            raise EquationError("a reset must be 'X = expr' or 'X += expr'",
                                blox=blox, line=no, text=line)
        name, op, src = m.groups()
        expr = parse_expression(src, blox=blox, line=no, text=line, col0=m.start(3))
        if op == "+=":
            expr = sp.Symbol(name, real=True) + expr
        elif op == "-=":
            expr = sp.Symbol(name, real=True) - expr
        out.append((name, expr))
    return out
