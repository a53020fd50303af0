"""The circuit builder's edit operations are listed once (nbblox.ui.builder.ops) and the
Python handlers and the JavaScript front end agree with that list (issue 22 item 7).

A new op added on one side only fails here: Python would refuse what the canvas sends, or
the canvas would throw ``unknown op`` on what Python confirms.  The chain: ops.EDIT_OPS /
CANONICAL_OPS (the one list) == the JSDoc op types ``EditOp`` / ``Op`` in
circuit_builder.js (checked here); tsc checks that applyOps has a case for every ``Op`` and
none other, and that the canvas sends only ``EditOp`` (tests/ui/test_builder_types.py).
The messages get the same treatment: every message type Python broadcasts is a
``FromPython`` type, and every ``Command`` the canvas can send is one Python handles.
"""
import re
from pathlib import Path

from nbblox.ui.builder import CircuitBuilder, ops
from nbblox.ui.builder.assets import widget_asset
from nbblox.ui.builder.ops import CANONICAL_OPS, EDIT_OPS, OpsMixin


def _js_apply_cases():
    """The ``case "..."`` labels of ``applyOps``'s switch in circuit_builder.js."""
    js = widget_asset("circuit_builder.js").read_text(encoding="utf-8")
    start = js.index("switch (op.op)")
    end = js.index("default: throw new Error(`unknown op", start)
    return re.findall(r'case "([a-z_]+)"', js[start:end])


def test_python_handles_exactly_the_listed_edit_ops():
    handlers = {m[len("_op_"):] for m in dir(OpsMixin) if m.startswith("_op_")}
    assert handlers == set(EDIT_OPS)
    assert len(EDIT_OPS) == len(set(EDIT_OPS))


def test_the_front_end_applies_exactly_the_canonical_ops():
    cases = _js_apply_cases()
    assert len(cases) == len(set(cases)), cases
    assert set(cases) == set(CANONICAL_OPS)


def _js():
    return widget_asset("circuit_builder.js").read_text(encoding="utf-8")


def _typedef_unions(js):
    """{typedef name: set of the literal tags it stands for}: an object type
    ``{{<field>: "tag", ...}}`` gives its tag, a union ``{A | B}`` the union of its members'."""
    leaf = dict((name, {tag}) for tag, name in re.findall(
        r'@typedef \{\{(?:op|type|cmd): "([a-z_]+)"[^\n]*\}\} (\w+)', js))
    unions = dict((name, [m.strip() for m in body.split("|")]) for body, name in re.findall(
        r"@typedef \{([A-Z]\w*(?:\s*\|\s*[A-Z]\w*)+)\} (\w+)", js))

    def resolve(name):
        if name in leaf:
            return set(leaf[name])
        return set().union(*(resolve(m) for m in unions[name]))
    return {name: resolve(name) for name in list(leaf) + list(unions)}


def test_the_js_op_types_are_the_python_lists():
    types = _typedef_unions(_js())
    assert types["EditOp"] == set(EDIT_OPS)
    assert types["Op"] == set(CANONICAL_OPS)


def test_every_message_python_sends_is_one_the_js_handles():
    folder = Path(ops.__file__).parent         # nbblox/ui/builder
    sent = set()
    for src in folder.glob("*.py"):
        sent |= set(re.findall(r'_broadcast\(\{"type": "([a-z_]+)"', src.read_text("utf-8")))
    assert sent and sent == _typedef_unions(_js())["FromPython"]
    js = _js()
    switch = js[js.index("function onMessage("):]
    handled = set(re.findall(r'case "([a-z_]+)"', switch[:switch.index("w.toolbar.updateStatus();\n  }")]))
    assert handled == sent


def test_every_command_the_js_sends_is_one_python_handles():
    cmds = re.search(r"@typedef \{(\{cmd:.*?)\} Command", _js(), flags=re.S).group(1)
    names = set(re.findall(r'cmd: "([a-z_]+)"', cmds))
    assert {"undo", "redo", "hello", "simulate"} <= names
    b = CircuitBuilder()
    out = []
    b._model.subscribe(out.append)
    for seq, name in enumerate(sorted(names), 1):
        b._receive({"type": "cmd", "cmd": name, "view": "v", "seq": seq})
    unknown = [m for m in out if "unknown command" in str(m.get("error", ""))]
    assert not unknown, unknown
