"""A notebook as a served page (nbblox/ui/lesson_page.py): what each cell shows."""
import panel as pn

import nbblox as nb
from nbblox.ui.lesson_page import exercise_box, exercise_of, markdown_html, run_cell
from nbblox.ui.serve import collect_apps


def texts(objs):
    return [o.object for o in objs if isinstance(o, pn.pane.HTML)]


def test_printed_output_is_shown_and_none_is_not():
    ns = {}
    objs = run_cell("x = 2\nprint('V after 200 ms:', -1.2)\nNone", ns)
    assert len(objs) == 1 and "V after 200 ms: -1.2" in texts(objs)[0]
    assert ns["x"] == 2


def test_no_stray_return_values():
    """nb.setup_notebook() returned a dict that Panel showed as a card; an object
    with no picture (a Solution's repr) is not worth a box either."""
    ns = {}
    assert run_cell("import nbblox as nb\nnb.setup_notebook()", ns) == []
    assert run_cell("class Thing: pass\nThing()", ns) == []
    assert run_cell("{'a': 1};", ns) == []                       # ';' hides, as in Jupyter
    (plain,) = run_cell("{'a': 1}", ns)                          # a plain value is shown
    assert "{&#x27;a&#x27;: 1}" in plain.object or "{'a': 1}" in plain.object


def test_plots_and_errors_are_shown_in_their_cell():
    ns = {}
    (plot,) = run_cell("import nbblox as nb\n"
                       "sol = nb.simulate(nb.blox.FitzHughNagumo(name='fhn'), 20.0)\n"
                       "sol.plot()", ns)
    assert isinstance(plot, pn.pane.HoloViews) and plot.linked_axes is False   # own axes
    (err,) = run_cell("nb.blox.FitzHughNagumo(name='f', Iext=1)", ns)
    assert "ParameterError" in err.object and "Did you mean" in err.object


def test_maths_keeps_its_backslashes():
    """Panel pasted Markdown into a Python string: '\\approx' became a bell character."""
    out = markdown_html(r"Around $I \approx 0.33$ and $$\dot V = 0$$")
    assert r"\(I \approx 0.33\)" in out and r"$$\dot V = 0$$" in out and "\x07" not in out


def test_exercise_cells_become_answer_boxes_that_call_the_checker():
    src = 'my_rest_V = None   # replace None\nnb.lessons.check("fhn_rest_V", my_rest_V)'
    assert exercise_of(src) == "fhn_rest_V"
    box = exercise_box("fhn_rest_V")
    answer, button = box.objects[1].objects
    result = box.objects[2]
    answer.value = "-1.1994"
    button.clicks += 1
    assert "✔" in result.object
    answer.value = "[1, 2]"                 # not a number: a hint, not a traceback
    button.clicks += 1
    assert "✘" in result.object


def test_serve_makes_a_page_of_a_lesson_and_keeps_dashboards(tmp_path):
    lesson = nb.Circuit  # noqa: F841  (only to show nbblox is importable here)
    import json
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# My lesson\ntext"},
             {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": "print(1)"}]
    (tmp_path / "a.ipynb").write_text(json.dumps({"cells": cells, "metadata": {},
                                                  "nbformat": 4, "nbformat_minor": 5}))
    cells[1]["source"] = "import panel as pn\npn.pane.Markdown('x').servable()"
    (tmp_path / "b.ipynb").write_text(json.dumps({"cells": cells, "metadata": {},
                                                  "nbformat": 4, "nbformat_minor": 5}))
    apps, titles = collect_apps(tmp_path)
    assert callable(apps["a"]) and titles["a"] == "My lesson"     # our page
    assert isinstance(apps["b"], str)                              # Panel's handler


def _page_texts(tmp_path, cells):
    """The HTML texts of the lesson page built from ``cells`` ([(kind, source)])."""
    import json
    from nbblox.ui.lesson_page import lesson_app
    nb_cells = [{"cell_type": k, "metadata": {}, "source": s,
                 **({"execution_count": None, "outputs": []} if k == "code" else {})}
                for k, s in cells]
    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps({"cells": nb_cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    app, _ = lesson_app(path)
    page = app().main[0]
    out = []
    for obj in page.objects:
        for o in (obj.objects if isinstance(obj, pn.Column) else [obj]):
            if isinstance(o, pn.pane.HTML):
                out.append(o.object)
    return out


def test_a_cell_the_text_introduces_shows_its_code_when_it_shows_nothing(tmp_path):
    """Issue 16: lesson 7 reads "... written as two populations and four
    connections instead of one two-variable blox:" over a cell that only defines
    a function; a served page shows no code, so the text was followed by nothing.
    Such a cell shows its code; a silent cell nobody introduced stays hidden."""
    texts_ = _page_texts(tmp_path, [
        ("markdown", "# Lesson\nHere is the column, written as code:"),
        ("code", "def make_column(name):\n    return name"),
        ("markdown", "A helper, then a printout."),
        ("code", "def helper():\n    return 1"),
        ("code", "print(make_column('left'), helper())")])
    code = [t for t in texts_ if "nbblox-cell-code" in t]
    assert len(code) == 1 and "def make_column(name):" in code[0]
    assert not [t for t in texts_ if "def helper" in t]
    assert any("left 1" in t for t in texts_)


def test_printed_text_is_readable_on_a_projector():
    """Printed output was Bokeh's 12 px monospace (about 10 px to the eye)."""
    (out,) = run_cell("print('V = -1.199')", {})
    size = float(out.object.split("font-size:")[1].split("px")[0])
    assert size >= 13


def test_a_sympy_expression_is_typeset_not_an_empty_box():
    """Lesson 17 ends a cell with ``nb.compile(col).equations()["E.A"]``: Panel chose
    SymPy's ``_repr_svg_`` (None without a TeX installation) and the page showed an
    empty box.  It is now TeX for MathJax, like the Markdown cells' maths, printed by
    nbblox's printer: MathJax set SymPy's "E.A" as "E. A" (a dotted name is one symbol)."""
    (eq,) = run_cell("import sympy as sp\nsp.Symbol('E.A') / sp.Symbol('tau')", {})
    assert isinstance(eq, pn.pane.HTML) and eq.disable_math is False
    assert r"$$\frac{{\mathrm{E}{.}A}}{\tau}$$" in eq.object and "displaystyle" not in eq.object


def test_the_page_does_not_tell_its_reader_how_to_serve_it(tmp_path):
    """Every lesson ends "**See it as a dashboard.** In a terminal: nbblox serve ...":
    useful in JupyterLab, on the served page itself it pointed at the page being read."""
    texts_ = _page_texts(tmp_path, [
        ("markdown", "# Lesson\n## What you learned\n- things"),
        ("markdown", "**See it as a dashboard.** In a terminal: `nbblox serve lesson.ipynb`.")])
    assert any("What you learned" in t for t in texts_)
    assert not [t for t in texts_ if "See it as a dashboard" in t or "nbblox serve" in t]
