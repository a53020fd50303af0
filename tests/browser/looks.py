"""What a reader sees on a page, measured: the checks shared by the served-lesson
and appearance tests (issue 16).  Each returns the offending items (empty: fine),
so a failing assertion prints what is wrong.

Functions
---------
terse_labels(axes)            axis labels that are a bare symbol ("A", "E", "w") or empty
headings_with(page, text)     visible headings (and the page header's title) reading ``text``
wider_than_page(page)         visible elements reaching past the right edge of the window
stray_values(page)            text of return values nobody asked to see (a dict, a repr)
roundoff_numbers(text)        numbers showing binary round-off ("0.9000000000000001")
dangling_intros(page)         served text ending in ":" with nothing shown after it
empty_cells(page)             served-lesson cell boxes with nothing in them
blank_menus(page)             visible drop-down menus showing no value
explorer_boxes(page)          each explorer's controls / views / lowest plot bounding boxes
explorer_gaps(page)           explorers with a tall empty area under a short plot
notebook_title(path)          a notebook's first Markdown heading
lesson_problems(page, path)   every served-lesson check at once: ``{check: offenders}``
"""
from __future__ import annotations

import json
import re

import lab

_SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,2}$")
_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")      # "regular_spiking", not "I_Na (mV)"
_DOTTED = re.compile(r"^[A-Za-z_]\w*\.[A-Za-z_]\w*$")       # "wc.P": a parameter's code name


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


_ROUNDOFF = re.compile(r"-?\d+\.\d*?(?:0{8,}|9{8,})\d{1,3}\b")


def roundoff_numbers(text):
    """Numbers in ``text`` that show binary round-off, ``0.9000000000000001`` or
    ``1.2999999999999998``: code or values nobody would have typed (lesson 7's
    builder code wrote the ring's ``0.3 + 0.2 * 3`` as ``P=0.9000000000000001``).

    >>> roundoff_numbers("P=0.9000000000000001, w=1.2999999999999998, t=1.05, 100000000.5")
    ['0.9000000000000001', '1.2999999999999998']
    """
    return _ROUNDOFF.findall(text)


_INTROS = lab._WALK + r"""() => {
  const deep = el => { let t = ''; for (const n of [...(el.shadowRoot ? el.shadowRoot.childNodes : []),
                                                   ...el.childNodes])
      t += n.nodeType === 3 ? n.textContent : (n.nodeType === 1 && !['SCRIPT', 'STYLE']
           .includes(n.tagName) ? deep(n) : ''); return t; };
  const kinds = ['nbblox-md', 'nbblox-cell', 'nbblox-exercise'];
  const blocks = [...walk(document.body)].filter(e => e.classList && visible(e)
      && kinds.some(k => e.classList.contains(k)))
    .map(e => ({kind: kinds.find(k => e.classList.contains(k)), top: e.getBoundingClientRect().top,
                text: deep(e).replace(/\s+/g, ' ').trim()}))
    .sort((a, b) => a.top - b.top);
  return blocks.filter((b, i) => b.kind === 'nbblox-md' && b.text.endsWith(':')
      && (i + 1 >= blocks.length || blocks[i + 1].kind === 'nbblox-md'))
    .map(b => b.text.slice(-100)); }"""


def dangling_intros(page):
    """Served text that introduces something (it ends with ":") followed by
    nothing shown: lesson 7's "... instead of one two-variable blox:" stood over
    a cell that only defines a function (a served page shows no code), so the
    next thing on the page was the next paragraph."""
    return page.evaluate(_INTROS)


_EMPTY = lab._WALK + """() => [...walk(document.body)].filter(e => e.classList &&
    e.classList.contains('nbblox-cell')).map(e => e.getBoundingClientRect().height)
    .filter(h => h < 4)"""


def empty_cells(page):
    """Heights of served cell boxes with nothing in them (an empty white card)."""
    return page.evaluate(_EMPTY)


_BLANK = lab._WALK + """() => [...walk(document.body)].filter(e => e.tagName === 'SELECT' &&
    visible(e) && e.options.length && e.selectedIndex < 0)
    .map(e => (e.parentElement || e).textContent.trim().slice(0, 40) || 'select')"""


def blank_menus(page):
    """Visible drop-down menus showing nothing (their value is not one of their
    options: lesson 14's explorer, ``method="em"``)."""
    return page.evaluate(_BLANK)


_EXPLORERS = lab._WALK + """() => {
  const all = [...walk(document.body)];
  const has = (e, c) => e.classList && e.classList.contains(c);
  const box = e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom,
                                                                  height: r.height}; };
  return all.filter(e => has(e, 'nbblox-explorer')).map(ex => {
    const inner = [...walk(ex)];
    const name = inner.find(e => has(e, 'nbblox-explorer-name'));
    const ctl = inner.find(e => has(e, 'nbblox-controls'));
    const views = inner.find(e => has(e, 'nbblox-views'));
    // the plots: Bokeh's canvases (stacked layers: the largest box per plot)
    const plots = [...walk(views)].filter(e => e.tagName === 'CANVAS' && visible(e)).map(box);
    return {name: name ? name.textContent.trim() : '', controls: box(ctl), views: box(views),
            plot_bottom: Math.max(...plots.map(b => b.bottom)), n_canvas: plots.length};
  }); }"""


def explorer_boxes(page):
    """Each explorer on the page: its name and the bounding boxes of its controls
    column, its views column and the bottom of its lowest plot (px)."""
    return page.evaluate(_EXPLORERS)


def explorer_gaps(page, tolerance=120):
    """Explorers whose controls reach more than ``tolerance`` px below their
    lowest plot: a short plot beside a tall empty area."""
    return [e for e in explorer_boxes(page)
            if e["controls"]["bottom"] - e["plot_bottom"] > tolerance]


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
    numbers showing round-off, text introducing nothing, empty cell boxes, plots with an
    unlabelled axis, an axis called "value" or a label longer than its axis, flat plots, titles that are code keys,
    axis labels that are code names, titles cut off at their plot's edge, units typed in ASCII,
    anything wider than the page."""
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
            "round-off in numbers": roundoff_numbers(text),
            "text introducing nothing": dangling_intros(page),
            "empty cells": empty_cells(page),
            "blank menus": blank_menus(page),
            "empty area under an explorer's plot": explorer_gaps(page),
            "unlabelled axes": [a for a in axes if not a["label"].strip()],
            # "value": says nothing (lesson 15's synaptic state, issue 16's HH plot)
            "axes called 'value'": [a for a in axes if a["label"].strip().lower() == "value"],
            "axis labels longer than their axis": lab.long_axis_labels(page),
            # a plot whose title and axes took its height (lesson 12's patterns: 40 px)
            "flat plots": [f for f in lab.plot_frames(page) if f["height"] < 80],
            # a dictionary key as a title ("regular_spiking": lesson 4's Izhikevich panels)
            "titles that are code keys": sorted({a["title"] for a in axes
                                                 if _KEY.match(a["title"].strip())}),
            # a parameter's code name as an axis label (lesson 10's cusp plot: wc.P, wc.c1)
            "axis labels that are code names": sorted({a["label"] for a in axes
                                                       if _DOTTED.match(a["label"].strip())}),
            # cut off at the canvas edge (lesson 10's heat map)
            "titles wider than their plot": lab.wide_titles(page),
            # units typed in ASCII ("7 uA/cm^2", "near 40 uA/cm²"): µA/cm² on a page
            "ASCII units": re.findall(r".{0,30}\buA/cm.{0,3}", text),
            "wider than the page": wider_than_page(page)}
