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
    for s in ("trio", "3 blox, 2 connections", "WilsonCowan", "FitzHughNagumo",
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
    assert list(rows.to_pandas().columns) == ["name", "kind", "states", "source"]
