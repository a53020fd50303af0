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
from ..exceptions import EquationError
from .functions import ARITY, CONSTANT_NAMES

__all__ = ["Equations", "parse_equations", "parse_expression", "parse_assignments",
           "check_expression", "check_assignments", "RESERVED"]

#: names with a fixed meaning in every blox: time, white noise, constants
RESERVED = {"t", "xi"} | set(CONSTANT_NAMES)

_DERIV = re.compile(r"^\s*d\s*([A-Za-z][A-Za-z0-9_]*)\s*/\s*dt\s*=(.*)$")
_ASSIGN = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*(\+=|-=|=)(?!=)(.*)$")
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a ** b}
_CMPOPS = {ast.Lt: "Lt", ast.LtE: "Le", ast.Gt: "Gt", ast.GtE: "Ge"}


class Equations:
    """Parsed equation text of one blox.

    The text is checked (whitelist, names, order) when parsed; the SymPy
    expressions are built on first access of :attr:`rhs` or :attr:`aux`, so a
    warm compile that reuses cached kernels never imports SymPy.

    Attributes
    ----------
    states : tuple of str
        State variables, in the order of their ``d/dt`` lines.
    aux_names : tuple of str
        Auxiliary names, in definition order.
    rhs : dict
        State name -> SymPy right-hand side (auxiliaries not substituted).
    aux : dict
        Auxiliary name -> SymPy expression, in definition order.
    lines : dict
        Symbol defined -> 1-based line number in ``text`` (for messages).
    names : dict
        Symbol defined -> set of names its expression uses.
    text : str
        The original text, kept so it can travel in JSON and be re-parsed.
    used : frozenset
        Every name used on a right-hand side.
    """

    def __init__(self, states, aux_names, lines, names, text, used, sources, blox=None):
        self.states, self.aux_names, self.lines = states, aux_names, lines
        self.names, self.text, self.used = names, text, used
        self._sources, self._blox, self._sympy = sources, blox, None

    def _build(self):
        if self._sympy is None:
            built = {name: parse_expression(src, blox=self._blox, line=no, text=line, col0=col0)
                     for name, (src, no, line, col0) in self._sources.items()}
            self._sympy = ({s: built[s] for s in self.states},
                           {a: built[a] for a in self.aux_names})
        return self._sympy

    @property
    def rhs(self):
        return self._build()[0]

    @property
    def aux(self):
        return self._build()[1]

    def substituted(self):
        """Right-hand sides with every auxiliary expression substituted."""
        import sympy as sp
        subs = {}
        for name, expr in self.aux.items():
            subs[sp.Symbol(name, real=True)] = expr.xreplace(subs)
        return {s: e.xreplace(subs) for s, e in self.rhs.items()}


class _Names(set):
    """The names an expression uses, plus what the blox type must check about
    its calls: ``tables`` (the arguments of each ``interp()``, as names or
    whole numbers) and ``rand`` (whether it calls ``rand()``)."""

    def __init__(self):
        super().__init__()
        self.tables, self.rand = [], False


class _Translator:
    """Walk a Python AST, refusing anything not whitelisted.

    With ``build=False`` it only checks and collects the names used (no SymPy
    import: a warm compile needs no more); with ``build=True`` it also returns
    the SymPy expression.
    """

    def __init__(self, *, blox, line, col0, text, conditions, build=True, allow_rand=False):
        self.blox, self.line, self.col0, self.text = blox, line, col0, text
        self.conditions = conditions
        self.build, self.allow_rand = build, allow_rand
        self.names = _Names()
        if build:
            import sympy
            from . import symbolic
            self.sp, self.sym = sympy, symbolic

    def fail(self, msg, node=None):
        col = self.col0 + node.col_offset + 1 if node is not None and hasattr(node, "col_offset") else None
        raise EquationError(msg, blox=self.blox, line=self.line, column=col, text=self.text)

    def __call__(self, node, cond_ok=None):
        cond_ok = self.conditions if cond_ok is None else cond_ok
        b = self.build
        if isinstance(node, ast.Expression):
            return self(node.body, cond_ok)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                self.fail(f"only numbers are allowed as constants, not {node.value!r}", node)
            if node.value != node.value:
                self.fail("NaN literal", node)
            if not b:
                return None
            if isinstance(node.value, int):
                return self.sp.Integer(node.value)
            return self.sp.Float(repr(node.value), 17)
        if isinstance(node, ast.Name):
            name = node.id
            if name.startswith("_"):
                self.fail(f"names may not start with '_' ({name!r})", node)
            if name in ARITY:
                self.fail(f"'{name}' is a function; call it as {name}(...)", node)
            if name in CONSTANT_NAMES:
                return self.sym.CONSTANTS[name] if b else None
            self.names.add(name)
            return self.sp.Symbol(name, real=True) if b else None
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                self.fail(f"operator '{type(node.op).__name__}' is not allowed "
                          "(use + - * / **)", node)
            left, right = self(node.left, False), self(node.right, False)
            return op(left, right) if b else None
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                v = self(node.operand, False)
                return -v if b else None
            if isinstance(node.op, ast.UAdd):
                return self(node.operand, False)
            if isinstance(node.op, ast.Not) and cond_ok:
                v = self(node.operand, True)
                return self.sp.Not(v) if b else None
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
                if b:
                    parts.append(getattr(self.sp, rel)(left, right))
                left = right
            if not b:
                return None
            return parts[0] if len(parts) == 1 else self.sp.And(*parts)
        if isinstance(node, ast.BoolOp) and cond_ok:
            args = [self(v, True) for v in node.values]
            if not b:
                return None
            return self.sp.And(*args) if isinstance(node.op, ast.And) else self.sp.Or(*args)
        kind = {ast.Attribute: "attribute access", ast.Lambda: "lambda",
                ast.Subscript: "indexing", ast.Starred: "starred expressions"}.get(type(node))
        self.fail(f"{kind or type(node).__name__} is not allowed in equations", node)

    def _call(self, node):
        if not isinstance(node.func, ast.Name):
            self.fail("only plain function calls like exp(x) are allowed", node)
        fname = node.func.id
        if fname not in ARITY:
            self.fail(f"unknown function '{fname}'; allowed: {', '.join(sorted(ARITY))}", node)
        if node.keywords:
            self.fail(f"{fname}() takes no keyword arguments", node)
        nargs = ARITY[fname]
        n = len(node.args)
        if (nargs is None and n < 2) or (nargs is not None and n != nargs):
            want = "at least 2" if nargs is None else str(nargs)
            self.fail(f"{fname}() takes {want} argument(s), got {n}", node)
        if fname == "rand":
            if not self.allow_rand:
                self.fail("rand() is only allowed in a spike condition (e.g. 'rand() < "
                          "rate*dt/1000'); for noise in an equation use '+ sigma*xi'", node)
            self.names.rand = True
        if fname == "interp":
            self.names.tables.append(tuple(
                a.id if isinstance(a, ast.Name) else
                a.value if isinstance(a, ast.Constant) and type(a.value) is int else None
                for a in node.args))
        args = [self(a, fname == "where" and i == 0) for i, a in enumerate(node.args)]
        return self.sym.FUNCTIONS[fname][0](*args) if self.build else None


def _parse_ast(src, *, blox, line, col0, text):
    try:
        return ast.parse(src.strip(), mode="eval")
    except SyntaxError as exc:
        lead = len(src) - len(src.lstrip())
        col = col0 + lead + (exc.offset or 1)
        raise EquationError(f"syntax error: {exc.msg}", blox=blox, line=line,
                            column=col, text=text) from None


def _translate(src, *, blox, line, condition, text, col0, build, allow_rand=False):
    if not isinstance(src, str) or not src.strip():
        raise EquationError("empty expression", blox=blox, line=line, text=text)
    text = src if text is None else text
    tree = _parse_ast(src, blox=blox, line=line, col0=col0, text=text)
    tr = _Translator(blox=blox, line=line, col0=col0 + len(src) - len(src.lstrip()),
                     text=text, conditions=condition, build=build, allow_rand=allow_rand)
    return tr(tree), tr.names


def parse_expression(src, *, blox=None, line=None, condition=False, text=None, col0=0,
                     allow_rand=False):
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
    return _translate(src, blox=blox, line=line, condition=condition, text=text, col0=col0,
                      build=True, allow_rand=allow_rand)[0]


def check_expression(src, *, blox=None, line=None, condition=False, text=None, col0=0,
                     allow_rand=False):
    """Check one expression against the whitelist without building SymPy;
    return the set of names it uses (``rand()`` only with ``allow_rand``, for
    spike conditions; the set's ``tables`` lists each ``interp()`` call).

    Examples
    --------
    >>> sorted(check_expression("V - V**3/3 - w + I*exp(-t/tau) + pi"))
    ['I', 'V', 't', 'tau', 'w']
    """
    return _translate(src, blox=blox, line=line, condition=condition, text=text, col0=col0,
                      build=False, allow_rand=allow_rand)[1]


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
    states, aux, lines, names, sources = [], [], {}, {}, {}
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
        if name in RESERVED or name in ARITY or name.startswith("_"):
            raise EquationError(f"'{name}' is a reserved name and cannot be defined",
                                blox=blox, line=no, text=line)
        names[name] = check_expression(src, blox=blox, line=no, text=line, col0=col0)
        sources[name] = (src, no, line, col0)
        lines[name] = no
        (states if _DERIV.match(line) else aux).append(name)
    if not states and not allow_stateless:
        raise EquationError("no differential equation found: write at least one "
                            "'dX/dt = ...' line", blox=blox)
    # an auxiliary may only use auxiliaries defined above it
    for i, name in enumerate(aux):
        bad = sorted(names[name] & set(aux[i:]))
        if bad:
            raise EquationError(f"'{name}' uses {', '.join(bad)} before it is defined",
                                blox=blox, line=lines[name])
    used = frozenset().union(*names.values())
    return Equations(tuple(states), tuple(aux), lines, names, text, used, sources, blox)


def check_assignments(text, *, blox=None):
    """Check reset statements like ``V = c; u += d`` without building SymPy.

    Returns a list of (target, operator, expression text, names used), in order.

    Examples
    --------
    >>> [(t, op, sorted(n)) for t, op, _, n in check_assignments("V = c; u += d")]
    [('V', '=', ['c']), ('u', '+=', ['d'])]
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
        used = check_expression(src, blox=blox, line=no, text=line, col0=m.start(3))
        out.append((name, op, (src, no, line, m.start(3)), used))
    return out


def parse_assignments(text, *, blox=None):
    """Parse reset statements like ``V = c; u = u + d`` (or ``u += d``).

    Returns a list of (target, SymPy expression) applied in order.

    Examples
    --------
    >>> parse_assignments("V = c; u += d")
    [('V', c), ('u', d + u)]
    """
    import sympy as sp
    out = []
    for name, op, (src, no, line, col0), _ in check_assignments(text, blox=blox):
        expr = parse_expression(src, blox=blox, line=no, text=line, col0=col0)
        if op == "+=":
            expr = sp.Symbol(name, real=True) + expr
        elif op == "-=":
            expr = sp.Symbol(name, real=True) - expr
        out.append((name, expr))
    return out
