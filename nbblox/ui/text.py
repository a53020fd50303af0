"""Model text is text, never markup: the one place where it meets HTML.

Circuit files and dashboards come from other people, so every string that
comes from a model -- circuit, type, blox, state and parameter names, docs,
units, citations, equation text, and error messages that quote any of them --
must reach the browser as text.  Panel and Bokeh render some properties as
HTML (Markdown and HTML panes, a Card's title, a string ``TooltipIcon``
value, a template's header) and parse TeX in others (widget titles: the text
around a ``$$...$$`` is pasted as HTML).  Front ends therefore never put model
text into those properties directly; they go through these helpers:

* :func:`html` formats an HTML fragment whose arguments are escaped
  (MarkupSafe's ``Markup.format``);
* :func:`html_pane` wraps such a fragment in a Panel HTML pane;
* :func:`markdown` turns text into Markdown source that shows it verbatim
  (every ASCII punctuation character backslash-escaped);
* :func:`message_markdown` shows a (multi-line) message under a bold lead
  inside a ``<pre>`` block, so equation carets stay aligned;
* :func:`label` makes text safe for a Bokeh widget or plot title (TeX
  delimiters defused with a zero-width space: shown the same, never parsed);
* :func:`plot_title` does the same for a HoloViews title (braces doubled);
* :func:`tooltip` makes a Bokeh tooltip whose content is a text node;
* :func:`file_name` makes a download file name from a model name.

:func:`tex_pane` shows TeX generated from SymPy (equations), typeset by MathJax.
:data:`MATHML_CSS` is a stylesheet for panes that show MathML equations (the exported
HTML page uses the same rules, :data:`SUBSCRIPT_CSS`).

The browser test ``tests/browser/test_hostile_circuit.py`` serves a circuit
whose every text field holds ``<img src=x onerror=...>`` and checks that no
such element exists and the text is shown literally.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from .._text import ALIGNED_MATH_CSS, MATHML_CSS, SUBSCRIPT_CSS, markdown_literal, tex_free

__all__ = ["html", "html_pane", "markdown", "message_markdown", "label", "plot_title", "tooltip",
           "file_name", "escape", "tex_pane", "ALIGNED_MATH_CSS", "SUBSCRIPT_CSS", "MATHML_CSS"]
_PRE_STYLE = "white-space: pre-wrap; font-size: 0.95em; margin: 0"



def tex_pane(latex, **pane_kw):
    """A Panel HTML pane showing ``latex`` as display maths, typeset by MathJax
    (BokehJS's bundled copy, SVG output: no font or CDN to fetch), as a served
    lesson typesets its Markdown maths.

    ``latex`` is TeX that nbblox generated from SymPy (never model text), with or
    without ``$``/``$$`` delimiters (``\\displaystyle`` dropped: display maths is
    display style).  Panel's KaTeX pane showed KaTeX's MathML, which Chromium lays
    out with the page's text font: a font without OpenType MATH tables gets no
    subscript shift, so ``\\alpha_{m}`` and ``I_{Na}`` read "αm", "INa".  ``<`` and
    ``>`` become TeX's ``\\lt`` / ``\\gt``: BokehJS hands the pane's HTML text to
    MathJax, so an escaped ``&lt;`` would show as such, and the text holds no markup.
    In a notebook the page needs BokehJS's MathJax bundle
    (:func:`nbblox.notebook.mathjax_ready`).

    Examples
    --------
    >>> p = tex_pane(r"$$\\begin{aligned}\\alpha_{m} &= 1\\end{aligned}$$")
    >>> print(p.object, p.disable_math)
    $$\\begin{aligned}\\alpha_{m} &= 1\\end{aligned}$$ False
    >>> tex_pane(r"$\\displaystyle x < \\frac{a}{b}$").object
    '$$x \\\\lt  \\\\frac{a}{b}$$'
    """
    import panel as pn
    text = str(latex).strip()
    if not text.startswith("$$"):
        text = "$$" + text.strip("$").replace(r"\displaystyle", "").strip() + "$$"
    text = text.replace("<", r"\lt ").replace(">", r"\gt ")
    return pn.pane.HTML(text, disable_math=False, **pane_kw)


def html(fragment, *args, **kwargs):
    """An HTML fragment with its arguments escaped (``fragment`` is trusted code).

    Examples
    --------
    >>> html("<b>{}</b> ({})", "<img src=x>", "a & b")
    Markup('<b>&lt;img src=x&gt;</b> (a &amp; b)')
    """
    return Markup(fragment).format(*args, **kwargs)


def html_pane(fragment, *args, **pane_kw):
    """A Panel HTML pane showing :func:`html` ``(fragment, *args)``, or
    ``fragment`` itself when it is already built ``Markup``.

    Examples
    --------
    >>> html_pane("<h3>{}</h3>", "<script>").object
    '<h3>&lt;script&gt;</h3>'
    >>> html_pane(html("<p>{}</p>", "{0}")).object
    '<p>{0}</p>'
    """
    import panel as pn
    body = fragment if isinstance(fragment, Markup) and not args else html(fragment, *args)
    return pn.pane.HTML(str(body), **pane_kw)


def markdown(text):
    """Markdown source that shows ``text`` verbatim (no markup, no emphasis,
    no HTML; line breaks kept): :func:`nbblox._text.markdown_literal`.

    Examples
    --------
    >>> print(markdown("V**3 <img src=x>"))
    V\\*\\*3 \\<img src=x\\>
    """
    return markdown_literal(text)


def message_markdown(lead, message):
    """Markdown for a bold ``lead`` (trusted) above a ``message`` shown as
    preformatted text (escaped, wrapped; an equation's caret stays under its column).

    Examples
    --------
    >>> message_markdown("Could not open that circuit:", "bad <b>")
    '**Could not open that circuit:**\\n\\n<pre class="nbblox-message" ...>bad &lt;b&gt;</pre>'
    """
    return (f"**{lead}**\n\n"
            + str(html('<pre class="nbblox-message" style="{}">{}</pre>', _PRE_STYLE,
                       str(message))))


def label(text):
    """``text`` for a Bokeh widget title or plot title: TeX delimiters are
    broken by a zero-width space, so Bokeh shows them instead of handing the
    surrounding text to ``innerHTML`` (:func:`nbblox._text.tex_free`).

    Examples
    --------
    >>> label("mV $$x$$") == "mV $\\u200b$x$\\u200b$"
    True
    """
    return tex_free(text)


def plot_title(text):
    """``text`` for a HoloViews ``title=`` option: :func:`label`, with braces
    doubled (HoloViews formats titles with ``str.format``).

    Examples
    --------
    >>> plot_title("circuit '{x}'")
    "circuit '{{x}}'"
    """
    return label(text).replace("{", "{{").replace("}", "}}")


def tooltip(text):
    """A Bokeh ``Tooltip`` whose content is ``text`` as a text node (a string
    ``TooltipIcon`` value would be rendered as Markdown, i.e. HTML).

    Examples
    --------
    >>> tooltip("<img>").content
    '<img>'
    """
    from bokeh.models import Tooltip
    return Tooltip(content=str(text), position="right")


def file_name(name, ext):
    """A download file name from a model name: letters, digits, ``-`` and ``_``.

    Examples
    --------
    >>> file_name("pair <img src=x>/../x", "csv")
    'pair_img_src_x_x.csv'
    """
    stem = re.sub(r"[^\w-]+", "_", str(name), flags=re.ASCII).strip("_")[:80] or "circuit"
    return f"{stem}.{ext}"
