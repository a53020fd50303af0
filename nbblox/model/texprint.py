"""LaTeX of equations as people read them (issue 16: what lessons showed).

SymPy's own printer shows nbblox's internals and its normal forms as they are;
this one prints the same expressions the way a textbook writes them:

* ``exprel(x)`` (nbblox's ``(e^x - 1)/x`` without the 0/0 at ``x = 0``) is
  shown as that quotient, with the signs of the textbook: Hodgkin--Huxley's
  ``1/exprel(-(V + 40)/10)`` reads ``(V + 40) / (10 (1 - e^{-(V + 40)/10}))``.
  ``exprel1`` and ``expreln`` (its derivatives, in Jacobians) likewise;
* an exponent ``-V/10 - 4`` is shown factored, ``-(V + 40)/10``, with a slash;
* ``sqrt(2)*sqrt(1/tau)`` (SymPy's form of ``sqrt(2/tau)`` for a real ``tau``)
  is shown as one root, ``\\sqrt{2/\\tau}`` (a slash: the MathML of KaTeX did not
  stretch a root over a fraction), and a lone ``sqrt(1/tau)`` as
  ``1/\\sqrt{\\tau}``;
* white noise ``xi`` is ``\\xi(t)``, last in its product and its terms last
  in a sum (the Ornstein--Uhlenbeck drift, then its noise);
* a dotted name (``E.A``, ``col2.E.tau``: a state or parameter of a blox in a
  circuit) is one symbol: the path upright, then the name as a blox's own
  equations print it (``\\mathrm{col2{.}E}{.}\\tau``).  MathJax set a bare ``.``
  between letters as punctuation, "E. A"; in braces, ``{.}``, it is an
  ordinary symbol (KaTeX and MathJax alike); factors of a product with such
  names are set apart by a centred dot.

Only printing changes: expressions, kernels and analysis keep ``exprel``.  Roots
are merged and ``sqrt(1/tau)`` is shown as ``1/sqrt(tau)`` as for positive
radicands (time constants, variances), which is what model parameters under a
root are.
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

from .symbolic import exprel, exprel1

__all__ = ["latex", "symbol_latex", "display_latex", "display_form", "factored"]

_HALF = sp.Rational(1, 2)


def latex(expr):
    """LaTeX of a SymPy expression (or matrix) as a textbook writes it.

    Examples
    --------
    >>> import sympy as sp
    >>> from nbblox.model.symbolic import exprel
    >>> V, tau, sigma, xi = sp.symbols("V tau sigma xi", real=True)
    >>> print(latex(1 / exprel(-(V + 40) / 10)))
    \\frac{V + 40}{10 \\left(1 - e^{- (V + 40)/10}\\right)}
    >>> print(latex(sigma * sp.sqrt(2 / tau) * xi))
    \\sigma \\sqrt{2 / \\tau}\\, \\xi(t)
    >>> print(latex(sp.Symbol("col2.E.tau") / tau))
    \\frac{{\\mathrm{col2{.}E}{.}\\tau}}{\\tau}
    """
    return _Printer().doprint(_display_form(expr))


def symbol_latex(name):
    """LaTeX of a name (a state, parameter or ``path.name``) as :func:`latex` prints it.

    Examples
    --------
    >>> symbol_latex("alpha_m"), symbol_latex("E.A"), symbol_latex("E.I_syn")
    ('\\\\alpha_{m}', '{\\\\mathrm{E}{.}A}', '{\\\\mathrm{E}{.}I_{syn}}')
    """
    return _Printer().doprint(sp.Symbol(name))


def display_latex(obj):
    """What a notebook shows for a SymPy object (``$\\displaystyle ...$``, like
    SymPy's ``_repr_latex_``) printed by :func:`latex`; nbblox registers it with
    IPython and served lessons use it.

    Examples
    --------
    >>> import sympy as sp
    >>> display_latex(sp.Symbol("E.A"))
    '$\\\\displaystyle {\\\\mathrm{E}{.}A}$'
    """
    return f"$\\displaystyle {latex(obj)}$"


# -- exprel and its derivatives, as the quotients they stand for -----------------------
def _exprel_display(x):
    """``(e^x - 1)/x``, written ``(1 - e^{-u})/u`` when ``x = -u`` reads negative (the
    textbook's signs); the numerator's factor kept out of the Add (``10/(V + 40)``).
    The parts are evaluated SymPy: equal to ``exprel(x)`` (tests evaluate both)."""
    if x.could_extract_minus_sign():
        top, u = 1 - sp.exp(x), -x
    else:
        top, u = sp.exp(x) - 1, x
    coeff, rest = _primitive(u)
    # one Mul of three factors: SymPy distributes a number over a sum only in a Mul of two
    return sp.Mul(1 / coeff, top, sp.Pow(rest, -1))


def _exprel1_display(x):
    return (x * sp.exp(x) - sp.exp(x) + 1) / x**2


def _primitive(e):
    """``e = coeff * rest`` with the rational content of an Add taken out."""
    if e.is_Add:
        coeff, rest = e.primitive()
        if coeff != 1:
            return coeff, rest
    return sp.Integer(1), e


def display_form(expr):
    """``expr`` with ``exprel`` and ``exprel1`` replaced by the quotients they stand
    for, as :func:`latex` shows them (also used by the MathML of an exported page).

    Examples
    --------
    >>> import sympy as sp
    >>> from nbblox.model.symbolic import exprel
    >>> V = sp.Symbol("V", real=True)
    >>> display_form(1 / exprel(-(V + 40) / 10))
    (V + 40)/(10*(1 - exp(-V/10 - 4)))
    """
    return _display_form(expr)


def factored(e):
    """``(negative, coeff, rest)`` with ``e = ±coeff * rest`` when an exponent ``e`` is
    better read factored, with a slash (``-V/10 - 4`` as ``-(V + 40)/10``: ``coeff``
    the Rational 1/10); None when nothing is gained.

    Examples
    --------
    >>> import sympy as sp
    >>> V = sp.Symbol("V")
    >>> factored(-V / 10 - 4)
    (True, 1/10, V + 40)
    >>> factored(V + 1) is None
    True
    """
    if not getattr(e, "is_Add", False):
        return None
    negative = bool(e.could_extract_minus_sign())
    coeff, rest = _primitive(-e if negative else e)
    if coeff.q == 1:             # no common denominator to show
        return None
    return negative, coeff, rest


def _display_form(expr):
    if not hasattr(expr, "replace") or not expr.has(exprel, exprel1):
        return expr
    return expr.replace(exprel, _exprel_display).replace(exprel1, _exprel1_display)


def _is_noise(e):
    return isinstance(e, sp.Symbol) and e.name == "xi"


def _root(e):
    """``(base, +1 or -1)`` for ``base**(1/2)`` / ``base**(-1/2)``, else None."""
    if e.is_Pow and e.exp in (_HALF, -_HALF):
        return e.base, (1 if e.exp == _HALF else -1)
    return None


class _Printer(LatexPrinter):

    # -- names ------------------------------------------------------------------------
    def _print_Symbol(self, expr, style="plain"):
        if _is_noise(expr):
            return r"\xi(t)"
        if "." not in expr.name:
            return super()._print_Symbol(expr, style)
        *path, name = expr.name.split(".")
        # braces make each '.' an ordinary symbol (no space after it, as in a number)
        upright = "{.}".join(p.replace("_", r"\_") for p in path)
        return r"{\mathrm{%s}{.}%s}" % (upright, self._deal_with_super_sub(name, style))

    # -- exponents, factored ----------------------------------------------------------
    def _factored(self, e):
        """``-(V + 40)/10`` for the exponent ``-V/10 - 4``; None when nothing is gained."""
        parts = factored(e)
        if parts is None:
            return None
        negative, coeff, rest = parts
        sign = "- " if negative else ""
        inner = self._print(rest)
        # a slash, as in print: a fraction inside a superscript is too small to read
        tall = "\\frac" in inner or "\\left" in inner      # else plain parentheses, no stretching
        num = ((r"\left(%s\right)" if tall else "(%s)") % inner) if rest.is_Add else inner
        if coeff.p != 1:
            num = r"%d %s" % (coeff.p, num)
        return r"%s%s/%d" % (sign, num, coeff.q)

    def _print_ExpBase(self, expr, exp=None):
        arg = self._factored(expr.args[0])
        if arg is None:
            return super()._print_ExpBase(expr, exp)
        return self._do_exponent(r"e^{%s}" % arg, exp)

    def _print_Pow(self, expr):
        arg = None if expr.exp.is_Rational else self._factored(expr.exp)
        if arg is not None and not expr.base.is_Function:
            base = self.parenthesize(expr.base, PRECEDENCE["Pow"])
            if expr.base.is_Symbol:
                base = self.parenthesize_super(base)
            return r"%s^{%s}" % (base, arg)
        root = _root(expr)
        if root and _reciprocal(root[0]):
            # sqrt(1/tau) -> 1/sqrt(tau)
            return self._print(sp.Pow(root[0].base, -expr.exp))
        return super()._print_Pow(expr)

    # -- products: roots merged, noise last -------------------------------------------
    def _print_Mul(self, expr):
        if isinstance(expr, sp.Mul) and any(_dotted(a) for a in expr.args):
            # a dot between factors: "E.A · E.r", not "E.AE.r" (a thin space was too thin
            # to see in KaTeX's MathML)
            return self._with(mul_symbol_latex=r" \cdot ")(self._print_product, expr)
        return self._print_product(expr)

    def _with(self, **settings):
        def call(f, *args):
            old = {k: self._settings[k] for k in settings}
            self._settings.update(settings)
            try:
                return f(*args)
            finally:
                self._settings.update(old)
        return call

    def _print_product(self, expr):
        if not isinstance(expr, sp.Mul):
            return super()._print_Mul(expr)
        noise, roots, rest = [], [], []
        for a in expr.args:
            if _is_noise(a) or (a.is_Pow and _is_noise(a.base)):
                noise.append(a)
            elif _root(a):
                roots.append(_root(a))
            else:
                rest.append(a)
        if not noise and len(roots) < 2 and not any(_reciprocal(b) for b, _ in roots):
            return super()._print_Mul(expr)
        roots = [(b.base, -s) if _reciprocal(b) else (b, s) for b, s in roots]
        radicand = sp.Mul(*[b**s for b, s in roots]) if len(roots) > 1 else None
        if radicand is None:
            rest += [b**(s * _HALF) for b, s in roots]
        others = sp.Mul(*rest)
        parts = []
        if others == -1:
            parts.append("-")
        elif others != 1:
            tex = self._print(others)
            parts.append(r"\left(%s\right)" % tex if others.is_Add else tex)
        if radicand is not None:
            # 2/tau, not a fraction: a radical over a fraction did not stretch in the
            # browsers' MathML (KaTeX in served pages): the root looked like a power
            parts.append(r"\sqrt{%s}" % self._with(fold_short_frac=True)(self._print, radicand))
        tex = " ".join(parts)
        if noise:
            tex += (r"\, " if tex and tex != "-" else " " if tex else "") \
                + self._print(sp.Mul(*noise))
        return tex

    def _as_ordered_terms(self, expr, order=None):
        terms = super()._as_ordered_terms(expr, order=order)
        if getattr(expr, "is_Add", False):
            terms = sorted(terms, key=lambda t: any(_is_noise(s) for s in t.free_symbols))
        return terms

    # -- the derivatives of exprel (analysis: Jacobians) ------------------------------
    def _print_expreln(self, expr, exp=None):
        k = self._print(expr.args[0])
        x = self.parenthesize(expr.args[1], PRECEDENCE["Mul"])
        tex = r"\int_{0}^{1} s^{%s} e^{%s s}\, ds" % (k, x)
        return r"\left(%s\right)^{%s}" % (tex, exp) if exp else tex


def _dotted(e):
    base = e.base if e.is_Pow else e
    return isinstance(base, sp.Symbol) and "." in base.name


def _reciprocal(base):
    return base.is_Pow and base.exp == -1
