"""A blox type's equations as MathML, which browsers render natively (no
KaTeX/MathJax download, so an exported page needs no network), printed as the
dashboard's TeX is (:mod:`nbblox.model.texprint`): ``exprel`` as the quotient it
stands for, an exponent ``-V/10 - 4`` as ``-(V + 40)/10``, noise as ``ξ(t)``.

SymPy's presentation printer builds the markup through an XML DOM, so names
arrive escaped; the result is still checked against an allow-list of MathML
elements before it goes into a page, and anything unexpected falls back to
escaped plain text.  A page showing it adds :data:`nbblox.ui.text.MATHML_CSS`'s
rules (subscripts dropped without a maths font; the columns aligned).
"""
from __future__ import annotations

import html
import re

__all__ = ["equations_mathml", "ALLOWED_TAGS"]

#: MathML Core elements an equation may use (no links, no foreign content)
ALLOWED_TAGS = frozenset({"math", "mrow", "mi", "mo", "mn", "msup", "msub", "msubsup", "mfrac",
                          "msqrt", "mroot", "mtable", "mtr", "mtd", "mtext", "mspace",
                          "mstyle", "mpadded", "mover", "munder", "munderover"})
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w:-]*)([^>]*)>")
_ATTR_OK = re.compile(r'^(\s+(display|columnalign|mathvariant|class|stretchy)="[\w\s-]*")*\s*/?$')
# parentheses and slashes at the height of the text: Chromium stretched them over a
# superscript in a text font to twice the line ("10 (1 - e^x)" in a tall box)
_FENCE = re.compile(r"<mo>([()/])</mo>")
_MINUS = "<mo>-</mo>"


def _safe(markup):
    for m in _TAG.finditer(markup):
        if m.group(2) not in ALLOWED_TAGS or not _ATTR_OK.match(m.group(3)):
            return False
    return "<!" not in markup and "<?" not in markup


def _printer():
    from sympy.printing.mathml import MathMLPresentationPrinter

    class Printer(MathMLPresentationPrinter):
        """SymPy's presentation printer with texprint's readings."""

        def _node(self, tag, text):
            el = self.dom.createElement(tag)
            el.appendChild(self.dom.createTextNode(text))
            return el

        def _row(self, *children):
            row = self.dom.createElement("mrow")
            for c in children:
                row.appendChild(c)
            return row

        def _print_Exp1(self, e):
            return self._node("mi", "e")         # texprint's e, not a double-struck ⅇ

        def _print_Symbol(self, sym, style="plain"):
            if sym.name == "xi":                 # white noise, as texprint shows it
                return self._row(self._node("mi", "ξ"), self._node("mo", "("),
                                 self._node("mi", "t"), self._node("mo", ")"))
            return super()._print_Symbol(sym, style)

        def _factored(self, e):
            """``-(V + 40)/10`` for ``-V/10 - 4`` (texprint's slash), else None."""
            from ..model.texprint import factored
            parts = factored(e)
            if parts is None:
                return None
            negative, coeff, rest = parts
            kids = [self._node("mo", "-")] if negative else []
            if coeff.p != 1:
                kids.append(self._node("mn", str(coeff.p)))
            inner = self._print(rest)
            kids += ([self._node("mo", "("), inner, self._node("mo", ")")] if rest.is_Add
                     else [inner])
            kids += [self._node("mo", "/"), self._node("mn", str(coeff.q))]
            return self._row(*kids)

        def _power(self, base, exp):
            arg = self._factored(exp)
            if arg is None:
                return None
            sup = self.dom.createElement("msup")
            sup.appendChild(base)
            sup.appendChild(arg)
            return sup

        def _print_exp(self, expr):
            return self._power(self._print_Exp1(None), expr.args[0]) or super()._print_exp(expr)

        def _print_Pow(self, e):
            if not e.exp.is_Rational and not e.base.is_Function:
                import sympy as sp
                from sympy.printing.precedence import PRECEDENCE
                if e.base == sp.E:
                    out = self._power(self._print_Exp1(None), e.exp)
                else:
                    out = self._power(self.parenthesize(e.base, PRECEDENCE["Pow"]), e.exp)
                if out is not None:
                    return out
            return super()._print_Pow(e)

        def _print_Mul(self, expr):
            # a number times a sum kept apart, 10 (1 - e^x), as texprint prints it
            # (SymPy's fraction() multiplies them out: 10 - 10 e^x)
            from sympy.simplify import fraction
            if expr.could_extract_minus_sign():
                return super()._print_Mul(expr)
            parts = [fraction(a) for a in expr.args]
            nums = [n for n, _ in parts if n != 1]
            dens = [d for _, d in parts if d != 1]
            if not dens or not (_spread(nums) or _spread(dens)):
                return super()._print_Mul(expr)
            frac = self.dom.createElement("mfrac")
            frac.appendChild(self._factors(nums))
            frac.appendChild(self._factors(dens))
            return self._row(frac)

        def _factors(self, factors):
            import sympy as sp
            from sympy.printing.precedence import PRECEDENCE
            if not _spread(factors):
                return self._print(sp.Mul(*factors))
            out = []
            for f in sorted(factors, key=lambda f: not f.is_Number):
                out += [self.parenthesize(f, PRECEDENCE["Mul"]), self._node("mo", "\u2062")]
            return self._row(*out[:-1])

    return Printer()


def _spread(factors):
    """Whether SymPy would multiply a number into a sum among ``factors``."""
    return len(factors) > 1 and any(f.is_Add for f in factors) \
        and any(f.is_Number for f in factors)


def _mathml(expr):
    """Presentation MathML of ``expr`` as texprint reads it."""
    from ..model.texprint import display_form
    p = _printer()
    markup = p._print(display_form(expr)).toxml().replace(_MINUS, "<mo>\u2212</mo>")
    return _FENCE.sub(r'<mo stretchy="false">\1</mo>', markup)


def _symbol(name):
    """A state or auxiliary name as MathML (``V_rest`` -> V with subscript)."""
    import sympy as sp
    return _mathml(sp.Symbol(name))


def _row(lhs, rhs):
    # "=" opens the right-hand column, as in TeX's aligned (left-aligned by the page's CSS)
    return (f'<mtr><mtd columnalign="right">{lhs}</mtd>'
            f'<mtd columnalign="left"><mo>=</mo>{rhs}</mtd></mtr>')


def equations_mathml(btype):
    """``<math display="block">`` with one aligned row per auxiliary and
    derivative of ``btype`` (plain escaped text if printing fails).

    Examples
    --------
    >>> import nbblox as nb
    >>> m = equations_mathml(nb.blox.FitzHughNagumo)
    >>> m.startswith('<math display="block">') and "<mfrac>" in m
    True
    >>> h = equations_mathml(nb.blox.HodgkinHuxley)
    >>> "exprel" in h, "<mi>exp</mi>" in h
    (False, False)
    """
    try:
        rows = []
        for name, expr in btype.eqs.aux.items():
            rows.append(_row(_symbol(name), _mathml(expr)))
        for s, expr in btype.eqs.rhs.items():
            d = (f"<mfrac><mrow><mi>d</mi>{_symbol(s)}</mrow>"
                 "<mrow><mi>d</mi><mi>t</mi></mrow></mfrac>")
            rows.append(_row(d, _mathml(expr)))
        markup = (f'<math display="block"><mtable columnalign="right left">{"".join(rows)}'
                  '</mtable></math>')
        if _safe(markup):
            return markup
    except Exception:  # a function SymPy cannot print: show the text instead
        pass
    return f'<pre class="equations">{html.escape(btype.eqs.text)}</pre>'
