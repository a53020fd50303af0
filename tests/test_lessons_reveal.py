"""Issue 21, "no answer printed before its exercise": every number a student
sees above an exercise is handed to that exercise's checker, and none may be
accepted (except the coincidences listed, each looked at).

Two sources of what a student sees:

* the **instructor edition as stored** (``lessons/NN_*.ipynb``): markdown, code
  and the outputs build.py keeps (check-output cells only);
* the **student edition as executed in CI** -- every output, figures included
  (a figure's title, axis labels and legend are read from its Bokeh document).
  ``.ci/binder-sim`` executes each student lesson once under nbval and
  ``.ci/nbval_record.py`` keeps what it ran in ``build/lessons-executed/``;
  ``.ci/run`` then runs this module with ``NBBLOX_LESSONS_EXECUTED`` naming that
  folder, so nothing is executed twice.  Without the variable those tests skip
  (they need binder-sim's record: ``bash .ci/binder-sim``).
"""
import html
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from nbblox.lessons import check

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
EXECUTED = os.environ.get("NBBLOX_LESSONS_EXECUTED")

_NUMBER_SHOWN = re.compile(r"(?<![\w.#])[-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
RUN_TIME = re.compile(r"\*Runs top to bottom in about .*?\*", re.S)

#: numbers above an exercise that its checker would accept, each looked at: a
#: model parameter or a stimulus that happens to lie within the tolerance, not
#: the answer.  A new entry needs the same look.
COINCIDENCES = {
    ("02_hodgkin_huxley", "hh_rheobase", 6.3): "Hodgkin and Huxley's reference temperature "
                                               "6.3 degC in the printed rate factor "
                                               "3^((T - 6.3)/10); the rheobase is 6.25",
    ("14_noise", "lif_noise_rate", 10.0): "OU tau = 10 ms, reset V_r = 10 mV (parameters)",
    ("15_synapses", "tm_best_rate", 20.0): "the 20 Hz test train and the rates swept "
                                           "(1-100 Hz) for the depressing synapse",
    ("17_composites", "chain_connections", 16.0): "c1 = 16, Wilson & Cowan's E->E weight",
}

# strings a Bokeh document shows: titles, Div/Markdown text, axis labels, legend labels
_BOKEH_TEXT = re.compile(r'"(?:text|axis_label)":"((?:[^"\\]|\\.)*)"'
                         r'|"label":\{"type":"value","value":"((?:[^"\\]|\\.)*)"\}')
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def visible_text(output):
    """What a student reads in one cell output, as plain text: a stream's text;
    for rich outputs, the text of the HTML (without scripts and styles) plus the
    strings of any Bokeh document in it (a figure's title, labels, legend),
    else Markdown, LaTeX or plain text, as Jupyter picks the richest.

    >>> visible_text({"output_type": "stream", "name": "stdout", "text": "rate 5 Hz"})
    'rate 5 Hz'
    >>> visible_text({"output_type": "display_data", "data": {"text/html":
    ...     '<b>3 spikes</b><script>var d = {"text":"median CV 1.5","width":600}</script>'}})
    '3 spikes\\nmedian CV 1.5'
    """
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    if output.get("output_type") == "error":
        return "\n".join([str(output.get("ename", "")), str(output.get("evalue", ""))])
    data = output.get("data", {})
    if "text/html" in data:
        page = str(data["text/html"])
        shown = html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", page))).strip()
        figure = [json.loads(f'"{a or b}"') for a, b in _BOKEH_TEXT.findall(page)]
        figure = [html.unescape(_TAG.sub(" ", t)) for t in figure]
        return "\n".join([" ".join(shown.split())] + figure)
    for mime in ("text/markdown", "text/latex", "text/plain"):
        if mime in data:
            return str(data[mime])
    return ""


def shown_before_each_exercise(nb):
    """For each answer cell: the numbers a student has seen above it (markdown,
    code, outputs) and in the answer cell outside its solution region, leaving
    out the lesson's number in its title and its stated run time.  The answer
    cell's own output (its checker's reply) is not included."""
    seen, out = [], {}
    for k, c in enumerate(nb.cells):
        grader = c.metadata.get("nbgrader", {})
        if grader.get("solution"):
            name = grader["grade_id"].removesuffix("_answer")
            visible = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "", c.source, flags=re.S)
            text = "\n".join(seen + [visible])       # and the answer cell's own comments
            out[name] = sorted({float(m.replace("−", "-")) for m in _NUMBER_SHOWN.findall(text)})
        if grader.get("grade"):
            continue           # hidden tests: students never see them
        source = c.source       # what a student sees of it (an answer cell: no solution)
        if grader.get("solution"):
            source = visible
        if k == 0:
            source = re.sub(r"^# Lesson \d+", "", RUN_TIME.sub("", source))
        seen.append(source)
        seen += [visible_text(o) for o in c.get("outputs", [])]
    return out


def reveals(stem, nb):
    found = []
    for name, numbers in shown_before_each_exercise(nb).items():
        if name == "pair_file":
            continue
        found += [f"{name} = {x:g}" for x in numbers
                  if (stem, name, x) not in COINCIDENCES and check(name, x)]
    return found


def right_after_each_exercise(nb):
    """For each exercise: the code cells right after its graded cell, up to the
    next markdown cell -- what a student running cell by cell sees next, before
    any text frames it (lesson 3's "The continuation of the Hopf set, to compare
    with your answer:" is such a frame)."""
    out = {}
    for k, c in enumerate(nb.cells):
        grader = c.metadata.get("nbgrader", {})
        if not grader.get("grade"):
            continue
        after = []
        for d in nb.cells[k + 1:]:
            if d.cell_type != "code" or d.metadata.get("nbgrader"):
                break
            after.append(d)
        out[grader["grade_id"]] = after
    return out


def _numbers(text):
    return [float(m.replace("−", "-")) for m in _NUMBER_SHOWN.findall(text)]


def results_right_after(nb, stored=False):
    """What the cells right after an exercise show that is a result: a number in
    their output that is not in their code (a parameter echoed is no result).
    Lesson 1 printed "V after 200 ms: -1.2" under "what is the resting V?",
    lesson 2 "spikes in 1 s: 69" under "how fast does it fire?", lesson 17
    "tau = 10 ms: 20.02 Hz" and that halving tau doubles the frequency under
    "the frequency at tau = 5 ms?".  ``stored``: the instructor edition keeps only
    check-output cells' output, so a cell there that prints must be one (what it
    prints is then stored, read here and compared by nbval)."""
    found = []
    for name, cells in right_after_each_exercise(nb).items():
        for c in cells:
            if stored and "print(" in c.source and \
                    "nbval-check-output" not in c.metadata.get("tags", []):
                found.append(f"{name}: prints, but its output is not stored: "
                             f"{c.source.splitlines()[0]}")
            code = set(_numbers(c.source))
            shown = [x for o in c.get("outputs", []) for x in _numbers(visible_text(o))]
            found += [f"{name}: {x:g} (printed by {c.source.splitlines()[0]!r})"
                      for x in shown if x not in code]
    return found


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_result_is_shown_right_after_an_exercise(path):
    """Issue 21, a lecturer's look (session 29): the cell right after an exercise
    printed its answer, or what gives it away.  A cell there may run, plot or
    state a yes/no, but shows no number it did not have in its code."""
    bad = results_right_after(nbformat.read(path, 4), stored=True)
    assert not bad, f"{path.name}: results shown right after an exercise: {bad}"


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_answer_is_shown_above_its_exercise(path):
    """The instructor edition as stored: text, code, check-output cells."""
    bad = reveals(path.stem, nbformat.read(path, 4))
    assert not bad, f"{path.name}: answers shown above their exercise: {bad}"


@pytest.mark.slow
@pytest.mark.skipif(not EXECUTED, reason="needs binder-sim's record of the executed student "
                    "edition: NBBLOX_LESSONS_EXECUTED=build/lessons-executed (.ci/run sets it)")
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_answer_is_shown_above_its_exercise_when_executed(path):
    """The student edition as CI executed it: every output above an exercise,
    printed text and figures alike (lesson 8's interval histogram gave the median
    CV of the exercise below it in its title).  The record must hold every lesson
    and be the current student edition (same sources), else it is stale."""
    ran = Path(EXECUTED) / path.name
    assert ran.exists(), f"{ran} missing: binder-sim did not record {path.name}"
    nb = nbformat.read(ran, 4)
    student = nbformat.read(REPO / "lessons" / "student" / path.name, 4)
    assert [c.source for c in nb.cells] == [c.source for c in student.cells], \
        f"{ran} is not today's student edition of {path.name}: run .ci/binder-sim again"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"{ran}: cells that did not run"
    bad = reveals(path.stem, nb)
    assert not bad, f"{path.name} (executed): answers shown above their exercise: {bad}"
    bad = results_right_after(nb)
    assert not bad, f"{path.name} (executed): results shown right after an exercise: {bad}"
