"""Build the two editions of every lesson from its source in lessons/src/.

Sources are plain Python in the "percent" format: ``# %%`` starts a code cell,
``# %% [markdown]`` a markdown cell whose lines start with ``# ``; options follow
as ``key=json`` (``tags=["nbval-check-output"]``, ``points=2``).

Exercises use nbgrader's conventions, so a lecturer can run nbgrader on the
instructor edition unchanged:

* an **answer cell** holds a ``### BEGIN SOLUTION`` ... ``### END SOLUTION``
  region (the instructor's answer); the lines around it stay for students
  (``my_x = None`` before it, the visible ``nb.lessons.check(...)`` after it);
* a **graded cell** holds a ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN
  TESTS`` region (``assert nb.lessons.check(...)``) and is worth ``points``
  (default 1); what is outside the region is what students see.  It is tagged
  ``nbval-check-output`` with no output, so anything it prints (a warning on
  stderr would make nbgrader give 0 points) fails nbval.

Each source gives

* ``lessons/NN_*.ipynb``, the **instructor edition** (nbgrader's "source"
  notebook: all solutions and hidden tests, nbgrader cell metadata).  It is
  executed once here; cells tagged ``nbval-check-output`` keep their output so
  that nbval compares them in CI, every other output is stripped (inline BokehJS
  would make megabytes).  The measured run time is written into the first cell.
* ``lessons/student/NN_*.ipynb``, the **student edition**: what
  ``nbgrader generate_assignment`` releases with ``lessons/nbgrader_config.py``
  (solution regions replaced by ``# YOUR CODE HERE``, hidden tests removed,
  outputs cleared, grade and answer cells locked / unlocked, nbgrader metadata
  kept).  It is not executed here: ``.ci/binder-sim`` runs it as a Binder
  student would.

    python lessons/build.py            # all lessons
    python lessons/build.py 01 03      # some
    python lessons/build.py --keep-time 01   # keep the run time stated in the
                                              # existing notebook
    python lessons/build.py --no-execute     # rewrite both editions from the
                                              # sources, keeping the stored outputs
"""
from __future__ import annotations

import copy
import json
import re
import sys
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
STUDENT = HERE / "student"
CELL = re.compile(r"^# %%(?: \[(markdown)\])?((?: \w+=\S+)*)\s*$")
OPTION = re.compile(r" (\w+)=(\S+)")
SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
#: what replaces a solution region in the student edition; the same as
#: ClearSolutions.code_stub in lessons/nbgrader_config.py (nbgrader's default
#: raises NotImplementedError, which would stop a student's run-all)
CODE_STUB = "# YOUR CODE HERE"
CHECK_CALL = re.compile(r"""check\(\s*["'](\w+)["']""")
NBVAL_TAGS = {"nbval-check-output", "nbval-ignore-output", "nbval-skip"}
RUN_TIME = re.compile(r"\*Runs top to bottom in about .*?\*", re.S)


def parse(text):
    """Cells of a percent-format source, with their tags and options."""
    cells, kind, opts, buf = [], None, {}, []

    def flush():
        if kind is None:
            return
        body = "\n".join(buf).strip("\n")
        if kind == "markdown":
            body = "\n".join(l[2:] if l.startswith("# ") else l.lstrip("#")
                             for l in body.splitlines())
            c = nbformat.v4.new_markdown_cell(body)
        else:
            c = nbformat.v4.new_code_cell(body)
        if opts.get("tags"):
            c.metadata["tags"] = list(opts["tags"])
        if "points" in opts:
            c.metadata["_points"] = opts["points"]
        cells.append(c)

    for line in text.splitlines():
        m = CELL.match(line)
        if m:
            flush()
            kind = m.group(1) or "code"
            opts = {k: json.loads(v) for k, v in OPTION.findall(m.group(2) or "")}
            buf = []
        else:
            buf.append(line)
    flush()
    return cells


def _has(cell, delimiters):
    return any(delimiters[0] in line for line in cell.source.splitlines())


def mark_exercises(cells, lesson):
    """nbgrader metadata (schema 3) on the answer and graded cells.

    A graded cell is named after the exercise its hidden test checks
    (``check("fhn_rest_V", ...)`` -> ``fhn_rest_V``); the answer cell just
    before it gets the same name with ``_answer``.
    """
    used = set()
    for k, c in enumerate(cells):
        points = c.metadata.pop("_points", None)
        solution, graded = _has(c, SOLUTION), _has(c, HIDDEN)
        if not (solution or graded):
            continue
        if solution and graded:
            raise ValueError(f"{lesson}: cell {k} holds both a solution and hidden tests; "
                             "put them in two cells")
        names = CHECK_CALL.findall(c.source) or (
            CHECK_CALL.findall(cells[k + 1].source) if solution and k + 1 < len(cells) else [])
        base = names[0] if names else f"{lesson[:2]}_cell{k}"
        grade_id = base + ("_answer" if solution else "")
        if grade_id in used:
            raise ValueError(f"{lesson}: two exercise cells are both named {grade_id!r}")
        used.add(grade_id)
        meta = {"grade": graded, "grade_id": grade_id, "locked": graded,
                "schema_version": 3, "solution": solution, "task": False}
        if graded:
            meta["points"] = int(points or 1)
            # nbval compares the (empty) output: a warning on stderr, which would cost
            # a student the point under nbgrader, fails the instructor edition in CI
            c.metadata["tags"] = sorted(set(c.metadata.get("tags", [])) | {"nbval-check-output"})
        c.metadata["nbgrader"] = meta
    return cells


def _strip_region(source, delimiters, stub=None):
    """nbgrader's rule: the lines between the delimiters go; ``stub`` (indented
    like the BEGIN line) takes their place."""
    out, inside = [], False
    for line in source.split("\n"):
        if delimiters[0] in line:
            inside = True
            if stub is not None:
                indent = re.match(r"\s*", line).group(0)
                out += [indent + s for s in stub.split("\n")]
        elif delimiters[1] in line:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"no '{delimiters[1]}' after '{delimiters[0]}':\n{source}")
    return "\n".join(out)


def student_edition(nb):
    """The notebook a student gets (see the module docstring)."""
    st = copy.deepcopy(nb)
    st.metadata["nbblox"] = {"edition": "student"}
    for c in st.cells:
        tags = [t for t in c.metadata.get("tags", []) if t not in NBVAL_TAGS]
        if tags:
            c.metadata["tags"] = tags
        else:
            c.metadata.pop("tags", None)
        c.metadata.pop("execution", None)
        grader = c.metadata.get("nbgrader", {})
        if grader.get("solution") or grader.get("grade"):    # nbgrader's LockCells
            c.metadata["deletable"] = False
            if not grader.get("solution"):
                c.metadata["editable"] = False
        if c.cell_type != "code":
            continue
        c.source = _strip_region(c.source, SOLUTION, CODE_STUB)
        c.source = _strip_region(c.source, HIDDEN)
        c.outputs, c.execution_count = [], None
    return st


def _stated_sentence(path):
    """The run-time sentence of an existing notebook's first cell, or None."""
    if not path.exists():
        return None
    m = RUN_TIME.search(nbformat.read(path, 4).cells[0].source)
    return m.group(0) if m and re.search(r"about \d+ s", m.group(0)) else None


def _load():
    """The machine's 1-minute load average (None where /proc is missing)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def sentence(seconds, load):
    """How a lesson states its run time: as measured, with the load it had.

    >>> sentence(53.2, 11.6)
    '*Runs top to bottom in about 55 s on a shared 2-core machine at load 12 (measured by lessons/build.py; first run: numba kernels are then cached).*'
    """
    at = f" at load {load:.0f}" if load is not None else ""
    return (f"*Runs top to bottom in about {stated(seconds)} s on a shared 2-core machine{at} "
            "(measured by lessons/build.py; first run: numba kernels are then cached).*")


def stated(seconds):
    """A run time as stated in a lesson: rounded up to 5 s, at least 5 s."""
    return max(5, 5 * -(-int(round(seconds)) // 5))


def number_cells(cells, lesson):
    """Cell ids from the lesson and the cell's place in it (nbformat draws random
    ones), so that rebuilding an unchanged lesson writes the same bytes and a
    diff shows only what changed.

    >>> [c.id for c in number_cells(parse("# %%\\nx = 1\\n# %% [markdown]\\n# hi"), "01_a")]
    ['01_a-000', '01_a-001']
    """
    for k, c in enumerate(cells):
        c.id = f"{lesson[:56]}-{k:03d}"     # nbformat: 1-64 characters of [a-zA-Z0-9_-]
    return cells


def build(src: Path, execute=True, keep_time=False):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = number_cells(mark_exercises(parse(src.read_text()), src.stem), src.stem)
    out = HERE / (src.stem + ".ipynb")
    old = nbformat.read(out, 4) if out.exists() else None
    if execute:
        import os
        import tempfile
        from nbclient import NotebookClient
        env = dict(os.environ)
        if not keep_time:    # the time stated is a first run's: an empty kernel cache
            env["NBBLOX_CACHE_DIR"] = tempfile.mkdtemp(prefix="nbblox-build-cache-")
        load0, t0 = _load(), time.perf_counter()
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        client.execute(env=env)
        took, load1 = time.perf_counter() - t0, _load()
        load = None if None in (load0, load1) else 0.5 * (load0 + load1)
        # a warning in a pink box on a clean run looks broken to a student: say so loudly
        noisy = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "code"
                 and any(o.get("name") == "stderr" for o in c.outputs)]
        if noisy:
            print(f"{src.name}: WARNING: cells print to stderr (a pink box for students): {noisy}")
        said = (_stated_sentence(out) if keep_time else None) or sentence(took, load)
        nb.metadata.pop("widgets", None)   # saved widget state (the builder's ESM)
        for c in nb.cells:
            c.metadata.pop("execution", None)
            if c.cell_type == "code" and "nbval-check-output" not in c.metadata.get("tags", []):
                c.outputs, c.execution_count = [], None
        print(f"{out.name}: executed in {took:.1f} s at load {load} (stated: {said})")
    else:   # keep what the last execution stored, for cells whose source is unchanged
        said = _stated_sentence(out)
        if old is not None and "language_info" in old.metadata:   # the kernel's, as executed
            nb.metadata["language_info"] = old.metadata["language_info"]
        kept = {c.source: c for c in (old.cells if old else []) if c.cell_type == "code"}
        for c in nb.cells:
            if c.cell_type == "code" and c.source in kept and \
                    "nbval-check-output" in c.metadata.get("tags", []):
                c.outputs = kept[c.source].outputs
                c.execution_count = kept[c.source].execution_count
    if said:
        nb.cells[0].source = RUN_TIME.sub(lambda m: said, nb.cells[0].source)
    nbformat.write(nb, out)
    STUDENT.mkdir(exist_ok=True)
    nbformat.write(student_edition(nb), STUDENT / out.name)
    return out


def main(args):
    flags = {a for a in args if a.startswith("--")}
    args = [a for a in args if not a.startswith("--")]
    srcs = sorted((HERE / "src").glob("*.py"))
    if args:
        srcs = [s for s in srcs if any(s.name.startswith(a) for a in args)]
    for s in srcs:
        build(s, execute="--no-execute" not in flags, keep_time="--keep-time" in flags)


if __name__ == "__main__":
    main(sys.argv[1:])
