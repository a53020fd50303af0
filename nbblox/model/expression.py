"""One expression of equation text -> SymPy, through an AST whitelist.

:func:`parse_expression` and :func:`check_expression` parse one right-hand
side (or a condition) with :func:`ast.parse` and check every node against a
whitelist -- numbers, names, ``+ - * / **``, unary minus, calls to the
functions in :mod:`nbblox.model.functions`, and comparisons where a condition
is expected -- translating node by node into SymPy.  Nothing is ever passed to
``eval`` or ``sympify``: circuit files and dashboards come from others.

The limits below keep such text from making SymPy or the parser work for
minutes (issue 23): a constant exponent, the size of any number SymPy would
compute exactly, the nesting depth and the length of an expression.  Sums and
products are walked as flat chains, so parsing is linear in the text.

What may be a name (:func:`name_problem`, :data:`MAX_NAME`, re-exported here) is
:mod:`nbblox.model.names`'.
"""
from __future__ import annotations

import ast
import math

from ..exceptions import EquationError
from .functions import ARITY, CONSTANT_NAMES
from .names import MAX_NAME, name_problem, renamed_word

__all__ = ["parse_expression", "parse_ast", "check_expression", "name_problem", "MAX_EXPONENT",
           "MAX_DECADES", "MAX_DEPTH", "MAX_TEXT", "MAX_NAME"]

#: largest constant exponent, in magnitude (``x**1000``)
MAX_EXPONENT = 1000
#: largest number SymPy may compute exactly, in decades (``|log10|``)
MAX_DECADES = 300
#: deepest nesting of one expression
MAX_DEPTH = 100
#: longest equation text of one blox, or one expression, in characters
MAX_TEXT = 200_000
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a ** b}
_CMPOPS = {ast.Lt: "Lt", ast.LtE: "Le", ast.Gt: "Gt", ast.GtE: "Ge"}


class _Names(set):
    """The names an expression uses, plus what the blox type must check about
    its calls: ``tables`` (the arguments of each ``interp()``, as names or
    whole numbers) and ``rand`` (whether it calls ``rand()``).

    ``names`` is the first argument, as for a set: pickle and copy rebuild a set
    subclass as ``cls(list(self))`` and then restore ``tables`` and ``rand``."""

    def __init__(self, names=()):
        super().__init__(names)
        self.tables, self.rand = [], False


class _Translator:
    """Walk a Python AST, refusing anything not whitelisted.

    With ``build=False`` it only checks and collects the names used (no SymPy
    import: a warm compile needs no more); with ``build=True`` it also returns
    the SymPy expression.  Either way every node also gets a bound on the
    size of the numbers SymPy would compute exactly (``10**10**10`` must be
    refused before SymPy spends minutes on it): ``_walk`` returns
    ``(expression or None, decades)`` where ``decades`` bounds ``|log10|``
    of any number the subtree makes.  Sums and products are walked as flat
    chains (a 3000-term sum is one loop, not 3000 nested calls).
    """

    def __init__(self, *, blox, line, col0, text, conditions, build=True, allow_rand=False):
        self.blox, self.line, self.col0, self.text = blox, line, col0, text
        self.conditions = conditions
        self.build, self.allow_rand = build, allow_rand
        self.names = _Names()
        self.depth = 0
        if build:
            import sympy
            from . import symbolic
            self.sp, self.sym = sympy, symbolic

    def fail(self, msg, node=None):
        col = self.col0 + node.col_offset + 1 if node is not None and hasattr(node, "col_offset") else None
        raise EquationError(msg, blox=self.blox, line=self.line, column=col, text=self.text)

    def __call__(self, node, cond_ok=None):
        return self._walk(node, cond_ok)[0]

    def _walk(self, node, cond_ok=None):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"the expression is nested more than {MAX_DEPTH} levels deep", node)
        try:
            expr, decades = self._node(node, self.conditions if cond_ok is None else cond_ok)
        finally:
            self.depth -= 1
        if decades > MAX_DECADES:
            self.fail(f"numbers in this expression grow beyond 10^{MAX_DECADES} "
                      "(e.g. a power of a power of constants); write the value you mean", node)
        return expr, decades

    def _node(self, node, cond_ok):
        b = self.build
        if isinstance(node, ast.Expression):
            return self._walk(node.body, cond_ok)
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.fail(f"only numbers are allowed as constants, not {v!r}", node)
            if v != v:
                self.fail("NaN literal", node)
            if v in (math.inf, -math.inf) or (isinstance(v, int) and v.bit_length() > 1000):
                self.fail(f"this number is too large (at most 1e{MAX_DECADES})", node)
            decades = abs(math.log10(abs(v))) if v else 0.0
            if not b:
                return None, decades
            if isinstance(v, int):
                return self.sp.Integer(v), decades
            return self.sp.Float(repr(v), 17), decades
        if isinstance(node, ast.Name):
            name = node.id
            if name.startswith("_"):
                self.fail(f"names may not start with '_' ({name!r})", node)
            if name in ARITY:
                self.fail(f"'{name}' is a function; call it as {name}(...)", node)
            if name in CONSTANT_NAMES:
                return (self.sym.CONSTANTS[name] if b else None), 1.0
            self.names.add(name)
            return (self.sp.Symbol(name, real=True) if b else None), 0.0
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, (ast.Add, ast.Sub)):
                return self._chain(node, (ast.Add, ast.Sub))
            if isinstance(node.op, (ast.Mult, ast.Div)):
                return self._chain(node, (ast.Mult, ast.Div))
            if isinstance(node.op, ast.Pow):
                return self._pow(node)
            self.fail(f"operator '{type(node.op).__name__}' is not allowed "
                      "(use + - * / **)", node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                v, d = self._walk(node.operand, False)
                return (-v if b else None), d
            if isinstance(node.op, ast.UAdd):
                return self._walk(node.operand, False)
            if isinstance(node.op, ast.Not) and cond_ok:
                v, d = self._walk(node.operand, True)
                return (self.sp.Not(v) if b else None), d
            self.fail(f"unary operator '{type(node.op).__name__}' is not allowed", node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Compare):
            if not cond_ok:
                self.fail("a comparison is only allowed in a condition "
                          "(spike threshold or where(...))", node)
            parts, (left, decades) = [], self._walk(node.left, False)
            for op, comp in zip(node.ops, node.comparators):
                rel = _CMPOPS.get(type(op))
                if rel is None:
                    self.fail("only < <= > >= comparisons are allowed", node)
                right, d = self._walk(comp, False)
                decades = max(decades, d)
                if b:
                    parts.append(getattr(self.sp, rel)(left, right))
                left = right
            if not b:
                return None, decades
            return (parts[0] if len(parts) == 1 else self.sp.And(*parts)), decades
        if isinstance(node, ast.BoolOp) and cond_ok:
            walked = [self._walk(v, True) for v in node.values]
            decades = max(d for _, d in walked)
            if not b:
                return None, decades
            args = [v for v, _ in walked]
            return (self.sp.And(*args) if isinstance(node.op, ast.And) else self.sp.Or(*args)), \
                decades
        kind = {ast.Attribute: "attribute access", ast.Lambda: "lambda",
                ast.Subscript: "indexing", ast.Starred: "starred expressions"}.get(type(node))
        self.fail(f"{kind or type(node).__name__} is not allowed in equations", node)

    def _chain(self, node, ops):
        """A left-nested chain ``a + b - c ...`` (or ``a * b / c ...``) as one
        flat SymPy Add (Mul): linear time, no recursion per term."""
        terms = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ops):
            terms.append((isinstance(node.op, (ast.Sub, ast.Div)), node.right))
            node = node.left
        terms.append((False, node))
        terms.reverse()
        walked = [(inv, *self._walk(t, False)) for inv, t in terms]
        additive = ops[0] is ast.Add
        if additive:
            decades = max(d for _, _, d in walked) + math.log10(len(walked))
        else:
            decades = sum(d for _, _, d in walked)
        if decades > MAX_DECADES:
            self.fail(f"numbers in this expression grow beyond 10^{MAX_DECADES}", node)
        if not self.build:
            return None, decades
        sp = self.sp
        if additive:
            return sp.Add(*[-v if inv else v for inv, v, _ in walked]), decades
        return sp.Mul(*[sp.Pow(v, -1) if inv else v for inv, v, _ in walked]), decades

    def _pow(self, node):
        base, db = self._walk(node.left, False)
        exp, de = self._walk(node.right, False)
        k = _constant(node.right)
        if k is not None and abs(k) > MAX_EXPONENT:
            self.fail(f"the exponent {_short(int(k) if k.is_integer() else k)} is too large "
                      f"(at most {MAX_EXPONENT} in magnitude)", node.right)
        # a constant exponent multiplies the size of the base's numbers (SymPy
        # computes (2*x)**1000 as 2**1000 * x**1000, exactly)
        decades = db * max(1.0, abs(k)) + de if k is not None else db + de
        if decades > MAX_DECADES:
            self.fail(f"numbers in this expression grow beyond 10^{MAX_DECADES} "
                      "(a large power of a constant); write the value you mean", node)
        return (base ** exp if self.build else None), decades

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
        walked = [self._walk(a, fname == "where" and i == 0) for i, a in enumerate(node.args)]
        decades = max((d for _, d in walked), default=0.0)
        if not self.build:
            return None, decades
        return self.sym.FUNCTIONS[fname][0](*[v for v, _ in walked]), decades


def _constant(node):
    """The value of a numeric-only subtree (literals, unary minus, + - * / **),
    as a float (inf when it overflows), or None when it involves a name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return float(node.value) if not isinstance(node.value, int) or \
            node.value.bit_length() < 1000 else math.inf
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _constant(node.operand)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        a, b = _constant(node.left), _constant(node.right)
        if a is None or b is None:
            return None
        try:
            v = _BINOPS[type(node.op)](a, b)
        except ZeroDivisionError:
            return None              # SymPy makes zoo; the built expression is checked
        except OverflowError:
            return math.inf
        return v if isinstance(v, float) else None   # complex: not a real constant
    return None


def _short(v):
    text = repr(v)
    return text if len(text) <= 24 else f"{text[:10]}...({len(text)} digits)"


def parse_ast(src, *, blox, line, col0, text):
    """Python's AST of one expression, or an EquationError naming ``blox``, ``line`` and the
    column (``col0`` + the parser's); the whitelist check is :func:`parse_expression`'s."""
    try:
        return ast.parse(src.strip(), mode="eval")
    except (RecursionError, MemoryError):
        raise EquationError("the expression is too long or nested too deeply for the parser "
                            "(split it into auxiliary lines)", blox=blox, line=line,
                            text=_clip(text)) from None
    except SyntaxError as exc:
        lead = len(src) - len(src.lstrip())
        body = src.strip()
        msg = f"syntax error: {exc.msg}"
        if not exc.offset and body and body[-1] in "+-*/%^(,<>=&|":
            # Python reports an expression cut short at offset 0: point after its last
            # character, where the missing operand belongs
            col = col0 + lead + len(body) + 1
            msg = (f"syntax error: the expression ends with '{body[-1]}'; something is "
                   "missing after it")
        else:
            col = col0 + lead + (exc.offset or 1)
        raise EquationError(msg, blox=blox, line=line, column=col, text=text) from None


def _translate(src, *, blox, line, condition, text, col0, build, allow_rand=False):
    if not isinstance(src, str) or not src.strip():
        raise EquationError("empty expression", blox=blox, line=line, text=text)
    if len(src) > MAX_TEXT:
        raise EquationError(f"the expression is {len(src)} characters long; the limit is "
                            f"{MAX_TEXT}", blox=blox, line=line)
    text = src if text is None else text
    bad = renamed_word(src)
    if bad is not None:
        raise EquationError(bad[1], blox=blox, line=line, column=col0 + bad[0] + 1,
                            text=_clip(text))
    tree = parse_ast(src, blox=blox, line=line, col0=col0, text=text)
    tr = _Translator(blox=blox, line=line, col0=col0 + len(src) - len(src.lstrip()),
                     text=_clip(text), conditions=condition, build=build,
                     allow_rand=allow_rand)
    expr = tr(tree)
    if build and expr.has(tr.sp.zoo, tr.sp.nan, tr.sp.oo, -tr.sp.oo):
        tr.fail("this expression is infinite or undefined for every value (a division by "
                "zero or log(0)?)")
    if build and (expr.has(tr.sp.I) or any(
            e.is_Pow and e.is_number and e.is_extended_real is False
            for e in tr.sp.preorder_traversal(expr))):
        tr.fail("this expression has a complex value (a square root or fractional power of "
                "a negative constant?)")
    return expr, tr.names


def _clip(text, n=200):
    """An equation line for an error message: long lines cut (a message quotes it)."""
    return text if text is None or len(text) <= n else text[:n] + f"... ({len(text)} characters)"


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
