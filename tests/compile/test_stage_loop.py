"""``run_<m>`` of a multi-stage scheme evaluates its stages in a loop, the model
written once (:func:`nbblox.compile.steps.rk_stage_loop`): numba types and
lowers it once instead of once per stage, most of ``nbblox demo``'s cold start
(issue 17).  Its results must be those of the stages pasted one after the
other (the text before, :func:`nbblox.compile.steps.rk_step`'s structure), bit
for bit: the same arithmetic, operation for operation.

Circuits: the demo's (Hodgkin & Huxley 1952 squid axon driven above rheobase;
a Wilson & Cowan 1972 pair coupled by one edge) and a Wilson-Cowan population
coupled sparsely (CSR sums in every stage).
"""
import numpy as np
import pytest

import nbblox as nb
from nbblox.cli import demo_circuit
from nbblox.compile import codegen
from nbblox.compile.cache import load_module
from nbblox.compile.ir import Assign, For, Item
from nbblox.compile.steps import combination, stage_time


def _pasted(scheme, stage, x="x", size="N_STATES"):
    """The stages one after the other, stage 0 reading ``x`` itself: the
    kernel text before the loop, with the stage values in ``K``'s rows."""
    tab = scheme.tableau
    n = tab.stages
    ks = [f"K[{s} * {size} + i]" for s in range(n)]
    body = []
    for s in range(n):
        if s:
            body.append(For("i", (size,), [Assign(Item("tmp", "i"),
                                                  combination(tab.a[s], x, stages=ks[:s]))]))
        body += [Assign("t_s", stage_time(tab.c[s]))] + stage(x if s == 0 else "tmp",
                                                              f"{s} * {size}")
    body.append(For("i", (size,), [Assign(Item(x, "i"), combination(tab.b, x, stages=ks))]))
    return [Assign("K", f"np.empty({n} * {size})"), Assign("tmp", f"np.empty({size})")], body


def _population():
    P = nb.Population(nb.blox.WilsonCowan(name="x").type, n=12, name="P",
                      init={"E": np.linspace(0.0, 0.5, 12)})
    c = nb.Circuit([P], name="sparse")
    c.connect(P, P, weight=0.3, p=0.2, seed=1)
    return c


def _run(module, layout, method, n=3000, dt=0.01):
    x = np.array(layout.x0, float)
    rec = np.arange(x.size, dtype=np.int64)
    out_t, out_x = np.empty(n + 1), np.empty((x.size, n + 1))
    done, bad, _ = getattr(module, f"run_{method}")(
        x, np.asarray(layout.p0, float), np.asarray(layout.w0, float),
        np.asarray(layout.src, np.int64), np.asarray(layout.dst, np.int64), 0.0, dt, 0, n, 1,
        rec, out_t, out_x)
    assert (done, bad) == (n, -1)
    return out_x


@pytest.mark.parametrize("make", [demo_circuit, _population])
@pytest.mark.parametrize("method", ["heun", "rk2", "rk4"])
def test_stage_loop_equals_pasted_stages(make, method, monkeypatch):
    layout = nb.compile(make()).layout
    text = codegen.generate_source(layout)
    monkeypatch.setattr(codegen, "rk_stage_loop", _pasted)
    before = codegen.generate_source(layout)
    assert f"def run_{method}(" in text and "for stg in range(" in text
    assert "for stg in range(" not in before
    a, b = _run(load_module(text), layout, method), _run(load_module(before), layout, method)
    np.testing.assert_array_equal(a, b)
    assert np.ptp(a[:, -1]) > 0 and np.all(np.ptp(a, axis=1) > 0)   # every state moved


def test_the_model_is_written_once_per_kernel():
    """The demo's run_rk4 holds each group's model once (it held it four times)."""
    text = codegen.generate_source(nb.compile(demo_circuit()).layout)
    start = text.index("def run_rk4(")
    rk4 = text[start:text.index("\n@njit", start)]
    assert rk4.count("# group 0") == 1 and rk4.count("# group 1") == 1
