"""Fused lockstep loops (``generate_source(layout, fuse=True)``, issue 17 W4):
each instance of an uncoupled layout does its whole step in one pass, every
stage in scalars.  The strict fused loops compute what the unfused loops
compute, bit for bit, for every multi-stage scheme of ``schemes.SCHEMES``
(and the single-stage ones, whose loops only change their check); the
fast-math text (``fast=True``: sums in latency order, inputs left out) stays
within the fastmath tolerance of the strict loop.

Models: FitzHugh-Nagumo (FitzHugh 1961, nbblox's library parameters), a
forced linear relaxation ``dx/dt = (sin(w t) - x)/tau`` (time enters every
stage), two uncoupled groups of different types (Wilson-Cowan, Wilson &
Cowan 1972, and FitzHugh-Nagumo), and a clipped ramp (declared bounds).
"""
import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.cache import load_module
from nbblox.compile.codegen import CHECK_EVERY, generate_source
from nbblox.compile.kernels import module_source
from nbblox.compile.schemes import SCHEMES
from nbblox.sim.sweep.lockstep import _replicated_layout

B = 8   # replicas: the lockstep layout of a sweep block
MULTI = [s.name for s in SCHEMES if not s.fused and "numba" in s.backends]
FORCED = nb.BloxType("ForcedRelax", "dx/dt = (sin(om*t) - x)/tau",
                     params={"om": 0.7, "tau": 3.0})


def _fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn"))


def _forced():
    return nb.compile(FORCED(name="f", init={"x": 0.2}))


def _two_groups():
    return nb.compile(nb.Circuit([nb.blox.WilsonCowan(name="wc"),
                                  nb.blox.FitzHughNagumo(name="fhn")]))


def _func(mod_or_text, name):
    """The text of kernel ``name`` in a module (or module text)."""
    text = mod_or_text if isinstance(mod_or_text, str) else open(mod_or_text.__file__).read()
    return text.split(f"def {name}(")[1].split("@njit")[0]


def _modules(system, fast=False):
    big = _replicated_layout(system.layout, B)
    plain = module_source(big, fastmath=fast)
    fused = module_source(big, fastmath=fast, fuse=True)
    return big, load_module(plain), load_module(fused)


def _run(mod, method, big, x0, p, nsteps=400, dt=0.05, stride=7):
    x = x0.copy()
    rec = np.arange(x.size)
    nsamp = nsteps // stride + 1
    out_t, out_x = np.zeros(nsamp), np.zeros((rec.size, nsamp))
    z = np.zeros(0, np.int64)
    res = getattr(mod, f"run_{method}")(x, p, np.zeros(0), z, z, 0.0, dt, 0, nsteps, stride,
                                        rec, out_t, out_x)
    return x, out_t, out_x, res


def _inputs(system, seed=1):
    """States drawn around 0, per-replica parameters 0.8-1.2 times the defaults."""
    rng = np.random.default_rng(seed)
    big = _replicated_layout(system.layout, B)
    x0 = rng.uniform(-0.5, 0.5, len(big.state_names))
    base = np.asarray(system.param_vector(), float)
    p = np.empty(sum(len(g.btype.params) * g.n for g in big.groups))
    for g, single in zip(big.groups, system.layout.groups):
        for j in range(len(g.btype.params)):
            p[g.poff + j * g.n: g.poff + (j + 1) * g.n] = \
                base[single.poff + j * single.n] * rng.uniform(0.8, 1.2, g.n)
    return x0, p


@pytest.mark.parametrize("make", [_fhn, _forced, _two_groups], ids=["fhn", "forced", "two"])
def test_fused_strict_loops_are_bit_identical(make):
    system = make()
    big, plain, fused = _modules(system)
    x0, p = _inputs(system)
    text = _func(fused, "run_rk4")
    assert "k1 = np.empty" not in text and "xs_0 = x[" in text   # really fused
    for method in [*MULTI, "euler"]:
        a, b = _run(plain, method, big, x0, p), _run(fused, method, big, x0, p)
        np.testing.assert_array_equal(a[0], b[0], err_msg=method)
        np.testing.assert_array_equal(a[2], b[2], err_msg=method)     # every sample
        assert a[3] == b[3] == (400, -1, 400 // 7 + 1)


@pytest.mark.parametrize("make", [_fhn, _forced, _two_groups], ids=["fhn", "forced", "two"])
def test_fused_fastmath_loops_within_tolerance(make):
    """fast=True reassociates each sum (latency order) and drops the +0.0 of
    the absent inputs: within 1e-12 relative of the strict loop over 400
    steps (FHN's spikes stay well clear of amplifying the difference)."""
    system = make()
    big, plain, _ = _modules(system)
    _, _, fused_fast = _modules(system, fast=True)
    assert "fastmath={" in open(fused_fast.__file__).read()
    assert "u0 = " not in _func(fused_fast, "run_rk4")
    x0, p = _inputs(system)
    for method in ["euler", "rk4"]:
        a, b = _run(plain, method, big, x0, p), _run(fused_fast, method, big, x0, p)
        np.testing.assert_allclose(b[0], a[0], rtol=1e-12, atol=1e-12, err_msg=method)
        assert not np.array_equal(a[2], b[2]) or method == "euler"  # it did reorder something


def test_latency_order_puts_the_long_term_last():
    text = generate_source(_replicated_layout(_fhn().layout, B), fuse=True, fast=True)
    body = _func(text, "run_rk4")
    assert "k1_0 = q0 + s0 - s1 - (0.3333333333333333)*(s0*s0*s0)" in body
    strict = generate_source(_replicated_layout(_fhn().layout, B), fuse=True)
    assert "k1_0 = q0 - (0.3333333333333333)*(s0*s0*s0) + s0 - s1 + u0" in _func(strict, "run_rk4")


@pytest.mark.parametrize("fast", [False, True])
def test_fused_loop_reports_divergence(fast):
    """Checked every CHECK_EVERY steps and after the last: a blow-up is
    reported at most CHECK_EVERY - 1 steps late, with the state's index."""
    system = nb.compile(nb.Blox.from_equations("dx/dt = r*x", params={"r": 0.0}, name="g",
                                               init={"x": 1.0}))
    big, plain, fused = _modules(system, fast=fast)
    p = np.zeros(B)
    p[5] = 2000.0                                   # replica 5 overflows
    x0 = np.ones(B)
    exact = _run(plain, "rk4", big, x0, p, nsteps=200, dt=0.1)[3]
    late = _run(fused, "rk4", big, x0, p, nsteps=200, dt=0.1)[3]
    assert exact[1] == late[1] == 5
    assert exact[0] <= late[0] < exact[0] + CHECK_EVERY
    # a blow-up in the very last step is still seen
    p[5] = 0.0
    x0[3] = 1e308
    p[3] = 50.0
    last = _run(fused, "euler", big, x0, p, nsteps=1, dt=0.1)[3]
    assert last[:2] == (1, 3)


def test_declared_bounds_keep_the_check_every_step():
    """A clipped state can turn inf finite again, so a clipped layout's
    fused loop checks after every step (after the bounds), as before."""
    ramp = nb.BloxType("RampFused", "dx/dt = r", params={"r": 1.0}, clip={"x": (0.0, 1.0)})
    system = nb.compile(ramp(name="ramp"))
    big, plain, fused = _modules(system)
    text = _func(fused, "run_rk4")
    assert "step & " not in text and "xs_0 = x[" in text
    x0, p = np.zeros(B), np.linspace(0.0, 0.1, B)   # the fast ones reach the bound
    a, b = _run(plain, "rk4", big, x0, p), _run(fused, "rk4", big, x0, p)
    np.testing.assert_array_equal(a[0], b[0])
    assert b[0].max() == 1.0


def test_uniform_parameters_are_loaded_once_with_the_same_results():
    """A sweep over I leaves a, b, tau of FitzHugh-Nagumo uniform: the fused
    loops load them once per call (``hu<g>_<j>``), with the same values."""
    from nbblox.sim.sweep.lockstep import uniform_params
    system = _fhn()
    big, plain, _ = _modules(system)
    uni = [(0, 1), (0, 2), (0, 3)]
    mod = load_module(generate_source(big, fuse=True, uniform=uni))
    text = _func(mod, "run_rk4")
    assert f"hu0_3 = p[{3 * B}]" in text and "q3 = hu0_3" in text and "q0 = p[0 + i]" in text
    x0, p = _inputs(system)
    base = np.asarray(system.param_vector(), float)
    for j in (1, 2, 3):
        p[j * B:(j + 1) * B] = base[j]
    for method in ("euler", "heun", "rk4"):
        a, b = _run(plain, method, big, x0, p), _run(mod, method, big, x0, p)
        np.testing.assert_array_equal(a[0], b[0], err_msg=method)
        np.testing.assert_array_equal(a[2], b[2], err_msg=method)
    P = np.tile(base, (5, 1))
    P[:, 0] = np.linspace(0.0, 2.0, 5)
    P[:, 1] = np.linspace(0.6, 0.8, 5)
    assert uniform_params(system, P) == {(0, 2), (0, 3)}


def test_sweep_over_two_parameters_streams_as_the_trace_path():
    """Streamed sweeps use the uniform-parameter kernels (of the whole sweep,
    not per chunk); the trace path does not: equal, bit for bit."""
    system = _fhn()
    I = np.linspace(0.0, 2.0, 140)
    a = np.linspace(0.6, 0.8, 140)
    kw = dict(t_end=40.0, dt=0.05, method="rk4", measure=["max", "rate", "final"],
              threshold=1.0, chunk_size=70)      # two chunks, each in lockstep blocks
    s = nb.sweep(system, {"fhn.I": I, "fhn.a": a}, grid=False, **kw)
    t = nb.sweep(system, {"fhn.I": I, "fhn.a": a}, grid=False, stream=False, **kw)
    assert s.attrs["stream"] == 1
    for m in ("max", "rate", "final"):
        np.testing.assert_array_equal(s[m].values, t[m].values, err_msg=m)
