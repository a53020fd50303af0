"""The circuit builder's edit operations are listed once (nbblox.ui.builder.ops) and the
Python handlers and the JavaScript front end agree with that list (issue 22 item 7).

A new op added on one side only fails here: Python would refuse what the canvas sends, or
the canvas would throw ``unknown op`` on what Python confirms.
"""
import re

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
