"""The circuit builder's JavaScript in real headless Chromium, no Jupyter.

A static page loads widgets/circuit_builder.js from a blob: URL and renders it
with a stand-in model (tests/browser/js/fake_model.js).  The stand-in is wired
to a real Python CircuitBuilder by `pump()`: what the page sent is handed to
the builder, and the builder's answers are delivered back -- exactly the
round trip the Jupyter comm does, one message at a time.  Mouse drags use
Playwright's real pointer events.
"""
import json
from pathlib import Path

import pytest

import lab
import nbblox as nb
from nbblox.ui.builder import CircuitBuilder, widget_asset

HERE = Path(__file__).resolve().parent
ESM = widget_asset("circuit_builder.js").read_text()
CSS = widget_asset("circuit_builder.css").read_text()
FAKE = (HERE / "js" / "fake_model.js").read_text()

MOUNT = """async ([esm, state, noSend]) => {
  const url = URL.createObjectURL(new Blob([esm], {type: 'text/javascript'}));
  const mod = await import(url);
  window.nbbMod = mod;
  window.model = makeFakeModel(state, {noSend});
  const el = document.getElementById('root');
  el.replaceChildren();
  window.cleanup = await mod.default.render({ model: window.model, el });
  return typeof window.cleanup;
}"""


@pytest.fixture(scope="module")
def chrome():
    lab.require_browser()
    with lab.chromium_page(viewport=(1300, 800)) as page:
        yield page


class Harness:
    def __init__(self, page, builder, no_send=False):
        self.page, self.b, self.out = page, builder, []
        builder._model.subscribe(self.out.append)
        page.set_content(f"<html><head><style>{CSS}</style></head><body style='margin:0'>"
                         "<div id='root' style='width:1250px'></div></body></html>")
        page.add_script_tag(content=FAKE)
        state = {"palette": builder.palette, "snapshot": builder.snapshot, "inbox": [],
                 "t_end": builder.t_end, "height": 600}
        assert page.evaluate(MOUNT, [ESM, state, no_send]) == "function"
        self.no_send = no_send
        self.pump()

    def sent(self):
        if self.no_send:   # the inbox trait: process each new save's messages
            saves = self.page.evaluate("model.saves.splice(0)")
            return [s["inbox"] for s in saves]
        return [[m] for m in self.page.evaluate("model.sent.splice(0)")]

    def pump(self, rounds=5):
        """Deliver page -> Python -> page messages until both sides are quiet."""
        for _ in range(rounds):
            batches = self.sent()
            for batch in batches:
                if self.no_send:
                    self.b.inbox = batch
                else:
                    for m in batch:
                        self.b._receive(m)
            replies, self.out[:] = json.loads(json.dumps(self.out)), []
            if replies:
                self.page.evaluate("ms => ms.forEach(m => model._py_send(m))", replies)
            if not batches and not replies:
                return

    # -- gestures
    def center(self, selector):
        box = self.page.locator(selector).first.bounding_box()
        assert box is not None, selector
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def drag(self, frm, to):
        self.page.mouse.move(*frm)
        self.page.mouse.down()
        self.page.mouse.move((frm[0] + to[0]) / 2, (frm[1] + to[1]) / 2, steps=4)
        self.page.mouse.move(*to, steps=4)
        self.page.mouse.up()

    def canvas_point(self, fx, fy):
        box = self.page.locator(".nbb-canvas").bounding_box()
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    def drop_from_palette(self, type_name, fx, fy):
        self.drag(self.center(f".nbb-item[data-type='{type_name}']"), self.canvas_point(fx, fy))

    def connect(self, src, dst):
        self.drag(self.center(f".nbb-node[data-name='{src}'] .nbb-port"),
                  self.center(f".nbb-node[data-name='{dst}'] rect"))

    def message(self):
        return self.page.text_content(".nbb-msg")


@pytest.fixture
def ui(chrome):
    return Harness(chrome, CircuitBuilder())


def test_palette_is_grouped_and_searchable(ui):
    page = ui.page
    kinds = page.eval_on_selector_all(".nbb-group", "gs => gs.map(g => g.dataset.kind)")
    assert kinds[:2] == ["neuron", "neural_mass"] and {"input", "observer"} <= set(kinds)
    titles = page.eval_on_selector_all(".nbb-group-title", "ts => ts.map(t => t.textContent)")
    assert "Neural masses" in titles and "Inputs" in titles
    n_all = page.locator(".nbb-item").count()
    assert n_all == len(nb.blox.CATALOG)
    page.fill(".nbb-search", "wilson")
    assert page.eval_on_selector_all(".nbb-item", "xs => xs.map(x => x.dataset.type)") == [
        "WilsonCowan", "WilsonCowanNMA", "WilsonCowanNeurolib", "WilsonCowanNeuroblox",
        "WilsonCowanPopulation"]
    page.fill(".nbb-search", "")
    assert page.locator(".nbb-item").count() == n_all


def test_drag_drop_connect_and_edit_reach_python(ui):
    page, b = ui.page, ui.b
    ui.drop_from_palette("WilsonCowan", 0.3, 0.4)
    ui.drop_from_palette("WilsonCowan", 0.7, 0.6)
    assert page.locator(".nbb-node").count() == 2          # drawn at once, before Python answers
    ui.pump()
    assert list(b.circuit.blox) == ["wc1", "wc2"]
    x1, x2 = b.positions["wc1"][0], b.positions["wc2"][0]
    assert x2 - x1 > 100                                     # dropped where the mouse was
    ui.connect("wc1", "wc2")
    ui.pump()
    assert [(k.src, k.dst, k.weight) for k in b.circuit.connections] == [("wc1", "wc2", 1.0)]
    assert page.locator(".nbb-edge").count() == 1
    # the new edge is selected: type a weight and a delay in the side panel
    page.fill(".nbb-side .nbb-weight", "2.5")
    page.press(".nbb-side .nbb-weight", "Enter")
    page.fill(".nbb-side .nbb-delay", "3")
    page.press(".nbb-side .nbb-delay", "Enter")
    ui.pump()
    k = b.circuit.connections[0]
    assert (k.weight, k.delay) == (2.5, 3.0)
    assert "2.5 (3 ms)" in page.text_content(".nbb-edge .nbb-weight")
    # select a blox and change a parameter and its name
    page.click(".nbb-node[data-name='wc2'] rect")
    page.fill(".nbb-side .nbb-param[data-param='P']", "1.75")
    page.press(".nbb-side .nbb-param[data-param='P']", "Enter")
    page.fill(".nbb-side .nbb-rename", "inh")
    page.press(".nbb-side .nbb-rename", "Enter")
    ui.pump()
    assert list(b.circuit.blox) == ["wc1", "inh"] and b.circuit["inh"].params["P"] == 1.75
    assert b.circuit.connections[0].dst == "inh"
    assert page.locator(".nbb-node[data-name='inh']").count() == 1
    assert page.text_content(".nbb-side-title") == "WilsonCowan"      # still selected
    assert page.input_value(".nbb-side .nbb-rename") == "inh"
    page.screenshot(path=str(lab.ARTIFACTS / "builder_js_two_wc.png"))


def test_bad_values_show_a_message_and_send_nothing(ui):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a")
    b.sync()
    ui.pump()
    page.click(".nbb-node[data-name='a'] rect")
    before = len(b._model.undo_stack)
    sel = ".nbb-side .nbb-param[data-param='c1']"
    page.fill(sel, "abc")
    page.press(sel, "Enter")
    assert "'abc' is not a number" in ui.message()
    assert "nbb-invalid" in page.get_attribute(sel, "class")
    sel = ".nbb-side .nbb-param[data-param='tau_E']"
    page.fill(sel, "-1")
    page.press(sel, "Enter")
    assert "physical range" in ui.message()
    page.fill(".nbb-side .nbb-rename", "9lives")
    page.press(".nbb-side .nbb-rename", "Enter")
    assert "not a valid blox name" in ui.message()
    assert page.evaluate("model.sent.filter(m => m.type === 'edit').length") == 0
    ui.pump()
    assert len(b._model.undo_stack) == before and b.circuit["a"].params["c1"] == 16.0
    page.fill(".nbb-side .nbb-param[data-param='tau_E']", "20")
    page.press(".nbb-side .nbb-param[data-param='tau_E']", "Enter")
    ui.pump()
    assert b.circuit["a"].params["tau_E"] == 20.0
    # fixed: the old error must not stay on screen (issue 16: a stale "'abc' is not a number")
    assert "physical range" not in ui.message() and "not a number" not in ui.message()


_PALETTE_TEXT = """() => [...document.querySelectorAll('.nbb-item')].map(item => ({
    type: item.dataset.type, tip: (item.getAttribute('title') || '').split('\\n'),
    texts: [...item.querySelectorAll('span')].filter(s => s.children.length === 0 && s.textContent)
                .map(s => s.textContent.replace(/\\u200b/g, ''))}))"""


def test_the_palette_shows_titles_with_the_identifier_below(ui):
    """Session 32: the palette showed identifiers ("HodgkinHuxley", "LIF") where a
    blox type has a title a person reads ("Hodgkin–Huxley", "leaky
    integrate-and-fire").  Each item's text nodes are its title, capitalised (it
    opens a line), then its identifier where the title does not spell it; its
    tooltip starts with both; the search finds a title's words; a drag by the
    title still adds the type."""
    import unicodedata
    from nbblox._text import capital

    def spelled(s):
        return "".join(c for c in unicodedata.normalize("NFD", s) if c.isascii() and c.isalnum()).lower()

    page = ui.page
    items = page.evaluate(_PALETTE_TEXT)
    assert len(items) == len(nb.blox.CATALOG)
    for item in items:
        t = nb.blox.CATALOG[item["type"]]
        second = [t.name] if spelled(t.title) != spelled(t.name) else []
        assert item["texts"] == [capital(t.title)] + second, item
        assert item["tip"][:2] == [capital(t.title), f"nb.blox.{t.name}"], item
    by_type = {i["type"]: i["texts"] for i in items}
    assert by_type["HodgkinHuxley"] == ["Hodgkin–Huxley"]
    assert by_type["WangBuzsaki"] == ["Wang–Buzsáki"]
    assert by_type["LIF"] == ["Leaky integrate-and-fire", "LIF"]
    page.fill(".nbb-search", "buzsáki")              # in the title only
    assert page.eval_on_selector_all(".nbb-item", "xs => xs.map(x => x.dataset.type)") == [
        "WangBuzsaki"]
    page.fill(".nbb-search", "")
    ui.drag(ui.center(".nbb-item[data-type='LIF'] .nbb-item-name"), ui.canvas_point(0.5, 0.5))
    ui.pump()
    assert [x.type.name for x in ui.b.circuit.blox.values()] == ["LIF"]


def test_palette_names_are_not_cut_off(ui):
    """Issue 16: "MontbrioPazoRoxinSyr" -- long titles and identifiers wrap between words."""
    cut = ui.page.evaluate("""() => [...document.querySelectorAll('.nbb-item-name, .nbb-item-id')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right >
                e.closest('.nbb-palette').getBoundingClientRect().right + 1)
        .map(e => e.textContent)""")
    assert not cut, cut


_BROKEN_WORDS = """() => { const out = [];
  for (const e of document.querySelectorAll('.nbb-item-name, .nbb-item-id')) {
    const node = e.firstChild, text = node.textContent;
    // words: split by spaces and the identifiers' zero-width spaces; a line may also
    // break after a dash ("Montbrió–|Pazó–Roxin"), which ends a word here
    for (const m of text.matchAll(/[^\u200b \u2013-]+[\u2013-]*/g)) {
      const r = document.createRange();
      r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
      const tops = new Set([...r.getClientRects()].filter(b => b.width > 0)
                                                   .map(b => Math.round(b.top)));
      if (tops.size > 1) out.push(text.replace(/\u200b/g, '') + ': ' + m[0]);
    }
    if (e.scrollWidth > e.clientWidth + 1) out.push(text.replace(/\u200b/g, '') + ': clipped');
  }
  return out; }"""


def test_palette_names_break_only_between_words_at_468_px(ui):
    """Issue 16: at a 468 px widget (a notebook column beside the file browser)
    "MontbrioPazoRoxin|Syr" broke inside a word.  Each word of every palette
    title and identifier stays on one line, and none is clipped."""
    page = ui.page
    lab.screenshot_element(page.locator(".nbb-palette"), "builder_palette_1250")
    page.evaluate("() => { document.getElementById('root').style.width = '468px'; }")
    page.wait_for_timeout(200)
    try:
        width = page.evaluate("() => document.querySelector('.nbb-builder').clientWidth")
        broken = page.evaluate(_BROKEN_WORDS)
        names = page.locator(".nbb-item-name").count()
        lab.screenshot_element(page.locator(".nbb-palette"), "builder_palette_468")
    finally:
        page.evaluate("() => { document.getElementById('root').style.width = '1250px'; }")
    assert width <= 468 and names == len(nb.blox.CATALOG)
    assert not broken, broken


_CUT_NAMES = """() => [...document.querySelectorAll('.nbb-item')].map(item => {
    const name = item.querySelector('.nbb-item-name'), id = item.querySelector('.nbb-item-id') || name;
    return {type: item.dataset.type, tip: (item.getAttribute('title') || '').split('\\n'),
            title: name.textContent,
            cut: [name, id].some(e => e.scrollWidth > e.clientWidth + 1)}; })"""


def test_a_palette_name_cut_off_is_readable_in_full_on_hover(ui):
    """Issue 16: the palette's tooltip was the blox's description, so a name the
    palette ellipsised ("MontbrioPazoRoxinSyn...") could not be read anywhere.
    Every item's tooltip starts with its full title and identifier, at the
    narrowest palette too (a notebook column beside the file browser), where
    some are cut."""
    page = ui.page
    wide = page.evaluate(_CUT_NAMES)
    page.evaluate("() => { document.getElementById('root').style.width = '400px'; }")
    page.wait_for_timeout(200)
    try:
        narrow = page.evaluate(_CUT_NAMES)
    finally:
        page.evaluate("() => { document.getElementById('root').style.width = '1250px'; }")
    assert len(wide) == len(nb.blox.CATALOG)
    for item in wide + narrow:
        assert item["tip"][:2] == [item["title"], "nb.blox." + item["type"]], item
    print("cut at 400 px:", [i["type"] for i in narrow if i["cut"]])


_NODE_TEXT = """() => [...document.querySelectorAll('.nbb-node')].map(g => {
    const rect = g.querySelector('rect:last-of-type').getBoundingClientRect();
    const texts = [...g.querySelectorAll('text')].map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent, left: r.left, right: r.right}; });
    return {name: g.dataset.name, tip: (g.querySelector('title') || {}).textContent || '',
            left: rect.left, right: rect.right, texts}; })"""


def test_node_names_stay_inside_their_box_and_show_in_full_on_hover(ui):
    """A long type name ("MontbrioPazoRoxinSynaptic", 10 px type in a 120 px
    node) ran past both sides of its node on the canvas: the text is squeezed
    into the box and the node's tooltip names the blox and its type in full."""
    b = ui.b
    b.add("MontbrioPazoRoxinSynaptic", name="a_rather_long_population_name", x=0, y=0)
    b.add("WilsonCowan", name="wc", x=250, y=0)
    ui.pump()
    nodes = {n["name"]: n for n in ui.page.evaluate(_NODE_TEXT)}
    lab.screenshot_element(ui.page.locator(".nbb-canvas"), "builder_long_names")
    long = nodes["a_rather_long_population_name"]
    assert long["tip"] == "a_rather_long_population_name (MontbrioPazoRoxinSynaptic)"
    assert {t["text"] for t in long["texts"]} == {"a_rather_long_population_name",
                                                 "MontbrioPazoRoxinSynaptic"}
    for n in nodes.values():
        for t in n["texts"]:
            assert n["left"] <= t["left"] and t["right"] <= n["right"], (n["name"], t)


def test_connecting_into_a_blox_without_inputs_is_refused(ui):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a", x=0, y=0)
    b.add("ConstantInput", name="drive", x=250, y=0)
    ui.pump()
    ui.connect("a", "drive")
    assert "has no input" in ui.message()
    ui.pump()
    assert b.circuit.connections == []


def test_python_side_changes_redraw_the_canvas(ui):
    page, b = ui.page, ui.b
    c = b.circuit
    c.add(nb.blox.WilsonCowan(name="e"), nb.blox.FitzHughNagumo(name="f"))
    c.connect("e", "f", weight=0.25)
    b.sync()                      # what the post-cell hook does in a notebook
    ui.pump()
    assert page.locator(".nbb-node").count() == 2 and page.locator(".nbb-edge").count() == 1
    page.click(".nbb-node[data-name='f'] rect")
    c["f"].params["I"] = 0.8
    b.sync()
    ui.pump()
    assert page.input_value(".nbb-side .nbb-param[data-param='I']") == "0.8"
    assert "0.25" in page.text_content(".nbb-edge .nbb-weight")


def test_quick_edits_while_python_is_busy_are_all_kept(ui):
    """No pump between edits: the kernel is busy.  The canvas shows every edit
    at once, and Python applies all of them, in order, when it gets to them."""
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a", x=0, y=0)
    b.add("WilsonCowan", name="z", x=250, y=0)
    b.connect("a", "z")
    ui.pump()
    page.click(".nbb-node[data-name='a'] rect")
    for p, v in [("c1", "11"), ("c2", "12"), ("c3", "13"), ("P", "0.5")]:
        page.fill(f".nbb-side .nbb-param[data-param='{p}']", v)
        page.press(f".nbb-side .nbb-param[data-param='{p}']", "Tab")
    page.click(".nbb-edge .nbb-weight")
    page.fill(".nbb-side .nbb-weight", "4")
    page.press(".nbb-side .nbb-weight", "Enter")
    assert "saving" in page.text_content(".nbb-status")
    assert "4" == page.text_content(".nbb-edge .nbb-weight")
    assert b.circuit["a"].params["c1"] == 16.0              # Python has not seen anything yet
    ui.pump()
    assert [b.circuit["a"].params[p] for p in ("c1", "c2", "c3", "P")] == [11, 12, 13, 0.5]
    assert b.circuit.connections[0].weight == 4.0
    assert "saving" not in page.text_content(".nbb-status")


def test_a_refused_edit_is_rolled_back_on_the_canvas(ui):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a", x=0, y=0)
    b.add("WilsonCowan", name="z", x=250, y=0)
    ui.pump()
    page.click(".nbb-node[data-name='z'] rect")
    del b.circuit.blox["z"]                 # meanwhile, code removed z
    page.fill(".nbb-side .nbb-param[data-param='P']", "2")
    page.press(".nbb-side .nbb-param[data-param='P']", "Enter")
    ui.pump()
    assert "'z' is not on the canvas" in ui.message()
    assert page.locator(".nbb-node").count() == 1 and list(b.circuit.blox) == ["a"]


def test_delete_key_and_undo_redo_buttons(ui):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a", x=0, y=0)
    b.add("WilsonCowan", name="z", x=250, y=0)
    b.connect("a", "z", weight=2.0)
    ui.pump()
    page.click(".nbb-node[data-name='z'] rect")
    page.keyboard.press("Delete")
    assert page.locator(".nbb-node").count() == 1 and page.locator(".nbb-edge").count() == 0
    ui.pump()
    assert list(b.circuit.blox) == ["a"] and b.circuit.connections == []
    page.click(".nbb-undo")
    ui.pump()
    assert set(b.circuit.blox) == {"a", "z"} and b.circuit.connections[0].weight == 2.0
    assert page.locator(".nbb-edge").count() == 1
    page.click(".nbb-redo")
    ui.pump()
    assert list(b.circuit.blox) == ["a"]
    page.locator(".nbb-builder").focus()
    page.keyboard.press("Control+z")
    ui.pump()
    assert "z" in b.circuit.blox


def test_move_pan_zoom(ui):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a", x=0, y=0)
    b.add("WilsonCowan", name="z", x=250, y=0)
    ui.pump()
    frm = ui.center(".nbb-node[data-name='a'] rect")
    ui.drag(frm, (frm[0], frm[1] + 120))
    ui.pump()
    assert b.positions["a"][1] > 50 and b.positions["a"][0] == pytest.approx(0, abs=2)
    t0 = page.get_attribute(".nbb-viewport", "transform")
    ui.drag(ui.canvas_point(0.05, 0.95), ui.canvas_point(0.25, 0.85))      # pan
    t1 = page.get_attribute(".nbb-viewport", "transform")
    assert t1 != t0 and "scale" in t1
    page.mouse.move(*ui.canvas_point(0.5, 0.5))
    page.mouse.wheel(0, -400)                                                 # zoom in
    k0 = float(t1.split("scale(")[1].rstrip(")"))
    k1 = float(page.get_attribute(".nbb-viewport", "transform").split("scale(")[1].rstrip(")"))
    assert k1 > k0
    ui.pump()
    assert b.positions["z"] == (250.0, 0.0)               # panning moves no blox


def test_svg_export_and_downloads(ui):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a", x=0, y=0)
    b.add("WilsonCowan", name="z", x=250, y=0)
    b.connect("a", "z", weight=1.5)
    ui.pump()
    svg = page.evaluate("document.querySelector('.nbb-builder').nbbExportSVG()")
    assert svg.startswith("<svg") and ">a<" in svg and ">1.5<" in svg and "nbb-port" not in svg
    with page.expect_download() as dl:
        page.click(".nbb-svg")
    assert dl.value.suggested_filename == "circuit.svg"
    with page.expect_download() as dl:
        page.click(".nbb-png")
    path = dl.value.path()
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as dl:
        page.click(".nbb-code")
        ui.pump()
    assert "nb.blox.WilsonCowan(name='a')" in Path(dl.value.path()).read_text()


def test_open_hostile_json_shows_message(ui, tmp_path):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a")
    ui.pump()
    data = json.loads(b.to_json())
    next(iter(data["types"].values()))["equations"] = "dE/dt = __import__('os').getcwd()"
    bad = tmp_path / "evil.json"
    bad.write_text(json.dumps(data))
    page.set_input_files(".nbb-file", str(bad))
    page.wait_for_function("model.sent.some(m => m.cmd === 'load_json')")
    ui.pump()
    assert "could not open evil.json" in ui.message()
    assert "nbb-error" in page.get_attribute(".nbb-msg", "class")
    assert list(b.circuit.blox) == ["a"]
    good = nb.Circuit([nb.blox.FitzHughNagumo(name="f1")])
    (tmp_path / "ok.json").write_text(good.to_json())
    page.set_input_files(".nbb-file", str(tmp_path / "ok.json"))
    page.wait_for_function("model.sent.some(m => m.cmd === 'load_json')")
    ui.pump()
    assert b.circuit == good and page.locator(".nbb-node[data-name='f1']").count() == 1


def test_panel_style_model_without_send_uses_the_inbox(chrome):
    ui = Harness(chrome, CircuitBuilder(), no_send=True)
    ui.drop_from_palette("FitzHughNagumo", 0.4, 0.5)
    ui.drop_from_palette("FitzHughNagumo", 0.6, 0.5)
    ui.pump()
    assert list(ui.b.circuit.blox) == ["fhn1", "fhn2"]
    # acknowledged messages leave the outbox: the next save carries only new ones
    ui.connect("fhn1", "fhn2")
    saves = ui.page.evaluate("model.saves.map(s => s.inbox.map(m => m.seq))")
    assert saves[-1] == [max(saves[-1])] and len(saves[-1]) == 1
    ui.pump()
    assert len(ui.b.circuit.connections) == 1


def test_pure_helpers(ui):
    page = ui.page
    r = page.evaluate("""() => {
      const m = window.nbbMod;
      const taken = new Set(['wc1', 'fhn1']);
      return [m.autoName('WilsonCowan', taken), m.autoName('FitzHughNagumo', taken),
              m.autoName('AMPA', taken), m.autoName('LFP', new Set()),
              m.parseValue(' 1e-3 ', {lo: 0, hi: 1}, 'x').value,
              m.parseValue('1/2', null, 'x').error, m.parseValue('NaN', null, 'x').error,
              m.parseValue('5', {lo: 0, hi: 1, hard: [0, null]}, 'x').warn,
              m.parseValue('-5', {lo: 0, hi: 1, hard: [0, null]}, 'x').error];
    }""")
    assert r[:5] == ["wc2", "fhn2", "ampa1", "lfp1", 0.001]
    assert "not a number" in r[5] and "not a number" in r[6]
    assert "usual range" in r[7] and "physical range" in r[8]


def test_cleanup_detaches_listeners(ui):
    page = ui.page
    page.evaluate("window.cleanup()")
    assert page.evaluate("(model._handlers['msg:custom'] || []).length") == 0


def test_pick_the_input_of_a_multi_input_blox(ui):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a", x=0, y=0)
    b.add("WongWang", name="ww", x=250, y=0)
    ui.pump()
    ui.connect("a", "ww")
    ui.pump()
    assert b.circuit.connections[0].input == "I_1"
    page.select_option(".nbb-side select.nbb-input", "I_2")
    ui.pump()
    assert b.circuit.connections[0].input == "I_2"
    assert page.locator(".nbb-side select.nbb-output").count() == 0     # WilsonCowan has one output


def test_blox_added_from_code_outside_the_view_are_brought_into_view(ui):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a", x=0, y=0)
    ui.pump()
    b.circuit.add(nb.blox.WilsonCowan(name="far"))
    b._model.positions["far"] = (5000.0, 3000.0)
    b.sync()
    ui.pump()
    canvas = page.locator(".nbb-canvas").bounding_box()
    box = page.locator(".nbb-node[data-name='far'] rect").bounding_box()
    assert canvas["x"] <= box["x"] and box["x"] + box["width"] <= canvas["x"] + canvas["width"]
    page.click(".nbb-node[data-name='far'] rect")
    assert page.text_content(".nbb-side-title") == "WilsonCowan"


def test_selection_follows_a_rename_made_in_python(ui):
    page, b = ui.page, ui.b
    b.add("WilsonCowan", name="a", x=0, y=0)
    ui.pump()
    page.click(".nbb-node[data-name='a'] rect")
    b.rename("a", "exc")
    ui.pump()
    assert page.input_value(".nbb-side .nbb-rename") == "exc"
    assert "nbb-selected" in page.get_attribute(".nbb-node[data-name='exc']", "class")


def test_composites_are_blocks_that_open_and_close(chrome, tmp_path):
    brain = nb.Circuit([nb.blox.WilsonCowan(name="drive"),
                        nb.blox.WilsonCowanColumn(name="r1"), nb.blox.WilsonCowanColumn(name="r2")])
    brain.connect("drive", "r1").connect("r1", "r2", weight=0.5)
    ui = Harness(chrome, CircuitBuilder(brain))
    page = ui.page
    blocks = page.locator(".nbb-node.nbb-composite")
    assert blocks.count() == 2 and page.locator(".nbb-node").count() == 3
    assert page.text_content(".nbb-node[data-name='r1'] .nbb-node-type") == "composite · 2 blox"
    assert page.locator(".nbb-edge").count() == 2              # drive -> r1, r1 -> r2
    page.click(".nbb-node[data-name='r1'] rect >> nth=1")
    assert "ports in: I_syn · out: E" in page.text_content(".nbb-side")
    page.dblclick(".nbb-node[data-name='r1'] rect >> nth=1")
    ui.pump()
    assert page.locator(".nbb-node[data-name='r1.E']").count() == 1
    assert page.locator(".nbb-node.nbb-composite").count() == 1
    label = page.text_content(".nbb-frame[data-group='r1'] .nbb-frame-label")
    assert label == "▾ r1 (double-click to close)"
    assert page.locator(".nbb-edge.nbb-locked").count() == 4
    # appearance: members side by side (not stacked on their own connections), the frame
    # label above every member and loop
    a = page.locator(".nbb-node[data-name='r1.E'] rect").bounding_box()
    b = page.locator(".nbb-node[data-name='r1.I'] rect").bounding_box()
    assert b["x"] - (a["x"] + a["width"]) > 40 or a["x"] - (b["x"] + b["width"]) > 40
    lab_box = page.locator(".nbb-frame[data-group='r1'] .nbb-frame-label").bounding_box()
    loops = [page.locator(f".nbb-edge[data-src='{m}'][data-dst='{m}'] .nbb-edge-line")
             .bounding_box() for m in ("r1.E", "r1.I")]
    assert all(lab_box["y"] + lab_box["height"] <= lp["y"] for lp in loops)
    page.screenshot(path=str(tmp_path / "open.png"))
    # a member's parameter, edited on the canvas, reaches the composite inside Python
    page.click(".nbb-node[data-name='r1.E'] rect")
    assert page.locator(".nbb-side .nbb-rename").is_disabled()
    page.fill(".nbb-side .nbb-param[data-param='P']", "2")
    page.press(".nbb-side .nbb-param[data-param='P']", "Enter")
    ui.pump()
    assert brain["r1.E"].params["P"] == 2.0
    page.dblclick(".nbb-frame[data-group='r1'] .nbb-frame-label")
    ui.pump()
    assert page.locator(".nbb-node.nbb-composite").count() == 2
    assert page.locator(".nbb-node[data-name='r1.E']").count() == 0


def test_a_synapse_drawn_to_a_neuron_follows_the_connection_rule(chrome):
    c = nb.Circuit([nb.blox.AMPA(name="syn"), nb.blox.HodgkinHuxley(name="post")])
    ui = Harness(chrome, CircuitBuilder(c, positions={"syn": (0, 0), "post": (300, 0)}))
    ui.connect("syn", "post")
    ui.pump()
    assert sorted((k.src, k.input) for k in c.connections) == [("post", "V_post"),
                                                                ("syn", "I_syn")]
    assert ui.page.locator(".nbb-edge").count() == 2


def test_a_port_link_fanning_out_into_two_connections_draws_two_arrows(chrome, tmp_path):
    """Lesson 17's chain, columns collapsed: col1's port link fans out into
    col1 -> col2.E (0.5) and col1 -> col2.I (0.25); both were drawn on one path
    with their labels merged into "0.25(5 ms)"."""
    from nbblox.examples.chain import column_chain
    ui = Harness(chrome, CircuitBuilder(column_chain(2)))
    page = ui.page
    assert page.locator(".nbb-node.nbb-composite").count() == 2
    edges = page.locator(".nbb-edge[data-src='col1'][data-dst='col2']")
    assert edges.count() == 2
    paths = [edges.nth(k).locator(".nbb-edge-line").get_attribute("d") for k in range(2)]
    assert paths[0] != paths[1]
    texts = [edges.nth(k).locator("text") for k in range(2)]
    assert sorted(t.text_content() for t in texts) == ["0.25 (5 ms)", "0.5 (5 ms)"]
    a, b = (t.bounding_box() for t in texts)
    assert _apart(a, b), (a, b)
    page.locator(".nbb-canvas").screenshot(path=str(tmp_path / "fan_out.png"))
    lab.screenshot_element(page.locator(".nbb-canvas"), "builder_fan_out")


def _apart(a, b):
    return (a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            or a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"])


def test_weight_labels_of_a_chain_clear_each_other_and_every_block(chrome, tmp_path):
    """Lesson 17's chain of three columns as the lesson shows it: the second
    lane's label sat 70 % along its curve, under the col2 block ("0.25 (5 ms)"
    read "5 (5 ms)"), and the two labels of col2 -> col3 overlapped."""
    from nbblox.examples.chain import column_chain
    ui = Harness(chrome, CircuitBuilder(column_chain(3)))
    page = ui.page
    labels = [t.bounding_box() for t in page.locator(".nbb-edge .nbb-weight").all()]
    blocks = [r.bounding_box() for r in page.locator(".nbb-node > rect").all()]
    lab.screenshot_element(page.locator(".nbb-canvas"), "builder_chain_labels")
    assert len(labels) == 4 and len(blocks) >= 3
    for i, a in enumerate(labels):
        assert all(_apart(a, b) for b in labels[i + 1:]), labels
        # a block may graze a label's box at a corner (0.055 of it, the stack shadow), never
        # hide its text (the old layout: 0.32 and 0.23)
        assert all(_covered(a, r) < 0.1 for r in blocks), [_covered(a, r) for r in blocks]


def _covered(a, r):
    """Fraction of box ``a`` that box ``r`` covers."""
    w = min(a["x"] + a["width"], r["x"] + r["width"]) - max(a["x"], r["x"])
    h = min(a["y"] + a["height"], r["y"] + r["height"]) - max(a["y"], r["y"])
    return max(w, 0) * max(h, 0) / (a["width"] * a["height"])
