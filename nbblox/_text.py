"""Plain-string escaping shared by every layer that shows model text
(a dependency-free leaf, like exceptions.py): Markdown that shows text
verbatim, and titles in which Bokeh cannot find TeX.  The HTML side and
the reasons live in :mod:`nbblox.ui.text`."""
from __future__ import annotations

import re

__all__ = ["markdown_literal", "tex_free"]

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
