"""Model text is text, never markup (issue 23, item 1: stored XSS from circuit files).

A circuit file carries ``<img src=x onerror=...>`` in every free-text field
(circuit name, type doc, citation, parameter doc and unit), plus a TeX-wrapped
copy in a unit (Bokeh hands the text around ``$$..$$`` in a widget title to
innerHTML).  Each front end is rendered to its Bokeh models and every
property the browser interprets as HTML is parsed: no ``<img>`` element may
appear, while the payload text is still present (shown literally).
"""
import html
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import nbblox as nb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile import CIRCUIT_NAME, PAYLOAD, hostile_circuit_dict  # noqa: E402


@pytest.fixture(scope="module")
def hostile():
    return nb.Circuit.from_json(json.dumps(hostile_circuit_dict()))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(markup):
    p = _Tags()
    p.feed(markup)
    return p


def _strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, (list, tuple)):
        for x in v:
            yield from _strings(x)
    elif isinstance(v, dict):
        for x in v.values():
            yield from _strings(x)


def rendered_markup(root):
    """(model, property, HTML the browser builds) for every Bokeh property
    under ``root`` that is interpreted as HTML, and the text-rendered titles."""
    from bokeh.models import Div
    from bokeh.models.dom import HTML as DomHTML
    from panel.models.markup import HTML as PanelHTML
    out, texts = [], []
    for m in root.references():
        props = m.properties_with_values(include_defaults=True)
        if isinstance(m, PanelHTML):
            out.append((m, "text", html.unescape(props["text"])))  # sent escaped, unescaped in JS
        elif isinstance(m, DomHTML):
            out.extend((m, "html", s) for s in _strings(props["html"]))
        elif isinstance(m, Div) and not props.get("render_as_text"):
            out.append((m, "text", props["text"]))
        for name in ("title", "label", "text"):
            if isinstance(props.get(name), str):
                texts.append((m, name, props[name]))
    return out, texts


def _equations(model, text):
    """Whether ``text`` is a blox type's equations pane: one ``$$...$$`` block of TeX
    with no markup, typeset by MathJax (an HTML pane with maths on; its text is sent
    escaped) or by KaTeX (the notebook fallback)."""
    name = type(model).__name__
    if name == "HTML" and not model.disable_math:
        text = html.unescape(text)
    elif name != "KaTeX":
        return False
    return (text.startswith("$$") and text.endswith("$$") and text.count("$$") == 2
            and "<" not in text and "img" not in text)


def assert_text_not_markup(root):
    markup, texts = rendered_markup(root)
    injected = [(type(m).__name__, p, tag) for m, p, h in markup for tag in parse(h).tags
                if tag[0] == "img" or any(k.startswith("on") for k in tag[1])]
    assert not injected, injected
    # a TeX delimiter in a text-rendered title would make Bokeh paste it as HTML
    # (the equations' pane is generated from SymPy: no model text, no markup)
    texy = [(type(m).__name__, p, s) for m, p, s in texts if "$$" in s and not _equations(m, s)]
    assert not texy, texy
    shown = " ".join(" ".join(parse(h).text) for _, _, h in markup) + " ".join(
        s for _, _, s in texts)
    return shown


def test_dashboard_shows_every_model_string_as_text(hostile):
    from bokeh.document import Document
    import panel as pn
    d = nb.dashboard(hostile, t_end=20.0)
    for name in d.system.param_names:          # build every slider and tooltip
        d.explorer.controls.slider(name)
    root = pn.Row(d, pn.Column(*[d.explorer.controls.slider(n)[1]
                                 for n in d.system.param_names])).get_root(Document())
    shown = assert_text_not_markup(root)
    # and the payload is there to read, verbatim (HTML text nodes or text-rendered titles)
    assert shown.count(PAYLOAD) >= 4, shown
    assert CIRCUIT_NAME in shown          # name: no Markdown, no format


def test_dashboard_tooltips_are_text_nodes(hostile):
    from bokeh.models import Tooltip
    d = nb.dashboard(hostile, t_end=20.0)
    _, row = d.explorer.controls.slider("a.I")
    tip = row[1].value
    assert isinstance(tip, Tooltip) and isinstance(tip.content, str)   # a string is a text node
    assert PAYLOAD in tip.content


def test_dashboard_template_header_escapes_the_title(hostile):
    from bokeh.document import Document
    d = nb.dashboard(hostile, t_end=20.0)
    tpl = d.template()
    tpl._init_doc(Document())
    header = tpl._render_variables["app_title"]
    assert "<img" not in str(header) and "&lt;img" in str(header)


def test_upload_error_quoting_model_text_is_text():
    d = nb.dashboard(nb.blox.FitzHughNagumo(name="fhn"), t_end=10.0)
    bad = hostile_circuit_dict()
    bad["blox"][0]["params"]["nope" + PAYLOAD] = 1.0           # the error quotes this name
    d._on_upload(type("E", (), {"new": json.dumps(bad).encode()})())
    assert d.alert.visible
    rendered = d.alert._transform_object(d.alert.object)["object"]
    tags = parse(html.unescape(rendered)).tags
    assert not [t for t in tags if t[0] == "img"], rendered
    assert "img src=x" in html.unescape(html.unescape(rendered))


def test_explorer_error_and_status_are_text():
    b = nb.Blox.from_equations("dx/dt = -k*x", params={"k": (1.0, (0, 5), "1/ms", "rate")},
                               name="decay", init={"x": 1.0})
    ex = nb.explore(b, t_end=5.0)
    ex.error = "boom " + PAYLOAD + " V**3"
    ex.controls.show_status()
    for pane in (ex.controls.status, ex.controls.alert):
        rendered = html.unescape(pane._transform_object(pane.object)["object"])
        p = parse(rendered)
        assert not [t for t in p.tags if t[0] in ("img", "em", "strong") and
                    pane is ex.controls.status], rendered
        assert not [t for t in p.tags if t[0] == "img"], rendered
    # the message is shown once, in the alert (the status line only says a run failed)
    rendered = html.unescape(ex.controls.alert._transform_object(
        ex.controls.alert.object)["object"])
    assert "boom " + PAYLOAD + " V**3" in "".join(parse(rendered).text)


def test_describe_card_is_text(hostile):
    from markdown_it import MarkdownIt
    from nbblox.model.library import describe
    md = describe(hostile.blox["a"].type)._repr_markdown_()
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    p = parse(rendered)
    assert not [t for t in p.tags if t[0] == "img"], rendered
    assert "doc " + PAYLOAD in "".join(p.text)
    assert rendered.count("<tr>") == 1 + len(hostile.blox["a"].type.params)   # table intact


def test_circuit_card_is_text(hostile):
    """The notebook card (``Circuit._repr_html_``) of the issue's file: the
    circuit and type names it shows are text, and no field becomes markup."""
    card = hostile._repr_html_()
    p = parse(card)
    assert not [t for t in p.tags if t[0] == "img" or any(k.startswith("on") for k in t[1])]
    shown = "".join(p.text)
    # the type reads as its title's words; its identifier stays as an attribute value
    assert CIRCUIT_NAME in shown and "FHN custom" in shown
    assert any(t[1].get("title") == "FHN_custom" for t in p.tags)


def test_builder_side_never_builds_html_from_model_text():
    """The builder's JavaScript creates elements and sets textContent / attributes;
    no innerHTML (or friends) anywhere, so model text cannot become markup."""
    from pathlib import Path
    js = (Path(nb.__file__).parent / "widgets" / "circuit_builder.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function"):
        assert sink not in js, sink
    assert "el.textContent = v" in js          # the one element factory writes text


def test_builder_svg_export_escapes_names():
    from nbblox.ui.builder.layout import to_svg
    c = nb.Circuit.from_json(json.dumps(hostile_circuit_dict()))
    svg = to_svg(c, {"a": (0, 0), "b": (200, 0)})
    assert not [t for t in parse(svg).tags if t[0] == "img"]
