"""The course with nbgrader, end to end, in a throw-away course directory (no
network, no exchange).

* ``nbgrader generate_assignment`` on the instructor editions (``lessons/*.ipynb``,
  the nbgrader "source") releases exactly the student editions that
  ``lessons/build.py`` wrote to ``lessons/student/``: same cells, same sources,
  same nbgrader flags.
* One lesson is submitted twice and autograded: a copy filled in with the
  instructor's answers scores every point, an empty copy (the student edition
  as released) scores 0.  Autograding executes the notebook, so only the
  fastest lesson with two exercises is graded (the others' hidden tests run
  under nbval on the instructor edition).
"""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
GRADED = "01_first_neuron_fhn"   # two exercises, one of the fastest lessons to execute
FLAGS = ("grade", "grade_id", "locked", "points", "solution", "task")


def nbgrader(course, *args):
    out = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}"
    return out


ASSIGNMENT = "course"   # every lesson in one assignment: one nbgrader call each step


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


def _filled_in(student, instructor):
    """The student edition with each answer cell answered as the instructor did."""
    st, sol = nbformat.read(student, 4), nbformat.read(instructor, 4)
    answered = 0
    for a, b in zip(st.cells, sol.cells):
        if a.metadata.get("nbgrader", {}).get("solution"):
            assert a.metadata["nbgrader"]["grade_id"] == b.metadata["nbgrader"]["grade_id"]
            a.source = b.source           # the solution region, delimiters included: a
            answered += 1                 # student may leave comments of any kind
    assert answered >= 2
    return st


@pytest.mark.slow
def test_autograde_scores_a_right_copy_fully_and_an_empty_copy_zero(course):
    """alice hands in the lesson answered as the instructor did, bob hands it in
    as released; nbgrader restores the hidden tests, executes both and scores
    them (the other lessons of the assignment are not handed in)."""
    name = f"{GRADED}.ipynb"
    release = course / "release" / ASSIGNMENT / name
    for student in ("alice", "bob"):
        (course / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(_filled_in(release, REPO / "lessons" / name),
                   course / "submitted" / "alice" / ASSIGNMENT / name)
    shutil.copy(release, course / "submitted" / "bob" / ASSIGNMENT / name)
    nbgrader(course, "autograde", ASSIGNMENT)

    from nbgrader.api import Gradebook
    source = nbformat.read(course / "source" / ASSIGNMENT / name, 4)
    graded = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")]
    most = sum(c.metadata["nbgrader"]["points"] for c in graded)
    assert most >= 2
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: (nb.score, nb.max_score) for s in ("alice", "bob")
                  for nb in [gb.find_submission_notebook(GRADED, ASSIGNMENT, s)]}
    assert scores == {"alice": (most, most), "bob": (0, most)}, scores
    # the graded copies hold the hidden tests again (restored from the gradebook)
    bob = nbformat.read(course / "autograded" / "bob" / ASSIGNMENT / name, 4)
    assert sum("BEGIN HIDDEN TESTS" in c.source for c in bob.cells) == len(graded)
