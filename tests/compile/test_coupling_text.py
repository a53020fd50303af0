"""A System's kernel text carries the dense coupling branch only when its
edges need it (cold start, issue 17: ``nbblox demo``'s first run is mostly
numba compiling ``run_rk4``; typing and lowering both branches of the input
sums in each of rk4's four stages cost ~0.9 s CPU of ~5.5 for the demo).

The CSR-only text must compute what the text with both branches computes, bit
for bit: :func:`nbblox.compile.plan.edge_plan` returns the CSR arrays in both
modes and the dense window adds the same terms in the same order (its zeros
change nothing).  The circuits are the demo's (one edge: a 1 x 1 window),
Wilson-Cowan nodes (Wilson & Cowan 1972) in a delayed ring, and a population
coupled all-to-all (a 12 x 12 window, which keeps the dense branch).
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nbblox as nb
from nbblox.cli import demo_circuit
from nbblox.compile import kernels
from nbblox.compile.kernels import DENSE_TEXT_MIN_CELLS, dense_cells, needs_dense
from nbblox.compile.plan import csr_plan, edge_plan

DENSE = "if cmode == 2:"


def _text(system):
    return Path(system._k.__file__).read_text()


def _ring():
    w = [nb.blox.WilsonCowan(name=f"w{i}", P=0.5 + 0.3 * i) for i in range(3)]
    c = nb.Circuit(w, name="ring")
    c.connect(w[0], w[1], weight=1.5, delay=2.0)
    c.connect(w[1], w[2], weight=1.2)
    c.connect(w[2], w[0], weight=0.8, delay=1.3)
    return c


def _all_to_all(n=12):
    P = nb.Population(nb.blox.WilsonCowan(name="x").type, n=n, name="P",
                      init={"E": np.linspace(0.0, 0.5, n)})
    c = nb.Circuit([P], name="all")
    c.connect(P, P, weight=0.05, p=1.0, seed=0)
    return c


@pytest.mark.parametrize("seed", range(40))
def test_dense_cells_is_edge_plans_rule(seed):
    """The NumPy rule that picks the text agrees with the numba plan the kernel
    runs: sorted by target or not, with repeated edges, sparse or dense."""
    rng = np.random.default_rng(seed)
    n_in, n_out = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    ne = int(rng.integers(1, 3 * n_in * n_out // 2 + 2))
    src = rng.integers(0, n_out, ne)
    dst = rng.integers(0, n_in, ne)
    if seed % 2:     # layouts list edges by target, sources increasing
        idx = np.lexsort((src, dst))
        src, dst = src[idx], dst[idx]
    w = rng.normal(size=ne)
    mode, ptr, cs, cw, WD, _a0, _b0 = edge_plan(w, src, dst, n_in)
    assert dense_cells(src, dst) == (WD.size if int(mode) == 2 else 0)
    # the CSR-only text's plan: edge_plan's CSR arrays, element for element
    for a, b in zip(csr_plan(w, src, dst, n_in), (ptr, cs, cw)):
        np.testing.assert_array_equal(a, b)


def test_helpers_compile_one_signature_for_every_circuit_size(tmp_path):
    """The kernels pass the input count as np.int64: the module constant alone
    is typed Literal[int](N), one compile (and cache entry) of each helper per
    circuit size (plain loop: csr_plan; delayed loop: delay_plan, csr_plan).
    In a child with empty caches: kernels loaded from a warm cache never
    compile their helpers, and the signatures would be empty."""
    code = """
import nbblox as nb
from numba import types
from nbblox.compile.plan import csr_plan, delay_plan
for n in (2, 3):
    for delay in (0.0, 0.5):
        w = [nb.blox.WilsonCowan(name=f"w{i}") for i in range(n)]
        c = nb.Circuit(w)
        c.connect(w[0], w[1], weight=1.0, delay=delay)
        c.connect(w[1], w[0], weight=0.5)
        nb.simulate(c, 2.0, dt=0.1, method="rk4")
print([(len(f.signatures), any(isinstance(sig[-1], types.Literal) for sig in f.signatures))
       for f in (csr_plan, delay_plan)])
"""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"),
               NBBLOX_CACHE_DIR=str(tmp_path / "nbblox"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=900, env=env).stdout
    assert out.strip().splitlines()[-1] == "[(1, False), (1, False)]", out


def test_demo_text_has_no_dense_branch_and_compiles_one_kernel():
    """The demo's single edge is a 1 x 1 window: no dense branch in its text
    (the branch comes back if the rule is dropped), and its first run in a
    fresh process compiles (or loads) ``run_rk4`` alone of the kernel module's
    own functions (helpers it imports, csr_plan and exprel, are compiled with
    it when numba's cache is cold, and are not the module's kernels)."""
    s = nb.compile(demo_circuit())
    assert not needs_dense(s.layout)
    text = _text(s)
    # the CSR alone, planned by csr_plan (edge_plan's dense analysis is not compiled)
    assert DENSE not in text and "csr_plan(w, src, dst, np.int64(N_INPUTS))" in text
    assert "edge_plan(w" not in text
    code = ("import nbblox as nb\nfrom nbblox.cli import demo_circuit\n"
            "from numba.core.dispatcher import Dispatcher\n"
            "s = nb.compile(demo_circuit())\nnb.simulate(s, 5.0, dt=0.01, method='rk4')\n"
            "print(sorted(k for k, v in vars(s._k).items()\n"
            "             if isinstance(v, Dispatcher) and v.signatures\n"
            "             and v.py_func.__module__ == s._k.__name__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=600).stdout
    assert out.strip().splitlines()[-1] == "['run_rk4']"


def test_large_window_keeps_the_dense_branch():
    s = nb.compile(_all_to_all())
    assert needs_dense(s.layout) and dense_cells(s.layout.src, s.layout.dst) == 144 >= \
        DENSE_TEXT_MIN_CELLS
    assert DENSE in _text(s)


@pytest.mark.parametrize("make, method", [(demo_circuit, "rk4"), (_ring, "euler")])
@pytest.mark.parametrize("fastmath", [False, True])
def test_csr_text_computes_what_both_branches_compute(make, method, fastmath, monkeypatch):
    """Bit for bit, strict and fast-math, plain loop and delayed (full) loop."""
    csr = nb.compile(make())
    monkeypatch.setattr(kernels, "DENSE_TEXT_MIN_CELLS", 1)   # the text before: both branches
    both = nb.compile(make())
    assert DENSE not in _text(csr) and DENSE in _text(both)
    kw = dict(dt=0.01, method=method, stride=7, fastmath=fastmath)
    a, b = nb.simulate(csr, 60.0, **kw), nb.simulate(both, 60.0, **kw)
    np.testing.assert_array_equal(a.values, b.values)
    assert np.ptp(a.values[-1]) > 0       # something moved
