"""The course with nbgrader, end to end, in a throw-away course directory (no
network, no exchange).

* ``nbgrader generate_assignment`` on the instructor editions of **all** lessons
  (``lessons/*.ipynb``, the nbgrader "source") releases exactly the student
  editions that ``lessons/build.py`` wrote to ``lessons/student/`` (same cells,
  sources and nbgrader flags), and records in its gradebook every graded cell of
  every lesson with the points the source gives it.  Nothing is executed.
* **Representative lessons** (:data:`AUTOGRADED`) are handed in twice, in one
  ``nbgrader autograde`` run: alice answers every exercise as the instructor did
  and must score every point; bob answers nothing and must score 0.

Why not every lesson (CI cost, issue 21): autograding executes what is handed in,
about 25 s per lesson at load 10 (all 17: 555-604 s at load 7-11, course2 session
28), and CI already executes every lesson twice: the instructor edition under nbval
(the hidden tests run on the instructor's answers: alice's full marks, lesson by
lesson) and the student edition in ``.ci/binder-sim`` (every answer cell must say
"no answer yet", on which each hidden test ``assert nb.lessons.check(...)`` fails:
bob's 0).  What only autograding shows -- nbgrader's own execution of a handed-in
copy, its restored hidden tests, its scores in the gradebook -- works the same for
every lesson (one metadata writer, ``lessons/build.py``; one config), so it is
shown on two lessons chosen for what could differ: 01 (two exercises, the second
after a continuation run, so alice's copy needs cells found by the slicer) and 11
(an answer that is a file the answer cell writes, in nbgrader's working
directory).  ``NBBLOX_AUTOGRADE_LESSONS=all`` (or ``=01,16``) hands in others.

What is executed in alice's and bob's copies: the released notebooks with the cells
their exercises do not need deleted, as a student may (only exercise cells are
locked): alice keeps the set-up cells, the exercise cells and every earlier cell that
defines or changes a name they use (:func:`needed_cells`, found from the code); bob
keeps the set-up cells (imports only) and the exercise cells, so his answers are
``None`` and each hidden test fails on the checker's "no answer yet", as in the full
copy.  A slice that missed a cell would make alice's copy fail, never pass: the test
cannot pass by slicing too much.

Cost, measured: this module with lessons 01 and 11 handed in (generate_assignment of
all 17, autograde of 4 copies), 175 s at load 14-15 (course, session 29); two lessons
took 83 s at load 7 (course2, session 28).
"""
import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
FLAGS = ("grade", "grade_id", "locked", "points", "solution", "task")
ASSIGNMENT = "course"   # every lesson in one assignment: one nbgrader call each step
#: the lessons handed in for autograding (see the module docstring for the choice)
AUTOGRADED = ("01", "11")


def _graded_lessons(chosen=None):
    """The lessons to hand in: :data:`AUTOGRADED`, or those ``chosen`` names
    ("01,16", or "all"), as ``NBBLOX_AUTOGRADE_LESSONS`` gives them."""
    chosen = (chosen or "").replace(" ", "")
    if chosen == "all":
        return list(LESSONS)
    wanted = chosen.split(",") if chosen else AUTOGRADED
    return [p for p in LESSONS if p.stem[:2] in wanted]


GRADED = _graded_lessons(os.environ.get("NBBLOX_AUTOGRADE_LESSONS"))


def nbgrader(course, *args):
    out = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                         capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory with the lessons as one assignment, generated once."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(REPO / "lessons" / "nbgrader_config.py", root / "nbgrader_config.py")
    folder = root / "source" / ASSIGNMENT
    folder.mkdir(parents=True)
    for nb in LESSONS:
        shutil.copy(nb, folder / nb.name)
    nbgrader(root, "generate_assignment", ASSIGNMENT)
    return root


def _cells(path):
    nb = nbformat.read(path, 4)
    return [(c.cell_type, c.source, {k: c.metadata.get("nbgrader", {}).get(k) for k in FLAGS},
             c.metadata.get("editable", True), c.metadata.get("deletable", True))
            for c in nb.cells]


def test_generate_assignment_releases_the_student_edition(course):
    for nb in LESSONS:
        released = course / "release" / ASSIGNMENT / nb.name
        ours = REPO / "lessons" / "student" / nb.name
        assert _cells(released) == _cells(ours), \
            f"{nb.name}: lessons/build.py's student edition differs from nbgrader's release"
        assert not any(c.outputs for c in nbformat.read(released, 4).cells
                       if c.cell_type == "code")


def test_gradebook_holds_every_graded_cell_of_every_lesson_with_its_points(course):
    """What autograding scores against, for all lessons (no execution): the
    gradebook that generate_assignment filled has each lesson's graded cells,
    named and worth what the instructor edition says."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for nb in LESSONS:
            source = nbformat.read(nb, 4)
            want = {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
                    for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")}
            assert want, f"{nb.name}: no graded exercise"
            book = gb.find_notebook(nb.stem, ASSIGNMENT)
            got = {g.name: g.max_score for g in book.grade_cells}
            assert got == want, nb.name
            assert book.max_score == sum(want.values())


def test_autograded_lessons_are_chosen_by_the_variable():
    assert [p.stem[:2] for p in _graded_lessons()] == list(AUTOGRADED)
    assert _graded_lessons("all") == LESSONS
    assert [p.stem[:2] for p in _graded_lessons(" 16, 01")] == ["01", "16"]


# -- which cells an exercise needs ---------------------------------------------------

def _root(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _uses_and_changes(source, modules):
    """Names a cell reads, and names it binds or changes: assignments, imports,
    definitions, ``x.attr = ...``, ``x[...] = ...`` and method calls made as
    statements (``net.connect(...)``, not a cell's last expression, which is
    what it displays); calls on imported modules (``nb.simulate``) change nothing."""
    tree = ast.parse(source)
    reads, changes, binds = set(), set(), set()
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (reads if isinstance(node.ctx, ast.Load) else changes).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            changes.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            binds.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, ast.Store):
            changes.add(_root(node))
        elif isinstance(node, ast.Expr) and node is not last and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Attribute):
            changes.add(_root(node.value.func))
    return reads, binds | (changes - modules - {None})


def _setup(source, modules):
    """A set-up cell: only imports and calls of imported modules (``nb.setup_notebook()``)."""
    body = ast.parse(source).body
    return bool(body) and all(
        isinstance(st, (ast.Import, ast.ImportFrom)) or (
            isinstance(st, ast.Expr) and isinstance(st.value, ast.Call)
            and _root(st.value.func) in modules) for st in body)


def _modules(nb):
    """Names the notebook's imports bind."""
    out = set()
    for c in nb.cells:
        if c.cell_type == "code":
            for node in ast.walk(ast.parse(c.source)):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    out.update((a.asname or a.name).split(".")[0] for a in node.names)
    return out


def needed_cells(nb):
    """Indices of the code cells the exercises need: the set-up cells (imports),
    the exercise cells (nbgrader's solution and graded cells) and, repeatedly,
    every earlier cell that binds or changes a name a needed cell reads."""
    code = [k for k, c in enumerate(nb.cells) if c.cell_type == "code"]
    modules = _modules(nb)
    info = {k: _uses_and_changes(nb.cells[k].source, modules) for k in code}
    exercise = [k for k in code if nb.cells[k].metadata.get("nbgrader", {}).get("solution")
                or nb.cells[k].metadata.get("nbgrader", {}).get("grade")]
    keep = set(exercise) | {k for k in code if _setup(nb.cells[k].source, modules)}
    need = set().union(*(info[k][0] for k in keep))
    grown = True
    while grown:
        grown = False
        for k in code:
            if k not in keep and k < max(exercise) and info[k][1] & need:
                keep.add(k)
                need |= info[k][0]
                grown = True
    return keep


def _handed_in(released, instructor, answered):
    """The released lesson, answered as the instructor did (alice) or not at all
    (bob), without the code cells its exercises do not need."""
    st, sol = nbformat.read(released, 4), nbformat.read(instructor, 4)
    for a, b in zip(st.cells, sol.cells):
        if answered and a.metadata.get("nbgrader", {}).get("solution"):
            assert a.metadata["nbgrader"]["grade_id"] == b.metadata["nbgrader"]["grade_id"]
            a.source = b.source       # the solution region, delimiters included
    keep = needed_cells(st)
    if not answered:                  # bob: set-up and exercise cells only
        keep = {k for k in keep if st.cells[k].metadata.get("nbgrader")
                or _setup(st.cells[k].source, _modules(st))}
    st.cells = [c for k, c in enumerate(st.cells) if c.cell_type != "code" or k in keep]
    return st


def test_needed_cells_keep_what_lesson_8_needs_and_drop_its_figures():
    nb = nbformat.read(REPO / "lessons" / "08_ei_network.ipynb", 4)
    keep = needed_cells(nb)
    kept = "\n".join(nb.cells[k].source for k in sorted(keep))
    # the network, its connections (method calls that change it) and its run
    assert "net.connect(pop, pop" in kept and "nb.simulate(system" in kept
    assert "st = nb.spike_trains(sol" in kept
    # figures and the explorer are not needed by the exercise
    assert "nb.explore(" not in kept and "st.isi().plot" not in kept


@pytest.fixture(scope="module")
def graded(course):
    """alice and bob hand in every lesson; one nbgrader autograde run."""
    for student, answered in (("alice", True), ("bob", False)):
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for nb in GRADED:
            nbformat.write(_handed_in(course / "release" / ASSIGNMENT / nb.name, nb, answered),
                           folder / nb.name)
    nbgrader(course, "autograde", ASSIGNMENT)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {(s, nb.stem): (sub.score, sub.max_score) for s in ("alice", "bob")
                for nb in GRADED
                for sub in [gb.find_submission_notebook(nb.stem, ASSIGNMENT, s)]}


@pytest.mark.slow
def test_autograde_scores_every_lesson_right_copy_fully_and_empty_copy_zero(course, graded):
    most = {}
    for nb in GRADED:
        source = nbformat.read(course / "source" / ASSIGNMENT / nb.name, 4)
        points = [c.metadata["nbgrader"]["points"] for c in source.cells
                  if c.metadata.get("nbgrader", {}).get("grade")]
        assert points, f"{nb.name}: no graded exercise"
        most[nb.stem] = sum(points)
    assert {k: v for k, v in graded.items() if k[0] == "alice"} == \
        {("alice", s): (m, m) for s, m in most.items()}
    assert {k: v for k, v in graded.items() if k[0] == "bob"} == \
        {("bob", s): (0, m) for s, m in most.items()}
    # the graded copies hold the hidden tests again (restored from the gradebook)
    for nb in GRADED:
        bob = nbformat.read(course / "autograded" / "bob" / ASSIGNMENT / nb.name, 4)
        graded_cells = [c for c in bob.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert graded_cells and all("BEGIN HIDDEN TESTS" in c.source for c in graded_cells)
