"""Notebook cards (nbblox/viz/cards.py): a Circuit in a cell shows the whole
circuit (issue 16: it showed one type's equations, no names, no connections);
the catalog is a table, not a list of dicts."""
from html.parser import HTMLParser

import nbblox as nb


class _Parse(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse(markup):
    p = _Parse()
    p.feed(markup)
    return p.tags, " ".join(p.text)


def test_circuit_card_has_diagram_blox_connections_and_equations_per_type():
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b", P=0.5)
    f = nb.blox.FitzHughNagumo(name="f")
    c = nb.Circuit([a, b, f], name="trio").connect(a, b, weight=1.5).connect(b, f, weight=-0.5)
    tags, text = parse(c._repr_html_())
    assert tags.count("svg") == 1 and tags.count("circle") == 3 and tags.count("line") == 2
    for s in ("trio", "3 blox, 2 connections", "Wilson–Cowan", "FitzHugh–Nagumo",
              "a → b", "b → f", "-0.5", "P = 0.5"):
        assert s in text, s
    # one block of equations per type, naming its blox
    assert text.count("\\begin{aligned}") == 2 and "(a, b)" in text and "(f)" in text


def test_circuit_card_escapes_model_text():
    b = nb.Blox.from_equations("dx/dt = -x", name="x", type_name="T")
    c = nb.Circuit([b], name="<img src=x onerror=alert(1)>")
    tags, text = parse(c._repr_html_())
    assert "img" not in tags and "<img src=x onerror=alert(1)>" in text


def test_catalog_is_a_table_and_still_a_list():
    rows = nb.blox.catalog()
    assert isinstance(rows, list) and rows[0]["name"]
    tags, text = parse(rows._repr_html_())
    assert tags.count("tr") == len(rows) + 1 and "HodgkinHuxley" in text
    assert "Hodgkin–Huxley" in text                 # the model a person reads, by its code name
    assert list(rows.to_pandas().columns) == ["name", "title", "kind", "states", "source"]


def _label_boxes_and_lines(svg):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    boxes = []
    for t in root.iter(ns + "text"):
        x, y, w = float(t.get("x")), float(t.get("y")), 7.0 * len(t.text)  # 12 px sans-serif
        boxes.append((t.text, x - w / 2, y - 11, x + w / 2, y + 2))
    lines = [tuple(float(ln.get(a)) for a in ("x1", "y1", "x2", "y2"))
             for ln in root.iter(ns + "line")]
    return boxes, lines


def test_circuit_diagram_arrows_do_not_cross_the_names():
    """The card of two connected Wilson-Cowan blox drew the arrow a -> b straight
    through the name "a" (names sat below every node)."""
    from nbblox.viz.cards import circuit_svg
    for n in (2, 3, 4, 5):
        bs = [nb.blox.WilsonCowan(name=f"wc{i}") for i in range(n)]
        c = nb.Circuit(bs, name="ring")
        for i in range(n):
            for j in range(n):
                if i != j:
                    c.connect(bs[i], bs[j], weight=1.0)
        boxes, lines = _label_boxes_and_lines(circuit_svg(c))
        assert len(boxes) == n and len(lines) == n * (n - 1)
        for x1, y1, x2, y2 in lines:
            for s in [k / 200 for k in range(201)]:
                px, py = x1 + s * (x2 - x1), y1 + s * (y2 - y1)
                hit = [b[0] for b in boxes if b[1] <= px <= b[3] and b[2] <= py <= b[4]]
                assert not hit, f"{n} blox: an arrow crosses the name {hit[0]}"


def test_card_counts_agree_with_their_nouns_and_name_models_as_people_do():
    """Issue 16: the card said "2 blox, 1 connections" and "FitzHughNagumo"."""
    a, b = nb.blox.FitzHughNagumo(name="a"), nb.blox.FitzHughNagumo(name="b")
    tags, text = parse(nb.Circuit([a, b], name="pair").connect(a, b, weight=0.5)._repr_html_())
    assert "Circuit 'pair': 2 blox, 1 connection" in text and "connections" not in text
    assert "FitzHugh–Nagumo" in text and "FitzHughNagumo" not in text
    lif = nb.blox.LIF(name="n")
    _, text = parse(nb.Circuit([lif], name="one")._repr_html_())
    assert "1 blox, 0 connections" in text and "Leaky integrate-and-fire" in text
