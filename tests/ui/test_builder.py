"""CircuitBuilder sync model, driven the way the canvas drives it: JSON
messages in -> Circuit out; Circuit changed from Python -> ops out; bad
messages -> a clear refusal with the circuit unchanged."""
import json

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError
from nbblox.ui.builder import CircuitBuilder
from nbblox.ui.builder.layout import auto_layout
from nbblox.ui.builder.sync import BuilderModel

WC = nb.blox.WilsonCowan.key


@pytest.fixture
def wired():
    """A builder plus the list of every message it sends to the views."""
    b = CircuitBuilder()
    out = []
    b._model.subscribe(out.append)
    seq = iter(range(1, 10_000))

    def edit(*ops, view="v1"):
        b._receive({"type": "edit", "seq": next(seq), "view": view, "ops": list(ops)})
        return out[-1]

    def cmd(name, **kw):
        b._receive({"type": "cmd", "cmd": name, "seq": next(seq), "view": "v1", **kw})
        return out[-1]
    return b, out, edit, cmd


def two_wc(edit):
    edit({"op": "add_node", "name": "wc1", "type": WC, "x": 0, "y": 0})
    edit({"op": "add_node", "name": "wc2", "type": WC, "x": 200, "y": 0})
    return edit({"op": "add_edge", "id": "v1-1", "src": "wc1", "dst": "wc2", "weight": 1})


def test_messages_in_build_the_circuit(wired):
    b, out, edit, _ = wired
    reply = two_wc(edit)
    assert reply["type"] == "applied" and reply["seq"] == 3 and reply["view"] == "v1"
    assert reply["ops"][0] == {"op": "add_edge", "id": "v1-1", "src": "wc1", "dst": "wc2",
                               "weight": 1.0, "delay": 0.0, "output": "E", "input": "I_syn"}
    edit({"op": "set_edge", "id": "v1-1", "weight": "2.5"})        # typed text, canonical float
    edit({"op": "set_params", "name": "wc2", "params": {"P": 1.5}})
    edit({"op": "move", "name": "wc2", "x": 300, "y": 40})
    c = b.circuit
    assert list(c.blox) == ["wc1", "wc2"] and c["wc1"].type is nb.blox.WilsonCowan
    assert [(k.src, k.dst, k.weight) for k in c.connections] == [("wc1", "wc2", 2.5)]
    assert c["wc2"].params["P"] == 1.5 and b.positions["wc2"] == (300.0, 40.0)
    # the first node of a type also told every view about the type
    first = next(m for m in out if m["type"] == "applied")
    assert first["ops"][0]["op"] == "add_type" and first["ops"][0]["info"]["name"] == "WilsonCowan"


def test_to_code_round_trip_gives_an_equal_circuit(wired):
    b, _, edit, _ = wired
    two_wc(edit)
    edit({"op": "set_params", "name": "wc1", "params": {"c1": 14.0}})
    ns = {}
    exec(b.to_code(), ns)        # our own generated code, as a user would run it
    assert ns["circuit"] == b.circuit


def test_python_changes_reach_the_views(wired):
    b, out, edit, _ = wired
    two_wc(edit)
    c = b.circuit
    c.add(nb.blox.FitzHughNagumo(name="fhn"))
    c.connect("wc1", "fhn", weight=0.5)
    c["wc1"].params["P"] = 2.0
    c.connections[0].weight = 3.0
    ops = b.sync()
    by = {o["op"]: o for o in ops}
    assert sorted(by) == ["add_edge", "add_node", "add_type", "set_edge", "set_params"]
    assert len(ops) == 5
    kinds = [o["op"] for o in ops]
    assert kinds.index("add_type") < kinds.index("add_node") < kinds.index("add_edge")
    assert by["add_node"]["name"] == "fhn" and by["set_params"]["params"] == {"P": 2.0}
    assert by["add_edge"]["src"] == "wc1" and by["add_edge"]["dst"] == "fhn"
    assert by["set_edge"]["weight"] == 3.0
    assert out[-1]["type"] == "applied" and out[-1]["seq"] is None
    assert b.sync() == []                       # nothing new: nothing sent
    # removal from Python: the edges go first, then the blox
    del c.blox["wc2"]
    c.connections[:] = [k for k in c.connections if "wc2" not in (k.src, k.dst)]
    ops = b.sync()
    assert [o["op"] for o in ops] == ["remove_edge", "remove_node"]


def test_builder_methods_are_undoable_and_keep_identity():
    b = CircuitBuilder()
    a = nb.blox.WilsonCowan(name="a")
    b.add(a)
    b.add("WilsonCowan", name="z", P=0.5)
    b.connect("a", "z", weight=2.0)
    b.connect("z", "a", weight=-1.0)
    b.rename("a", "exc")
    assert a.name == "exc" and b.circuit["exc"] is a
    assert [(k.src, k.dst) for k in b.circuit.connections] == [("exc", "z"), ("z", "exc")]
    code_before = b.to_code()
    b.remove("z")
    assert list(b.circuit.blox) == ["exc"] and b.circuit.connections == []
    b.undo()                                     # z and both connections come back, in order
    assert b.to_code() == code_before
    b.undo()                                     # the rename
    assert a.name == "a" and list(b.circuit.blox) == ["a", "z"]
    b.redo()
    assert a.name == "exc"
    b.set("exc", P=3.0)
    b.undo()
    assert b.circuit["exc"].params["P"] == nb.blox.WilsonCowan.params["P"].default


@pytest.mark.parametrize("op, needle", [
    ({"op": "set_params", "name": "wc1", "params": {"c1": "abc"}}, "must be a number"),
    ({"op": "set_params", "name": "wc1", "params": {"tau_E": -1}}, "physical range"),
    ({"op": "set_params", "name": "wc1", "params": {"nope": 1}}, "no parameter 'nope'"),
    ({"op": "set_params", "name": "ghost", "params": {"c1": 1}}, "not on the canvas"),
    ({"op": "add_node", "name": "wc2", "type": WC}, "already has a blox named 'wc2'"),
    ({"op": "add_node", "name": "1bad", "type": WC}, "must start with a letter"),
    ({"op": "add_node", "name": "x", "type": "NoSuchType"}, "unknown blox type"),
    ({"op": "rename", "name": "wc1", "new": "wc2"}, "already has a blox named 'wc2'"),
    ({"op": "rename", "name": "wc1", "new": "a.b"}, "blox name"),
    ({"op": "set_edge", "id": "v1-1", "weight": "inf"}, "finite"),
    ({"op": "set_edge", "id": "v1-1", "delay": -2}, "delay must be >= 0"),
    ({"op": "set_edge", "id": "zzz", "weight": 1}, "no connection"),
    ({"op": "add_edge", "src": "wc1", "dst": "wc2", "input": "V_post"}, "no input 'V_post'"),
    ({"op": "add_edge", "src": "wc1", "dst": "ghost"}, "not on the canvas"),
    ({"op": "set_edge", "id": "v1-1", "input": "I_2"}, "has no input 'I_2'"),
    ({"op": "explode"}, "unknown edit operation"),
    ("not a dict", "malformed edit"),
])
def test_bad_edits_are_refused_and_change_nothing(wired, op, needle):
    b, out, edit, _ = wired
    two_wc(edit)
    before, rev = b.to_json(), b._model.rev
    reply = edit(op)
    assert reply["type"] == "rejected" and reply["seq"] is not None, reply
    assert needle in reply["error"], reply["error"]
    assert b.to_json() == before and b._model.rev == rev


def test_incompatible_port_source_without_input(wired):
    b, _, edit, _ = wired
    two_wc(edit)
    edit({"op": "add_node", "name": "drive", "type": nb.blox.ConstantInput.key, "x": 0, "y": 90})
    reply = edit({"op": "add_edge", "src": "wc1", "dst": "drive"})
    assert reply["type"] == "rejected" and "has no input" in reply["error"]
    assert len(b.circuit.connections) == 1


def test_an_edit_is_all_or_nothing(wired):
    b, _, edit, _ = wired
    two_wc(edit)
    reply = edit({"op": "add_node", "name": "wc3", "type": WC},
                 {"op": "add_edge", "src": "wc3", "dst": "wc1"},
                 {"op": "set_params", "name": "wc3", "params": {"tau_I": 0}})
    assert reply["type"] == "rejected"
    assert list(b.circuit.blox) == ["wc1", "wc2"] and len(b.circuit.connections) == 1
    assert "wc3" not in b.positions


def test_malformed_messages_and_commands(wired):
    b, out, _, cmd = wired
    b._receive(["not", "a", "dict"])
    assert out[-1]["type"] == "message" and out[-1]["level"] == "error"
    b._receive({"type": "edit", "seq": 99, "view": "v1", "ops": []})
    assert out[-1]["type"] == "rejected" and "non-empty" in out[-1]["error"]
    assert cmd("fly")["type"] == "rejected"
    b._receive({"type": "gossip", "seq": 5, "view": "v1"})
    assert out[-1]["type"] == "rejected"
    assert len(b.circuit) == 0


def test_undo_redo_from_the_canvas(wired):
    b, out, edit, cmd = wired
    two_wc(edit)
    edit({"op": "remove_node", "name": "wc1"})
    assert list(b.circuit.blox) == ["wc2"] and b.circuit.connections == []
    reply = cmd("undo")
    assert reply["type"] == "applied"
    assert [o["op"] for o in reply["ops"]] == ["add_node", "add_edge"]
    assert list(b.circuit.blox) == ["wc2", "wc1"] or set(b.circuit.blox) == {"wc1", "wc2"}
    assert [(k.src, k.dst) for k in b.circuit.connections] == [("wc1", "wc2")]
    cmd("redo")
    assert "wc1" not in b.circuit.blox
    for _ in range(10):
        cmd("undo")
    assert len(b.circuit) == 0
    assert b.messages[-1] == ("info", "nothing to undo")


def test_many_quick_edits_none_lost(wired):
    """A burst of edits (as typed while the kernel was busy) all land, in order."""
    b, out, edit, _ = wired
    two_wc(edit)
    for i in range(50):
        edit({"op": "set_params", "name": "wc1", "params": {"P": i / 10}})
        edit({"op": "set_edge", "id": "v1-1", "weight": i})
    assert b.circuit["wc1"].params["P"] == 4.9 and b.circuit.connections[0].weight == 49.0
    assert all(m["type"] == "applied" for m in out if m.get("seq"))


def test_inbox_fallback_handles_each_message_once():
    """Panel has no model.send: the view resends its unacknowledged messages
    through the ``inbox`` trait until Python acknowledges them."""
    b = CircuitBuilder()
    m1 = {"type": "edit", "seq": 1, "view": "p", "ops": [
        {"op": "add_node", "name": "a", "type": WC, "x": 0, "y": 0}]}
    m2 = {"type": "edit", "seq": 2, "view": "p", "ops": [
        {"op": "set_params", "name": "a", "params": {"P": 2.0}}]}
    b.inbox = [m1]
    b.inbox = [m1, m2]                   # m1 not acked yet: resent, must not apply twice
    assert list(b.circuit.blox) == ["a"] and b.circuit["a"].params["P"] == 2.0
    assert len(b._model.undo_stack) == 2


def test_hello_returns_a_snapshot(wired):
    b, out, edit, cmd = wired
    two_wc(edit)
    b.circuit.add(nb.blox.WilsonCowan(name="late"))       # not yet synced
    reply = cmd("hello", rev=0)
    assert reply["type"] == "snapshot" and reply["view"] == "v1"
    st = reply["state"]
    assert [n["name"] for n in st["nodes"]] == ["wc1", "wc2", "late"]
    assert st["edges"][0]["src"] == "wc1" and WC in st["types"]


def test_save_load_keeps_positions(tmp_path, wired):
    b, _, edit, _ = wired
    two_wc(edit)
    edit({"op": "move", "name": "wc2", "x": 321, "y": -7})
    b.save(tmp_path / "c.json")
    b2 = CircuitBuilder.load(tmp_path / "c.json")
    assert b2.circuit == b.circuit and b2.positions == b.positions
    b3 = CircuitBuilder.from_json(b.to_json())             # text has its own door
    assert b3.circuit == b.circuit
    with pytest.raises(nb.NbbloxError, match="use CircuitBuilder.from_json"):
        CircuitBuilder.load(b.to_json())


HOSTILE_EQ = "dV/dt = __import__('os').system('touch /tmp/nbblox_pwned')"


@pytest.mark.parametrize("mutate, needle", [
    (lambda d: d.update(version=99), "schema version 99"),
    (lambda d: d.update(schema="evil"), "'schema' must be"),
    (lambda d: next(iter(d["types"].values())).update(equations=HOSTILE_EQ), "blox type"),
    (lambda d: d["blox"][0]["params"].update(c1="rm -rf"), "must be a number"),
])
def test_hostile_json_is_refused_with_a_message(wired, tmp_path, mutate, needle):
    b, out, edit, cmd = wired
    two_wc(edit)
    data = json.loads(b.to_json())
    mutate(data)
    text = json.dumps(data)
    with pytest.raises(nb.NbbloxError, match=needle):
        CircuitBuilder.from_json(text)
    before = b.to_json()
    cmd("load_json", text=text, filename="evil.json")
    level, msg = b.messages[-1]
    assert level == "error" and "evil.json" in msg and needle in msg, msg
    assert b.to_json() == before
    import os
    assert not os.path.exists("/tmp/nbblox_pwned")


def test_a_browser_message_cannot_name_a_server_file(wired, tmp_path):
    """Issue 23, item 3: the builder read any text not starting with '{' as a path,
    and its download button then returned the file."""
    b, out, edit, cmd = wired
    two_wc(edit)
    secret = tmp_path / "secret.json"
    nb.Circuit([nb.blox.FitzHughNagumo(name="secret_cell")]).to_json(str(secret))
    before = b.to_json()
    for text in (str(secret), "/dev/zero", "  " + str(secret)):
        cmd("load_json", text=text, filename="x.json")
        level, msg = b.messages[-1]
        assert level == "error" and "takes JSON text" in msg, msg
        assert b.to_json() == before and "secret_cell" not in b.to_json()


def test_load_from_the_canvas_replaces_the_circuit(wired):
    b, out, edit, cmd = wired
    other = nb.Circuit([nb.blox.FitzHughNagumo(name="f1"), nb.blox.FitzHughNagumo(name="f2")])
    other.connect("f1", "f2", weight=0.3)
    cmd("load_json", text=other.to_json(), filename="two.json")
    assert b.circuit == other
    snap = [m for m in out if m["type"] == "snapshot"][-1]
    assert snap["view"] is None and len(snap["state"]["nodes"]) == 2
    assert b.snapshot["nodes"][0]["name"] == "f1"          # late views start from it


def test_downloads_on_request(wired):
    b, out, edit, cmd = wired
    two_wc(edit)
    cmd("code")
    assert out[-1]["type"] == "download" and out[-1]["filename"] == "circuit.py"
    assert "nb.blox.WilsonCowan(name='wc1')" in out[-1]["text"]
    cmd("save_json")
    assert json.loads(out[-1]["text"])["positions"]["wc2"] == [200.0, 0.0]


def test_layout_of_a_connectome_sized_circuit():
    rng = np.random.default_rng(0)
    n = 80
    W = np.zeros((n, n))
    idx = rng.choice(n * n, size=1000, replace=False)
    W.flat[idx] = rng.uniform(0.1, 1.0, size=1000)
    np.fill_diagonal(W, 0)
    c = nb.Circuit.from_adjacency([nb.blox.WilsonCowan(name=f"r{i}") for i in range(n)], W)
    b = CircuitBuilder(c)
    pos = b.positions
    assert set(pos) == set(c.blox)
    pts = np.array(list(pos.values()))
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1)) + np.eye(n) * 1e9
    assert d.min() > 1.0                                   # no two blox on one spot
    assert len(b.snapshot["edges"]) == len(c.connections)
    circ = auto_layout(c, kind="circular")
    r = np.hypot(*np.array(list(circ.values())).T)
    assert np.allclose(r, r[0], atol=0.2)
    with pytest.raises(CircuitError, match="unknown layout"):
        auto_layout(c, kind="spiral")


def test_layout_command_is_one_undoable_edit(wired):
    b, out, edit, cmd = wired
    two_wc(edit)
    edit({"op": "move", "name": "wc1", "x": 5000, "y": 5000})
    cmd("layout")
    assert b.positions["wc1"] != (5000.0, 5000.0)
    cmd("undo")
    assert b.positions["wc1"] == (5000.0, 5000.0)


def test_svg_export(wired, tmp_path):
    b, _, edit, _ = wired
    two_wc(edit)
    b.save_svg(tmp_path / "c.svg")
    svg = (tmp_path / "c.svg").read_text()
    assert svg.count("<rect") == 3 and ">wc1<" in svg and "marker-end" in svg


def test_simulate_keeps_the_solution_and_reports_errors():
    b = CircuitBuilder()
    assert b.simulate(50.0, show=False) is None
    assert b.messages[-1][0] == "error" and "empty" in b.messages[-1][1]
    b.add("WilsonCowan", name="e1")
    b.add("WilsonCowan", name="e2")
    b.connect("e1", "e2", weight=2.0)
    sol = b.simulate(50.0, show=False)
    assert sol is b.solution and sol.t[-1] == pytest.approx(50.0)
    assert {"e1.E", "e2.E"} <= set(sol.names)
    assert b.simulate(-1, show=False) is None and "physical range" in b.messages[-1][1]


def test_model_without_widget_layer():
    m = BuilderModel(nb.Circuit([nb.blox.WilsonCowan(name="a")]))
    assert m.snapshot()["nodes"][0]["name"] == "a"
    with pytest.raises(CircuitError):
        m.reset("not a circuit")


def test_ports_of_multi_port_blox(wired):
    b, _, edit, _ = wired
    two_wc(edit)
    edit({"op": "add_node", "name": "ww", "type": nb.blox.WongWang.key, "x": 0, "y": 100})
    reply = edit({"op": "add_edge", "id": "p1", "src": "wc1", "dst": "ww"})
    assert reply["ops"][0]["input"] == "I_1"
    edit({"op": "set_edge", "id": "p1", "input": "I_2"})
    assert b.circuit.connections[-1].input == "I_2"
    ns = {}
    exec(b.to_code(), ns)
    assert ns["circuit"] == b.circuit
    edit({"op": "set_edge", "id": "p1", "output": "nope"})
    assert "has no output 'nope'" in b.messages[-1][1]


def test_assigning_a_circuit_and_the_post_cell_hook():
    from nbblox.ui.builder import widget as mod
    b = CircuitBuilder()
    out = []
    b._model.subscribe(out.append)
    c = nb.Circuit([nb.blox.WilsonCowan(name="x")])
    b.circuit = c
    assert b.circuit is c and out[-1]["type"] == "snapshot" and out[-1]["view"] is None
    assert b.snapshot["nodes"][0]["name"] == "x"
    c.add(nb.blox.WilsonCowan(name="y"))
    mod._post_run_cell()                 # what IPython runs after every cell
    assert out[-1]["type"] == "applied" and out[-1]["ops"][-1]["name"] == "y"


@pytest.mark.parametrize("msg", [
    {"type": "edit", "seq": 1, "view": "v9", "ops": [{"op": "add_node", "name": "z",
                                                       "type": WC, "_blox": "not a blox"}]},
    {"type": "edit", "seq": 2, "view": ["unhashable"], "ops": [{"op": "remove_node",
                                                                "name": "wc1"}]},
    {"type": "cmd", "cmd": "layout", "kind": "spiral", "seq": 3, "view": "v1"},
    {"type": "cmd", "cmd": "layout", "kind": {"x": 1}, "seq": 4, "view": "v1"},
    {"type": "edit", "seq": {}, "view": "v1", "ops": [{"op": {}}]},
    {"type": ["x"]}, "not a dict", {"type": "cmd", "cmd": "load_json", "text": 5},
])
def test_handle_never_raises(wired, msg):
    """Issue 23, item 11: handle() raised on a _blox field, an unhashable view and an
    unknown layout kind."""
    b, out, edit, cmd = wired
    two_wc(edit)
    b._receive(msg)
    b.inbox = [msg]
    assert set(b.circuit.blox) <= {"wc1", "wc2", "z"}


def test_a_refused_edit_keeps_the_blox_order(wired):
    """[remove_node a, rename b -> c] refused on the rename: the state order was b, c, a."""
    b, out, edit, cmd = wired
    for n in "abc":
        edit({"op": "add_node", "name": n, "type": WC, "x": 0, "y": 0})
    before = list(b.circuit.blox)
    reply = edit({"op": "remove_node", "name": "a"}, {"op": "rename", "name": "b", "new": "c"})
    assert reply["type"] == "rejected"
    assert list(b.circuit.blox) == before == ["a", "b", "c"]


def test_simulate_again_after_a_weight_change_reuses_the_explorer():
    """Issue 16: re-simulating after a weight change built a new explorer (11.7 s);
    the explorer shown is moved to the new weight and re-run instead."""
    import nbblox as nb
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    bld = nb.CircuitBuilder(circuit=nb.Circuit([a, b], name="pair").connect(a, b, weight=1.5))
    bld.simulate(50.0)
    ex = bld._explorer
    assert ex.weights == {"a→b": 1.5}
    edge = list(bld._model._edges)[0]
    bld._model.transaction([{"op": "set_edge", "id": edge, "weight": 0.5}])
    bld.simulate(50.0)
    assert bld._explorer is ex and ex.weights == {"a→b": 0.5} and ex.error is None
    bld.add("WilsonCowan", name="c")          # a new blox: a new explorer
    bld.sync()
    bld.simulate(50.0)
    assert bld._explorer is not ex

def test_an_edge_a_connection_rule_expands_is_one_undo_step_of_several_edges():
    """synapse -> neuron also wires the neuron's V back into V_post (nbblox.model.wiring)."""
    c = nb.Circuit([nb.blox.AMPA(name="syn"), nb.blox.HodgkinHuxley(name="post")])
    m = BuilderModel(c)
    out = []
    m.subscribe(out.append)
    assert m.edit([{"op": "add_edge", "src": "syn", "dst": "post"}])
    ops = out[-1]["ops"]
    assert [(o["src"], o["input"]) for o in ops] == [("syn", "I_syn"), ("post", "V_post")]
    assert len(m._edges) == 2 and len(c.connections) == 2
    m.undo()
    assert c.connections == [] and m._edges == {}
    m.redo()
    assert sorted(k.input for k in c.connections) == ["I_syn", "V_post"]


def composite_brain():
    brain = nb.Circuit([nb.blox.WilsonCowan(name="drive"),
                        nb.blox.WilsonCowanColumn(name="r1"), nb.blox.WilsonCowanColumn(name="r2")])
    brain.connect("drive", "r1").connect("r1", "r2", weight=0.5)
    return brain


def test_a_composite_is_one_block_until_it_is_opened():
    brain = composite_brain()
    m = BuilderModel(brain)
    out = []
    m.subscribe(out.append)
    snap = m.snapshot()
    nodes = {n["name"]: n for n in snap["nodes"]}
    assert sorted(nodes) == ["drive", "r1", "r2"] and nodes["r1"]["composite"]
    info = snap["types"][nodes["r1"]["type"]]
    assert info["kind"] == "composite" and info["outputs"] == ["E"] and info["inputs"] == ["I_syn"]
    assert sorted((e["src"], e["dst"]) for e in snap["edges"]) == [("drive", "r1"), ("r1", "r2")]
    m.handle({"type": "cmd", "cmd": "toggle", "name": "r1", "seq": 1, "view": "v"})
    snap = out[-1]["state"]
    nodes = {n["name"]: n for n in snap["nodes"]}
    assert {"r1.E", "r1.I", "r2"} <= set(nodes) and "r1" not in nodes
    assert nodes["r1.E"]["group"] == "r1"
    locked = [e for e in snap["edges"] if e.get("locked")]
    assert len(locked) == 4 and {(e["src"], e["dst"]) for e in locked} >= {("r1.I", "r1.E")}
    assert ("drive", "r1.E") in [(e["src"], e["dst"]) for e in snap["edges"]]
    # members of an open composite are edited like any blox, undoably
    assert m.edit([{"op": "set_params", "name": "r1.E", "params": {"P": 2.0}}])
    assert brain["r1.E"].params["P"] == 2.0
    m.undo()
    assert brain["r1.E"].params["P"] == 1.25
    assert not m.edit([{"op": "remove_node", "name": "r1.E"}])
    assert "belongs to composite 'r1'" in m.messages[-1][1]
    assert not m.edit([{"op": "remove_edge", "id": locked[0]["id"]}])
    assert "inside composite 'r1'" in m.messages[-1][1]
    # a connection drawn from a block goes through its port
    assert m.edit([{"op": "add_edge", "src": "r2", "dst": "drive", "weight": 0.1}])
    assert (brain.connections[-1].src, brain.connections[-1].dst) == ("r2.E", "drive")
    m.handle({"type": "cmd", "cmd": "toggle", "name": "r1"})
    assert "r1" in {n["name"] for n in out[-1]["state"]["nodes"]}


def test_composites_added_from_python_reach_the_canvas_and_the_svg():
    brain = composite_brain()
    m = BuilderModel(brain)
    out = []
    m.subscribe(out.append)
    brain.add(nb.blox.WilsonCowanColumn(name="r3"))
    brain.connect("r2", "r3")
    m.sync()
    assert out[-1]["type"] == "snapshot"
    names = {n["name"] for n in out[-1]["state"]["nodes"]}
    assert "r3" in names and ("r2", "r3") in [(e["src"], e["dst"]) for e in out[-1]["state"]["edges"]]
    from nbblox.ui.builder.layout import to_svg
    svg = to_svg(brain, m.positions)
    assert ">r3<" in svg and "WilsonCowanPopulation" not in svg and "composite · 2 blox" in svg
