"""A blox type's equations as MathML, which browsers render natively (no
KaTeX/MathJax download, so an exported page needs no network).

SymPy's presentation printer builds the markup through an XML DOM, so names
arrive escaped; the result is still checked against an allow-list of MathML
elements before it goes into a page, and anything unexpected falls back to
escaped plain text.
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
_ATTR_OK = re.compile(r'^(\s+(display|columnalign|mathvariant|class)="[\w\s-]*")*\s*/?$')


def _safe(markup):
    for m in _TAG.finditer(markup):
        if m.group(2) not in ALLOWED_TAGS or not _ATTR_OK.match(m.group(3)):
            return False
    return "<!" not in markup and "<?" not in markup


def _symbol(name):
    """A state or auxiliary name as MathML (``V_rest`` -> V with subscript)."""
    import sympy as sp
    from sympy.printing.mathml import mathml
    return mathml(sp.Symbol(name), printer="presentation")


def _row(lhs, rhs):
    return (f'<mtr><mtd columnalign="right">{lhs}</mtd><mtd><mo>=</mo></mtd>'
            f'<mtd columnalign="left">{rhs}</mtd></mtr>')


def equations_mathml(btype):
    """``<math display="block">`` with one aligned row per auxiliary and
    derivative of ``btype`` (plain escaped text if printing fails).

    Examples
    --------
    >>> import nbblox as nb
    >>> m = equations_mathml(nb.blox.FitzHughNagumo)
    >>> m.startswith('<math display="block">') and "<mfrac>" in m
    True
    """
    from sympy.printing.mathml import mathml
    try:
        rows = []
        for name, expr in btype.eqs.aux.items():
            rows.append(_row(_symbol(name), mathml(expr, printer="presentation")))
        for s, expr in btype.eqs.rhs.items():
            d = (f"<mfrac><mrow><mi>d</mi>{_symbol(s)}</mrow>"
                 "<mrow><mi>d</mi><mi>t</mi></mrow></mfrac>")
            rows.append(_row(d, mathml(expr, printer="presentation")))
        markup = f'<math display="block"><mtable>{"".join(rows)}</mtable></math>'
        if _safe(markup):
            return markup
    except Exception:  # a function SymPy cannot print: show the text instead
        pass
    return f'<pre class="equations">{html.escape(btype.eqs.text)}</pre>'
