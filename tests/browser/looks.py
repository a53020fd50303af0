"""What a reader sees on a page, measured: the checks shared by the served-lesson
and appearance tests (issue 16).  Each returns the offending items (empty: fine),
so a failing assertion prints what is wrong.

Functions
---------
terse_labels(axes)            axis labels that are a bare symbol ("A", "E", "w") or empty
headings_with(page, text)     visible headings (and the page header's title) reading ``text``
wider_than_page(page)         visible elements reaching past the right edge of the window
stray_values(page)            text of return values nobody asked to see (a dict, a repr)
empty_cells(page)             served-lesson cell boxes with nothing in them
notebook_title(path)          a notebook's first Markdown heading
lesson_problems(page, path)   every served-lesson check at once: ``{check: offenders}``
"""
from __future__ import annotations

import json
import re

import lab

_SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,2}$")


def terse_labels(axes):
    """Axis labels (from :func:`lab.axis_labels`) that are empty or a bare
    symbol of up to three characters with neither a unit nor words: a reader
    cannot tell what "A" is.  ``"V (mV)"``, ``"A · fraction of cells firing"``,
    ``"m, h, n"`` (the gates, named together) and ``"time (ms)"`` pass.

    >>> terse_labels([{"label": "A"}, {"label": "V (mV)"}, {"label": ""}, {"label": "m, h, n"}])
    [{'label': 'A'}, {'label': ''}]
    """
    return [a for a in axes if not a["label"].strip() or _SYMBOL.match(a["label"].strip())]


_HEADINGS = lab._WALK + r"""(text) => {
  const norm = s => s.replace(/\s+/g, ' ').trim();
  const out = [];
  for (const el of walk(document.body)) {
    const tag = el.tagName || '';
    const heading = /^H[1-6]$/.test(tag) || (el.classList && (el.classList.contains('title')
                    || el.classList.contains('app-header')));
    if (heading && visible(el) && norm(el.textContent) === norm(text))
      out.push(tag.toLowerCase() + '.' + String(el.className || '').slice(0, 40));
  }
  return out; }"""


def headings_with(page, text):
    """Visible headings (``h1``-``h6``, a template's ``.title``) whose text is
    ``text``: a lesson's title belongs in exactly one of them."""
    return page.evaluate(_HEADINGS, text)


_WIDE = lab._WALK + r"""() => {
  const right = document.documentElement.clientWidth, out = [];
  for (const el of walk(document.body)) {
    // not painted: Bokeh's per-renderer placeholders and KaTeX's screen-reader copy
    if (/Renderer\b/.test(String(el.className)) || (el.closest && el.closest('.katex-mathml')))
      continue;
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > right + 1)
      out.push({tag: el.tagName, cls: String(el.className || '').slice(0, 60),
                right: Math.round(r.right), page: right});
  }
  return out.slice(0, 10); }"""


def wider_than_page(page):
    """Visible elements (shadow DOM included) reaching past the window's right
    edge: a figure or a formula a reader has to scroll sideways for."""
    return page.evaluate(_WIDE)


_STRAY = ("inline: true", "{'inline'", "<Solution", " object at 0x", "Object inline")


def stray_values(page):
    """Return values shown that nobody asked to see: ``nb.setup_notebook()``'s
    dict, a default repr (``<... object at 0x...>``)."""
    text = lab.page_text(page)
    return [s for s in _STRAY if s in text]


_EMPTY = lab._WALK + """() => [...walk(document.body)].filter(e => e.classList &&
    e.classList.contains('nbblox-cell')).map(e => e.getBoundingClientRect().height)
    .filter(h => h < 4)"""


def empty_cells(page):
    """Heights of served cell boxes with nothing in them (an empty white card)."""
    return page.evaluate(_EMPTY)


def notebook_title(path):
    """The first Markdown heading of notebook ``path`` (what the page header shows)."""
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return path.stem


def lesson_problems(page, path):
    """Every check of a served lesson page, ``{check: offenders}`` (all empty: fine):
    raw TeX or an HTML entity in text nodes, the title not shown exactly once, a stray return value,
    empty cell boxes, plots with an unlabelled axis, anything wider than the page."""
    title = notebook_title(path)
    shown = headings_with(page, title)
    axes = lab.axis_labels(page)
    text = lab.page_text(page)
    return {"raw maths": lab.raw_math(page, "body"),
            # an HTML entity shown as text: "a &gt; 1" (maths escaped twice)
            "entities as text": re.findall(r".{0,30}&(?:gt|lt|amp);.{0,30}", text),
            "title not shown once": [] if len(shown) == 1 and page.title() == title
            else [page.title(), shown],
            "stray return values": stray_values(page),
            "empty cells": empty_cells(page),
            "unlabelled axes": [a for a in axes if not a["label"].strip()],
            "wider than the page": wider_than_page(page)}
