"""The lessons gallery: copy executed notebooks into lessons/generated/ and write
the card grid (title and learning goals of each lesson) that lessons/index.md
includes.  Nothing is executed here."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path


def _summary(nb):
    """(title, learning goals) from the first Markdown cell of a lesson: the heading
    without its "Lesson N —" prefix, and the numbered goals that follow
    "**Learning goals.**" (each lesson opens this way; see lessons/src/)."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        heading = re.search(r"^#\s+(.+)$", text, re.M)
        title = heading.group(1).strip() if heading else None
        if title:
            title = re.sub(r"^Lesson\s+\d+\s*[—:-]\s*", "", title)
        goals = []
        if "Learning goals" in text:
            after = text.split("Learning goals", 1)[1]
            for item in re.findall(r"^\d+\.\s+(.*(?:\n(?!\d+\.|\n)\s+.*)*)", after, re.M):
                goals.append(" ".join(item.split()).rstrip(";."))
        return title, goals
    return None, []


# HoloViews' comm bookkeeping: meaningless without a kernel, and each output carries
# the same content as a renderable type (text/html, application/javascript) beside it
_KERNEL_ONLY = ("application/vnd.holoviews_load.v0+json", "application/vnd.holoviews_exec.v0+json")


def _static(nb):
    """The notebook with the outputs a static page can show (nothing re-executed)."""
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for key in ("data", "metadata"):
                for mime in _KERNEL_ONLY:
                    out.get(key, {}).pop(mime, None)
    return nb


def write_gallery(source: Path, out: Path, executed: bool):
    """Copy ``source/*.ipynb`` to ``out`` and write ``out/cards.inc`` (included by
    lessons/index.md; not a page of its own)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cards = []
    for path in sorted(source.glob("[0-9][0-9]_*.ipynb")):
        nb = _static(json.loads(path.read_text(encoding="utf-8")))
        (out / path.name).write_text(json.dumps(nb), encoding="utf-8")
        title, goals = _summary(nb)
        number = path.name[:2].lstrip("0")
        body = "\n".join(f"- {g}" for g in goals)
        cards.append(f":::::{{grid-item-card}} {title or path.stem}\n"
                     f":link: generated/{path.stem}\n:link-type: doc\n"
                     f":class-header: nbb-lesson-number\n\n"
                     f":::{{card-header}}\nLesson {number}\n:::\n{body}\n:::::\n")
    note = "" if executed else (
        "\n:::{note}\nThese pages show the lessons as stored, without their plots: "
        "build with executed notebooks (`NBBLOX_DOCS_LESSONS`, see docs/README.md) to "
        "see every figure.\n:::\n")
    (out / "cards.inc").write_text(
        note + "\n::::::{grid} 1 1 2 2\n:gutter: 3\n\n" + "\n".join(cards) + "::::::\n",
        encoding="utf-8")
