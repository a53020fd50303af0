"""Plain strings shared by every layer that shows text (a dependency-free
leaf, like exceptions.py): Markdown that shows text verbatim, titles in
which Bokeh cannot find TeX, counts with the noun in the right number, and
the words a person reads for a type name, and the ASCII spelling of text for a
terminal that cannot show more.  The HTML side and the reasons
live in :mod:`nbblox.ui.text`."""
from __future__ import annotations

import re
import unicodedata

__all__ = ["markdown_literal", "tex_free", "counted", "words", "capital", "ascii_text",
           "ALIGNED_MATH_CSS", "SUBSCRIPT_CSS", "MATHML_CSS"]

#: Stylesheet for Panel panes that show ``aligned`` maths as MathML (Panel's KaTeX pane
#: shows KaTeX's MathML: its HTML is hidden in the pane's shadow root).  Chromium's MathML
#: Core ignores ``columnalign``: every cell was centred and the "=" signs zigzagged.  The
#: columns of ``aligned`` alternate right, left.
#: (``-webkit-right``: Chromium lays a cell's maths out as a block, which plain ``right``
#: left where it was -- measured, a narrow left-hand side stayed at the cell's left.)
ALIGNED_MATH_CSS = ("mtable[columnalign] > mtr > mtd:nth-child(odd) "
                    "{ text-align: right; text-align: -webkit-right; }\n"
                    "mtable[columnalign] > mtr > mtd:nth-child(even) "
                    "{ text-align: left; text-align: -webkit-left; }\n")

#: Subscripts of MathML drawn in a text font.  Chromium's MathML Core takes a script's
#: shift from the font's OpenType MATH table; a text font (system-ui, DejaVu Sans, Segoe
#: UI) has none, and the fallback shift is about nil: alpha_m and I_Na read "αm", "INa".
#: Chromium honours relative positioning of a script (measured: ``font-family: math``
#: works only where a maths font is installed; ``math-depth`` changes size, not shift;
#: padding moves a script by its font's ascent, unevenly).  The shift is the one MathJax
#: gives at 15 px (3 px).  A font with a MATH table would add its own shift: deeper, still
#: read as a subscript.  Superscripts keep their place (the fallback raises them).
SUBSCRIPT_CSS = ("msub > :nth-child(2), msubsup > :nth-child(2) "
                 "{ position: relative; top: 0.25em; }\n")

#: :data:`ALIGNED_MATH_CSS` and :data:`SUBSCRIPT_CSS`: for a pane or page that shows
#: MathML equations (an object's own MathML in a served lesson, a dashboard's equations
#: where the page has no MathJax, the exported HTML page: :mod:`nbblox.io.mathml`).
#: The maths is set in the text around it, not the browser's ``math`` font: the shift
#: above is for a font without a MATH table, and a machine may have no maths font.
#: Cells of a table are set in display style, as TeX's ``aligned`` (MathML Core makes a
#: table "compact": a fraction's numerator and denominator came out at 70%).
MATHML_CSS = (ALIGNED_MATH_CSS + SUBSCRIPT_CSS + "math { font-family: inherit; }\n"
              "mtable > mtr > mtd { math-style: normal; }\n")


# characters that can start Markdown inline syntax or raw HTML anywhere in a line,
# and those that start a block (heading, list, quote, rule, setext) at its start
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&!~|$])")
_MD_BLOCK = re.compile(r"^([#>+=-]|\d+[.)])", re.MULTILINE)
_TEX = re.compile(r"(\$\$|\\[\[\]()]|\\begin|\\end)")  # what MathJax's find_tex looks for
_ZWSP = "\u200b"


def markdown_literal(text):
    """Markdown source that shows ``text`` verbatim: every character that can
    start emphasis, code, a link, a table cell or raw HTML is backslash-escaped,
    and so is a line's leading heading/list/quote mark; line breaks are kept
    (leading indentation is dropped: it would make a code block) and TeX
    delimiters are defused (:func:`tex_free`: Panel's Markdown pane runs MathJax).

    Examples
    --------
    >>> print(markdown_literal("V**3 <b> (a = 1)"))
    V\\*\\*3 \\<b\\> (a = 1)
    >>> print(markdown_literal("# not a heading\\n2. not a list"))
    \\# not a heading\\
    2\\. not a list
    """
    lines = [ln.lstrip() for ln in tex_free(text).split("\n")]
    esc = _MD_INLINE.sub(r"\\\1", "\n".join(lines))
    esc = _MD_BLOCK.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], esc)
    return "\\\n".join(esc.split("\n"))


def tex_free(text):
    """``text`` with TeX delimiters broken by a zero-width space: shown the
    same, never handed to MathJax (which pastes the text around it as HTML).

    Examples
    --------
    >>> tex_free("mV $$x$$") == "mV $\\u200b$x$\\u200b$"
    True
    """
    return _TEX.sub(lambda m: m.group(0)[0] + _ZWSP + m.group(0)[1:], str(text))


def counted(n, noun, plural=None):
    """``n`` and ``noun`` in the number ``n`` asks for: "1 connection",
    "2 connections" (``plural`` when adding an "s" is wrong; "blox" is its own plural).

    Examples
    --------
    >>> counted(1, "connection"), counted(0, "connection"), counted(3, "blox")
    ('1 connection', '0 connections', '3 blox')
    >>> counted(2, "chain", "chains")
    '2 chains'
    """
    word = noun if n == 1 else (plural or (noun if noun.endswith("x") else noun + "s"))
    return f"{n} {word}"


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+[a-z]*")


def words(name):
    """The words a person reads in an identifier: "CamelCase" and "snake_case"
    split at their joints, acronyms kept whole (the default title of a blox type).

    Examples
    --------
    >>> words("NoisyLIF"), words("COBA_LIF"), words("TMSynapse"), words("HH_2")
    ('Noisy LIF', 'COBA LIF', 'TM Synapse', 'HH 2')
    """
    out = []
    for chunk in filter(None, re.split(r"[_\s]+", str(name))):
        found = _WORD.findall(chunk)
        glued = []             # (a chunk with letters the pattern does not know stays whole)
        for w in found if "".join(found) == chunk else [chunk]:   # "LIF2": digits stay on
            if glued and w[0].isdigit():
                glued[-1] += w
            else:
                glued.append(w)
        out += glued
    return " ".join(out) or str(name)


def capital(text):
    """``text`` with its first letter capitalised, the rest as written: a
    title that opens a heading ("leaky integrate-and-fire" -> "Leaky ...").

    Examples
    --------
    >>> capital("leaky integrate-and-fire"), capital("FitzHugh–Nagumo"), capital("")
    ('Leaky integrate-and-fire', 'FitzHugh–Nagumo', '')
    """
    return text[:1].upper() + text[1:]


# the usual ASCII spellings (pretty_unit's inverse, dashes, arrows) before the generic rule
_ASCII = {"µ": "u", "μ": "u", "²": "^2", "³": "^3", "⁻¹": "^-1", "⁻²": "^-2", "°C": "degC",
          "°": "deg", "–": "-", "—": "-", "→": "->", "←": "<-", "·": "*", "×": "x",
          "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"', "≈": "~", "≤": "<=", "≥": ">="}

_GREEK = re.compile(r"GREEK (SMALL|CAPITAL) LETTER ([A-Z]+)")


def ascii_text(text):
    """``text`` spelt in ASCII, for a terminal whose encoding cannot show it
    (``PYTHONIOENCODING=ascii``, an old Windows code page): units as typed
    ("µA/cm²" -> "uA/cm^2"), dashes as hyphens, accents dropped ("Buzsáki" ->
    "Buzsaki"), Greek letters named ("τ" -> "tau"), any other character as "?".

    Examples
    --------
    >>> ascii_text("Hodgkin–Huxley at I = 10 µA/cm²"), ascii_text("Wang–Buzsáki, 36 °C")
    ('Hodgkin-Huxley at I = 10 uA/cm^2', 'Wang-Buzsaki, 36 degC')
    >>> ascii_text("τ ≈ 20 ms, Δ ⊕")
    'tau ~ 20 ms, Delta ?'
    """
    text = str(text)
    for k, v in _ASCII.items():
        text = text.replace(k, v)
    out = []
    for c in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(c):
            continue
        greek = _GREEK.fullmatch(unicodedata.name(c, ""))
        if greek:
            word = greek.group(2).lower().replace("lamda", "lambda")
            c = word if greek.group(1) == "SMALL" else word.capitalize()
        out.append(c)
    return "".join(out).encode("ascii", "replace").decode("ascii")
