"""A notebook served as a page (``nbblox serve lesson.ipynb``): what a student
reads, in the notebook's order.

Panel's own notebook handler pastes Markdown into Python string literals
(``\\approx`` arrived as a bell character), renders no maths, drops printed
output, shows every return value in a card (``nb.setup_notebook()``'s dict,
empty cards for ``None``), titles the page after the file name and shows
exercises nobody can answer.  This module builds the page itself:

* Markdown cells are rendered as Markdown with ``$...$`` / ``$$...$$``
  handed to MathJax (dollarmath plugin; backslashes untouched);
* code cells run one after the other in the session's namespace, *after*
  the page is shown (one document callback per cell, so the first plot
  appears as soon as the cells before it have run, not after the whole
  lesson); what a cell prints is shown as text, what it displays or ends
  with is shown if it is something to look at (a plot, a widget, an object
  with a rich repr, a plain value) -- nothing else, and no empty boxes;
* an exercise cell (``nb.lessons.check("name", my_answer)``) becomes an
  answer box and a "check" button that calls the same checker;
* the title is the notebook's first heading, shown once: in the page's
  header (the body no longer repeats it).

Executing a notebook runs its code: serve your own notebooks (as with
``panel serve``).  The server binds 127.0.0.1 (``nbblox serve``).
"""
from __future__ import annotations

import ast
import contextlib
import html
import io
import json
import re
import sys
from .._text import counted

__all__ = ["lesson_app", "read_cells", "exercise_of", "markdown_html"]

_CHECK = re.compile(r"""(?:nb\.)?lessons\.check\(\s*["']([A-Za-z0-9_]+)["']""")
_MAX_TEXT = 20_000          # characters of printed output shown per cell
_PLAIN = (int, float, complex, str, bool, list, tuple, dict, set, frozenset)
_FONT_PX = 15               # the page's text (Markdown cells)
_PRE_PX = 13.5              # printed output and code: readable on a projector


def read_cells(path):
    """``[(kind, source)]`` of a notebook, kind ``"markdown"`` or ``"code"``."""
    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)
    out = []
    for cell in nb.get("cells", []):
        kind = cell.get("cell_type")
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        if kind in ("markdown", "code") and src.strip():
            out.append((kind, src))
    return out


def exercise_of(source):
    """The exercise a code cell checks (``nb.lessons.check("name", ...)``), or None.

    Examples
    --------
    >>> exercise_of('my_V = None\\nnb.lessons.check("fhn_rest_V", my_V)')
    'fhn_rest_V'
    >>> exercise_of("print(1)") is None
    True
    """
    m = _CHECK.search(source)
    return m.group(1) if m else None


def _math(content, opts):
    # Bokeh hands the maths of the HTML *string* to MathJax: an escaped "<" or ">"
    # arrived as the TeX "&gt;" (lesson 14's "V > V_th" showed raw).  TeX's own
    # \lt / \gt keep the comparison and put no markup into the page.
    body = content.replace("<", r"\lt ").replace(">", r"\gt ")
    return f"$${body}$$" if opts.get("display_mode") else f"\\({body}\\)"


def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    return (MarkdownIt("gfm-like").enable("table")
            .use(dollarmath_plugin, renderer=_math, allow_space=False, allow_digits=False,
                 double_inline=True))


def markdown_html(text):
    """HTML of a Markdown cell; maths kept as TeX between MathJax delimiters.

    Examples
    --------
    >>> print(markdown_html(r"Around $I \\approx 0.33$ it *oscillates*; $$\\dot V = 0$$"))
    <p>Around <span class="math inline">\\(I \\approx 0.33\\)</span> it <em>oscillates</em>; <div class="math inline">$$\\dot V = 0$$</div></p>
    <BLANKLINE>
    >>> print(markdown_html(r"$a > 1$ and $x<y$"))
    <p><span class="math inline">\\(a \\gt  1\\)</span> and <span class="math inline">\\(x\\lt y\\)</span></p>
    <BLANKLINE>
    """
    return _parser().render(text)


def _title(cells, fallback):
    """``(title, cells)``: the first heading, and the cells without it (the page
    header shows the title; the body repeated it as a headline).

    Examples
    --------
    >>> _title([("markdown", "# Lesson 1\\n\\nText"), ("code", "x = 1")], "01")
    ('Lesson 1', [('markdown', '\\nText'), ('code', 'x = 1')])
    >>> _title([("markdown", "# Only the title")], "01")
    ('Only the title', [])
    >>> _title([("code", "x = 1")], "01")
    ('01', [('code', 'x = 1')])
    """
    for i, (kind, src) in enumerate(cells):
        if kind != "markdown":
            continue
        lines = src.splitlines()
        for j, line in enumerate(lines):
            if line.lstrip().startswith("#"):
                rest = "\n".join(lines[:j] + lines[j + 1:])
                kept = [(kind, rest)] if rest.strip() else []
                return line.lstrip().lstrip("#").strip(), cells[:i] + kept + cells[i + 1:]
    return fallback, list(cells)


def _show(obj):
    """A Panel object for a value worth showing, else None."""
    import panel as pn
    if obj is None:
        return None
    if hasattr(obj, "__panel__") or isinstance(obj, pn.viewable.Viewable):
        return pn.panel(obj)
    mod = type(obj).__module__
    if mod.startswith("holoviews"):
        # figures keep their own size and their own axes: Panel would otherwise link every
        # plot of the page that shares a dimension (lesson 3's two bifurcation diagrams)
        return pn.panel(obj, linked_axes=False)
    if mod.startswith(("panel", "bokeh")):
        return pn.panel(obj)
    if mod.startswith("nbblox.ui.builder") and callable(getattr(obj, "panel", None)):
        return obj.panel()            # the circuit builder (an anywidget: no HTML repr)
    if mod.startswith("sympy") and callable(getattr(obj, "_repr_latex_", None)):
        from ..model.texprint import display_latex     # a notebook shows the same TeX
        return _tex(display_latex(obj))
    if callable(getattr(obj, "_repr_latex_", None)) and not any(
            callable(getattr(obj, m, None)) for m in ("_repr_html_", "_repr_markdown_")):
        # a blox or blox type: its equations typeset by MathJax like the Markdown maths
        # (Panel's KaTeX pane showed KaTeX's MathML: "αm", "INa" for α_m, I_Na)
        latex = obj._repr_latex_()
        if latex:
            return _tex(latex)
    for meth in ("_repr_html_", "_repr_markdown_", "_repr_latex_"):
        if callable(getattr(obj, meth, None)):
            from .text import MATHML_CSS
            # the size of the page's text (Bokeh's default 12 px made a blox's equations
            # smaller than the inline maths around them)
            return pn.panel(obj, sizing_mode="stretch_width", stylesheets=[MATHML_CSS],
                            styles={"font-size": f"{_FONT_PX}px"})
    if isinstance(obj, _PLAIN) or mod == "numpy":
        return _text(repr(obj))
    return None                       # an object without a picture: nothing to look at


def _tex(latex):
    """TeX (a SymPy expression's, a blox's equations), typeset by MathJax like the
    Markdown cells (:func:`nbblox.ui.text.tex_pane`).  Panel picked SymPy's
    ``_repr_svg_``, which is None without a TeX installation: lesson 17's
    ``equations()["E.A"]`` showed an empty box under "four connections:".

    >>> print(_tex(r"$\\displaystyle \\frac{a}{b}$").object)
    $$\\frac{a}{b}$$
    """
    from .text import tex_pane
    return tex_pane(latex, sizing_mode="stretch_width", css_classes=["nbblox-md"],
                    styles={"font-size": f"{_FONT_PX}px"})


def _text(text, error=False):
    import panel as pn
    text = text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "\n..."
    cls = "nbblox-cell-error" if error else "nbblox-cell-text"
    color = "#b42318" if error else "#222"
    return pn.pane.HTML(f'<pre class="{cls}" style="margin:0;white-space:pre-wrap;'
                        f'font-size:{_PRE_PX}px;color:{color}">{html.escape(text)}</pre>',
                        sizing_mode="stretch_width", margin=(0, 10))


def _code(source):
    """A code cell's source as a code block (a cell that only defines something,
    introduced by the text before it: its code is what there is to read)."""
    import panel as pn
    return pn.pane.HTML(f'<pre class="nbblox-cell-code" style="margin:0;white-space:pre-wrap;'
                        f'font-size:{_PRE_PX}px;background:#f6f8fa;padding:6px 8px;'
                        f'border-radius:4px">{html.escape(source.strip())}</pre>',
                        sizing_mode="stretch_width", margin=(0, 10))


class _Display:
    """Collects what a cell passes to ``display()`` (IPython's is replaced while
    a cell runs)."""

    def __init__(self):
        self.items = []

    def __call__(self, *objs, **kw):
        self.items.extend(objs)


@contextlib.contextmanager
def _captured(display):
    import IPython.display as ipd
    old = ipd.display
    ipd.display = display
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            yield out
    finally:
        ipd.display = old


def run_cell(source, ns):
    """Run one code cell in namespace ``ns``; returns the Panel objects it shows
    (printed text, displayed objects, the value of a last expression)."""
    shown, display = [], _Display()
    ns["display"] = display
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as exc:
        return [_text(f"SyntaxError: {exc}", error=True)]
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    value, error = None, None
    with _captured(display) as out:
        try:
            exec(compile(tree, "<lesson cell>", "exec"), ns)
            if last is not None:
                # Lesson code is the notebook the operator named on the command line, run
                # as Jupyter runs the notebook it opens; no browser message reaches here.
                value = eval(  # safe: the operator's own lesson notebook, never browser text
                    compile(ast.Expression(last.value), "<lesson cell>", "eval"), ns)
        except Exception as exc:   # a cell's error is shown in its place; the page goes on
            error = f"{type(exc).__name__}: {exc}"
    if out.getvalue().strip():
        shown.append(_text(out.getvalue().rstrip()))
    for obj in display.items + ([value] if last is not None and
                                not source.rstrip().endswith(";") else []):
        p = _show(obj)
        if p is not None:
            shown.append(p)
    if error:
        shown.append(_text(error, error=True))
    return shown


def _parse_answer(text):
    """What a student typed: a number if it is one, else the text (a path)."""
    text = (text or "").strip()
    try:
        return float(text)
    except ValueError:
        return text or None


def exercise_box(name):
    """An answer box and a button that calls ``nb.lessons.check(name, answer)``."""
    import panel as pn

    from ..lessons import EXERCISES, check
    statement = EXERCISES[name][1] if name in EXERCISES else ""
    box = pn.widgets.TextInput(placeholder="your answer", width=220,
                               css_classes=["nbblox-answer"])
    from .compat import widget_kw
    button = pn.widgets.Button(**widget_kw("check", "primary", width=90, css_classes=["nbblox-check"]))
    result = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["nbblox-result"])

    def run(event=None):
        try:
            r = check(name, _parse_answer(box.value_input or box.value))
            result.object = r._repr_html_()
        except Exception as exc:
            result.object = (f'<div style="color:#b42318">{html.escape(type(exc).__name__)}: '
                             f"{html.escape(str(exc))}</div>")
    button.on_click(run)
    head = pn.pane.HTML(f"<b>Your answer</b> <small>({html.escape(statement)})</small>",
                        sizing_mode="stretch_width", margin=(0, 10))
    return pn.Column(head, pn.Row(box, button), result, sizing_mode="stretch_width",
                     css_classes=["nbblox-exercise"],
                     styles={"background": "#f5f8ff", "border-left": "4px solid #0072B2",
                             "padding": "4px 8px"})


def _serve_hint(cell):
    """Whether ``cell`` is the lessons' closing "**See it as a dashboard.** In a terminal:
    nbblox serve ..." paragraph: on the served page it told the reader how to get the
    page they were reading (every lesson's last lines).

    >>> _serve_hint(("markdown", "**See it as a dashboard.** In a terminal: ..."))
    True
    >>> _serve_hint(("markdown", "## What you learned"))
    False
    """
    kind, src = cell
    return kind == "markdown" and src.lstrip().startswith("**See it as a dashboard.**")


def lesson_app(path):
    """``(factory, title)``: the factory builds one session's page for notebook ``path``."""
    from pathlib import Path
    title, cells = _title(read_cells(path), Path(path).stem)
    cells = [c for c in cells if not _serve_hint(c)]
    folder = str(Path(path).resolve().parent)

    def app():
        import panel as pn

        from ..notebook import use_canvas
        pn.extension("mathjax")
        use_canvas()
        ns = {"__name__": "__lesson__"}
        page = pn.Column(sizing_mode="stretch_width", max_width=1100,
                         css_classes=["nbblox-lesson"])
        todo, boxes = [], set()
        for k, (kind, src) in enumerate(cells):
            if kind == "markdown":
                page.append(pn.pane.HTML(markdown_html(src), sizing_mode="stretch_width",
                                         disable_math=False, css_classes=["nbblox-md"],
                                         styles={"font-size": f"{_FONT_PX}px", "line-height": "1.5"}))
                continue
            name = exercise_of(src)
            if name is not None:
                # one box per exercise: the instructor edition checks each twice (the
                # answer cell, then the graded cell), which showed two identical boxes
                if name not in boxes:
                    boxes.add(name)
                    page.append(exercise_box(name))
                continue
            slot = pn.Column(sizing_mode="stretch_width", css_classes=["nbblox-cell"])
            page.append(slot)
            # text that ends with ":" introduces this cell: if the cell shows nothing
            # (it defines a function), its code is shown instead of nothing
            intro = k > 0 and cells[k - 1][0] == "markdown" and \
                cells[k - 1][1].rstrip().endswith(":")
            todo.append((src, slot, intro))
        status = pn.pane.HTML(f"the lesson's {counted(len(todo), 'cell')} run as you read ...",
                              css_classes=["nbblox-lesson-status"], margin=(0, 10),
                              styles={"color": "#666", "font-size": "12px"})
        page.insert(0, status)

        def step(i=0):
            if i >= len(todo):
                status.object = f"all {counted(len(todo), 'cell')} ran"
                return
            status.object = f"running cell {i + 1} of {len(todo)} ..."
            src, slot, intro = todo[i]
            old = sys.path[:]
            sys.path.insert(0, folder)
            try:
                objs = run_cell(src, ns)
            finally:
                sys.path[:] = old
            if not objs and intro:
                objs = [_code(src)]
            if objs:
                slot.objects = objs
            else:
                page.remove(slot)     # nothing to show: no empty box
            doc = pn.state.curdoc
            if doc is not None and doc.session_context is not None:
                doc.add_next_tick_callback(lambda: step(i + 1))
            else:
                step(i + 1)

        # a template's header is HTML: the title (notebook text) goes in escaped -- but
        # not its quotes: the template escapes the browser tab's <title> again, and
        # lesson 10's "model's" showed as "model&#x27;s" there (quotes in element text
        # are plain text, no markup)
        tmpl = pn.template.BootstrapTemplate(title=html.escape(title, quote=False), main=[page])
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            pn.state.onload(step)
        else:
            step()
        return tmpl
    return app, title
