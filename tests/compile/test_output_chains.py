"""Chains of outputs that read inputs within one group (synapse -> synapse
of the same type) settle (nbblox.compile.settle), and loops are refused.

Before (1bd47d3) the kernels and the NumPy reference evaluated the outputs
in one pass per *group* of input-reading outputs; on rate -> TM -> TM -> TM
-> sink (three Tsodyks & Markram 1997 synapses, one group, each output
``A u x r_pre`` reading the previous one) the sink's input was left at 0:
``System.rhs`` gave d(sink.y)/dt = 0.0 where the hand-computed value is 0.405
(both backends).  Now the layout counts the deepest chain (3) and the text
makes that many passes; a loop (an output depending on itself within a
step) is a CompileError naming the blox.
"""
import sys
from pathlib import Path

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.layout import build_layout
from nbblox.exceptions import CompileError

sys.path.insert(0, str(Path(__file__).parent))
from test_jacobian_outputs import Rate, Sink, hh_ampa_hh, tm_chain  # noqa: E402


def by_hand(s, x, n=3, w=(1.5, 2.0, 3.0)):
    """d(sink.y)/dt at x: the chain of outputs written out."""
    r = w[0] * x[s.state_index("src.r")]
    for k in range(n):
        out = s.params[f"tm{k}.A"] * x[s.state_index(f"tm{k}.u")] * x[s.state_index(f"tm{k}.x")] * r
        r = out * (w[1] if k < n - 1 else w[2])
    return -x[s.state_index("sink.y")] / 10 + r


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("n", [2, 3, 5])
def test_rhs_through_a_chain_in_one_group(backend, n):
    s = nb.compile(tm_chain(n), backend=backend)
    x = np.array(s.x0, dtype=float)
    x[s.state_index("sink.y")] = 0.7
    y = s.state_index("sink.y")
    want = by_hand(s, x, n)
    assert want + 0.07 > 5e-3           # the chain's part: 0.475 at n = 3 (was taken as 0)
    assert s.rhs(x)[y] == pytest.approx(want, rel=1e-13)
    # every TM reads its settled input: d(tm_k.x)/dt = (1 - x)/tau_rec - u x r_pre
    r = 1.5 * x[s.state_index("src.r")]
    for k in range(n):
        u, xx = x[s.state_index(f"tm{k}.u")], x[s.state_index(f"tm{k}.x")]
        got = s.rhs(x)[s.state_index(f"tm{k}.x")]
        assert got == pytest.approx((1 - xx) / s.params[f"tm{k}.tau_rec"] - u * xx * r,
                                    rel=1e-13)
        r = 2.0 * s.params[f"tm{k}.A"] * u * xx * r


def test_the_layout_counts_the_chain_and_only_then_changes_the_key():
    L3, L5, Lp = (build_layout(c) for c in (tm_chain(3), tm_chain(5), hh_ampa_hh()))
    assert (L3.out_passes, L5.out_passes, Lp.out_passes) == (3, 5, 0)
    assert ("out_passes", 3) in L3.structure_key
    assert not any(isinstance(k, tuple) and k[:1] == ("out_passes",) for k in Lp.structure_key)
    one = build_layout(tm_chain(1))            # rate -> TM -> sink: one pass, as always
    assert one.out_passes == 0


@pytest.mark.parametrize("method,delay", [("rk4", 0.0), ("euler", 0.0), ("rk4", 1.0)])
def test_simulation_kernels_agree_with_the_reference(method, delay):
    """run_<m> (and run_<m>_full with a delay on the last link) against the
    NumPy reference, which settles by passes until the inputs stop changing."""
    def circuit():
        c = tm_chain(3)
        if delay:
            c = nb.Circuit([Rate(name="src"), *(nb.blox.TsodyksMarkram(
                name=f"tm{k}", U=0.2 + 0.1 * k, A=1.0 + k) for k in range(3)), Sink(name="sink")])
            c.connect("src", "tm0", weight=1.5).connect("tm0", "tm1", weight=2.0)
            c.connect("tm1", "tm2", weight=2.0).connect("tm2", "sink", weight=3.0, delay=delay)
        return c
    a = nb.simulate(circuit(), 50.0, dt=0.05, method=method, backend="numba")
    b = nb.simulate(circuit(), 50.0, dt=0.05, method=method, backend="numpy")
    assert np.abs(a["sink.y"]).max() > 0.5
    assert np.max(np.abs(np.asarray(a.values) - np.asarray(b.values))) < 1e-12


def test_lockstep_sweep_keeps_the_passes():
    """The replicated layout of a lockstep sweep carries out_passes."""
    from nbblox.sim.sweep.lockstep import LANES, use_lockstep
    s = nb.compile(tm_chain(3))
    U = np.linspace(0.2, 0.6, 2 * LANES)
    assert use_lockstep(s, U.size)
    res = nb.sweep(s, {"tm2.U": U}, t_end=20.0, dt=0.05, traces=True, measure="final")
    for k in (0, U.size - 1):
        sol = nb.simulate(s, 20.0, dt=0.05, params={"tm2.U": U[k]})
        np.testing.assert_array_equal(res["trace"].values[k], sol.values)


def test_a_loop_of_outputs_is_refused_naming_the_blox():
    a, b = nb.blox.TsodyksMarkram(name="tmA"), nb.blox.TsodyksMarkram(name="tmB")
    c = nb.Circuit([a, b]).connect(a, b).connect(b, a)
    with pytest.raises(CompileError) as err:
        nb.compile(c, backend="numpy")
    msg = str(err.value)
    assert "algebraic loop" in msg and "'tmA.out' -> 'tmB.r_pre'" in msg
    assert "'tmB.out' -> 'tmA.r_pre'" in msg
    with pytest.raises(CompileError, match="tmS"):            # onto itself
        s = nb.blox.TsodyksMarkram(name="tmS")
        nb.compile(nb.Circuit([s]).connect(s, s))


def test_equations_follow_the_chain():
    """The symbolic form substitutes the chain too (no input symbol left)."""
    s = nb.compile(tm_chain(3))
    eqs = s.equations()
    names = {str(v) for e in eqs.values() for v in e.free_symbols}
    assert not any(n.startswith("u") and n[1:].isdigit() for n in names)
    x = np.array(s.x0, dtype=float)
    import sympy as sp
    val = float(eqs["sink.y"].subs({sp.Symbol(n, real=True): x[i]
                                    for i, n in enumerate(s.state_names)} | {
        sp.Symbol(n, real=True): s.params[n] for n in s.param_names}))
    assert val == pytest.approx(by_hand(s, x), rel=1e-12)
