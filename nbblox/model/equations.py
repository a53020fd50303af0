"""Parse equation text into SymPy, through an AST whitelist.

This module owns the equation language (see DESIGN.md)::

    # comment
    alpha_m = 0.1*(V + 40)/(1 - exp(-(V + 40)/10))   # auxiliary expression
    dV/dt = (I - g_Na*m**3*h*(V - E_Na)) / C          # one line per state

Lines are split here; each right-hand side goes through the AST whitelist of
:mod:`nbblox.model.expression` (nothing is ever passed to ``eval`` or
``sympify``: circuit files and dashboards come from others), with the size
limits that keep hostile text from freezing a server.
"""
from __future__ import annotations

import re

from ..exceptions import EquationError
from .expression import MAX_TEXT, check_expression, parse_expression
from .names import name_problem
from .functions import ARITY, CONSTANT_NAMES

__all__ = ["Equations", "parse_equations", "parse_expression", "parse_assignments",
           "check_expression", "check_assignments", "RESERVED"]

#: names with a fixed meaning in every blox: time, white noise, constants
RESERVED = {"t", "xi"} | set(CONSTANT_NAMES)

# names are Unicode identifiers (letters, digits, '_'); name_problem() says which are refused
_DERIV = re.compile(r"^\s*d\s*([^\W\d]\w*)\s*/\s*dt\s*=(.*)$")
# Brian2's flag: the state stops integrating while its neuron is refractory
_UNLESS = re.compile(r"\s*:?\s*\(\s*unless\s+refractory\s*\)\s*$")
_ASSIGN = re.compile(r"^\s*([^\W\d]\w*)\s*(\+=|-=|=)(?!=)(.*)$")


class Equations:
    """Parsed equation text of one blox.

    The text is checked (whitelist, names, order) when parsed; the SymPy
    expressions are built on first access of :attr:`rhs` or :attr:`aux`, so a
    warm compile that reuses cached kernels never imports SymPy.

    Attributes
    ----------
    states : tuple of str
        State variables, in the order of their ``d/dt`` lines.
    unless_refractory : frozenset of str
        States whose line ends with Brian2's flag ``(unless refractory)``
        (optionally after ``:``): they stop integrating while refractory.
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

    def __init__(self, states, aux_names, lines, names, text, used, sources, blox=None,
                 unless_refractory=frozenset()):
        self.unless_refractory = frozenset(unless_refractory)
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
    if len(text) > MAX_TEXT:
        raise EquationError(f"the equation text is {len(text)} characters long; the limit "
                            f"is {MAX_TEXT}", blox=blox)
    states, aux, lines, names, sources = [], [], {}, {}, {}
    marked = set()
    for no, line in _logical_lines(text):
        m = _DERIV.match(line)
        flag = _UNLESS.search(line)
        if flag and not m:
            raise EquationError("'(unless refractory)' marks a differential equation "
                                "('dX/dt = ... (unless refractory)')", blox=blox, line=no,
                                text=line)
        if m:
            name, src = m.group(1), m.group(2)
            col0 = m.start(2)
            if flag:
                src = src[:flag.start() - m.start(2)]
                marked.add(name)
        else:
            m = _ASSIGN.match(line)
            if not m or m.group(2) != "=":
                hint = " (write 'dX/dt = ...' or 'name = ...')"
                raise EquationError("cannot read this line" + hint, blox=blox, line=no, text=line)
            name, src, col0 = m.group(1), m.group(3), m.start(3)
        why = name_problem(name)
        if why:
            raise EquationError(f"'{name}': {why}", blox=blox, line=no, text=line)
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
    # (one position lookup per name used: linear in the text, not quadratic)
    position = {name: i for i, name in enumerate(aux)}
    for i, name in enumerate(aux):
        bad = sorted(n for n in names[name] if position.get(n, -1) >= i)
        if bad:
            raise EquationError(f"'{name}' uses {', '.join(bad)} before it is defined",
                                blox=blox, line=lines[name])
    used = frozenset().union(*names.values())
    return Equations(tuple(states), tuple(aux), lines, names, text, used, sources, blox,
                     marked)


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
