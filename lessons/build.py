"""Build the lesson notebooks from their sources in lessons/src/.

Sources are plain Python in the "percent" format (``# %%`` starts a code
cell, ``# %% [markdown]`` a markdown cell whose lines start with ``# ``;
``# %% tags=["raises-exception"]`` adds tags).  Each notebook is executed
once (nbclient, in lessons/): cells marked ``# NBVAL_CHECK_OUTPUT`` keep their
output and execution count so nbval compares them in CI; every other output
is stripped (inline BokehJS would make notebooks megabytes).  The measured
run time is written into the lesson's first cell.

    python lessons/build.py            # all lessons
    python lessons/build.py 01 03      # some
    python lessons/build.py --keep-time 01   # keep the run time stated in the
                                              # existing notebook (rebuilding on a
                                              # loaded machine would inflate it)
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
CELL = re.compile(r"^# %%(?: \[(markdown)\])?(?: tags=(\[.*\]))?\s*$")


def parse(text):
    cells, kind, tags, buf = [], None, [], []

    def flush():
        if kind is None:
            return
        body = "\n".join(buf).strip("\n")
        if kind == "markdown":
            body = "\n".join(l[2:] if l.startswith("# ") else l.lstrip("#") for l in body.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(body))
        else:
            c = nbformat.v4.new_code_cell(body)
            if tags:
                c.metadata["tags"] = tags
            cells.append(c)

    for line in text.splitlines():
        m = CELL.match(line)
        if m:
            flush()
            kind = m.group(1) or "code"
            tags = json.loads(m.group(2)) if m.group(2) else []
            buf = []
        else:
            buf.append(line)
    flush()
    return cells


def _stated_time(path):
    """The run time stated in an existing notebook's first cell, or None."""
    if not path.exists():
        return None
    m = re.search(r"\*Runs top to bottom in about (\d+) s", nbformat.read(path, 4).cells[0].source)
    return int(m.group(1)) if m else None


def build(src: Path, execute=True, keep_time=False):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = parse(src.read_text())
    out = HERE / (src.stem + ".ipynb")
    if execute:
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(HERE)}}).execute()
        took = time.perf_counter() - t0
        stated = (_stated_time(out) if keep_time else None) or max(1, round(took))
        first = nb.cells[0]
        first.source = re.sub(r"\*Runs top to bottom in about .*?\*",
                              f"*Runs top to bottom in about {stated} s on a "
                              "2-core machine (first run; numba kernels are then cached).*",
                              first.source)
        nb.metadata.pop("widgets", None)   # saved widget state (the builder's ESM)
        for c in nb.cells:
            if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" not in c.source:
                c.outputs, c.execution_count = [], None
        print(f"{out.name}: executed in {took:.1f} s (stated: {stated} s)")
    nbformat.write(nb, out)
    return out


def main(args):
    keep_time = "--keep-time" in args
    args = [a for a in args if a != "--keep-time"]
    srcs = sorted((HERE / "src").glob("*.py"))
    if args:
        srcs = [s for s in srcs if any(s.name.startswith(a) for a in args)]
    for s in srcs:
        build(s, keep_time=keep_time)


if __name__ == "__main__":
    main(sys.argv[1:])
