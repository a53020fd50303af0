"""A compiled System pickles and deep-copies: its layout, runtime values (parameters,
initial state, weights) and options (backend, fastmath) travel, its kernels do not --
the copy loads them again from the kernel cache -- and it simulates bit for bit as the
original, in this process, in a ``spawn`` worker and in a fresh interpreter."""
import copy
import multiprocessing
import os
import pickle
import pickletools
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.kernels import kernel_module, with_fastmath

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pickled import assert_same, round_trip  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RUN = dict(t_end=30.0, dt=0.05, method="euler", seed=11)


def noisy_pair():
    """A user-defined noisy type (not in the catalog: it travels as text) coupled to a
    FitzHugh-Nagumo cell (FitzHugh 1961); the Ornstein-Uhlenbeck line is the textbook
    dx = -x/tau dt + sigma dW (Gardiner, Handbook of Stochastic Methods, 4.4.4)."""
    ou = nb.BloxType("OUDrive", "dx/dt = -x/tau + sigma*xi", params={"tau": 5.0, "sigma": 0.3},
                     outputs="x")
    c = nb.Circuit([ou(name="drive"), nb.blox.FitzHughNagumo(name="f", I=0.3)], name="pair")
    c.connect("drive", "f", weight=0.8)
    return c


def tuned(system):
    """``system`` with values set on the System itself (not on its circuit)."""
    system.params["f.a"] = 0.65
    system.params["drive.sigma"] = 0.45
    system.x0[system.state_index("f.V")] = -1.1
    system.weights[:] = 0.6
    return system


def kernel_globals(data):
    """The (module, name) pairs a pickle imports."""
    from nbblox.compile.cache import _pickle_globals
    return _pickle_globals(data)


def test_a_system_round_trips_with_its_values_and_no_kernels():
    s = tuned(nb.compile(noisy_pair()))
    data = pickle.dumps(s)
    assert not any(m and ("nbblox_kernels" in m or m.startswith("numba"))
                   for m, _ in kernel_globals(data))
    back = pickle.loads(data)
    assert_same(s, back)                 # layout, values, names, circuit; the same kernels
    assert back._k is s._k and back.fastmath is False and back.backend == "numba"
    a, b = nb.simulate(s, **RUN), nb.simulate(back, **RUN)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.t, b.t)
    assert not np.array_equal(a.values, nb.simulate(nb.compile(noisy_pair()), **RUN).values)


@pytest.mark.parametrize("backend, fastmath", [("numba", True), ("numpy", False)])
def test_the_options_survive(backend, fastmath):
    s = tuned(nb.compile(noisy_pair(), backend=backend))
    s = with_fastmath(s, fastmath)
    back, deep = round_trip(s), copy.deepcopy(s)
    assert (back.backend, back.fastmath) == (deep.backend, deep.fastmath) == (backend, fastmath)
    if backend == "numba":
        assert back._k is kernel_module(s.layout, True)
    assert deep._k is s._k             # shared, not built again (the numpy ones need SymPy)
    for other in (back, deep):
        assert np.array_equal(nb.simulate(s, **RUN).values, nb.simulate(other, **RUN).values)
        assert np.array_equal(s.jacobian(s.x0), other.jacobian(other.x0))


def test_a_deep_copy_is_independent_and_shares_the_kernels():
    s = tuned(nb.compile(noisy_pair()))
    d = copy.deepcopy(s)
    assert_same(s, d)
    d.params["f.a"] = 0.9
    d.weights[:] = 0.0
    d.x0[:] = 0.0
    d.circuit["f"].params["I"] = 1.0
    assert s.params["f.a"] == 0.65 and np.all(s.weights == 0.6) and s.x0[s.state_index("f.V")] == -1.1
    assert s.circuit["f"].params["I"] == 0.3
    assert d._k is s._k
    shallow = copy.copy(s)             # with_fastmath's copy: the same objects
    assert shallow.params is s.params and shallow._k is s._k


def test_a_solution_keeps_its_system():
    s = tuned(nb.compile(noisy_pair()))
    sol = nb.simulate(s, **RUN)
    back = round_trip(sol)
    assert_same(sol, back)
    assert np.array_equal(back["f.V"], sol["f.V"])
    again = nb.simulate(back.system, **RUN)     # the unpickled system runs
    assert np.array_equal(again.values, sol.values)


def test_a_spawn_worker_simulates_bit_for_bit():
    """multiprocessing with spawn: the worker imports nbblox afresh, unpickles the
    System (its user type from text) and pickles a Solution back."""
    s = tuned(nb.compile(noisy_pair()))
    here = nb.simulate(s, **RUN)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        there = pool.apply(nb.simulate, (s,), RUN)
        circuit_sol = pool.apply(nb.simulate, (s.circuit,), RUN)
    assert np.array_equal(there.values, here.values) and np.array_equal(there.t, here.t)
    assert there.system.params["f.a"] == 0.65
    local = nb.simulate(s.circuit, **RUN)
    assert np.array_equal(circuit_sol.values, local.values)


def test_a_fresh_process_unpickles_from_the_kernel_cache(tmp_path):
    """With a warm cache, unpickling generates no source and imports no SymPy."""
    s = tuned(nb.compile(noisy_pair()))
    (tmp_path / "s.pkl").write_bytes(pickle.dumps(s))
    script = textwrap.dedent("""
        import pickle, sys
        import numpy as np
        from nbblox.compile import kernels
        def boom(*args, **kw):
            raise AssertionError("module_source ran despite a warm cache")
        assert callable(kernels.module_source)
        kernels.module_source = boom
        s = pickle.loads(open(sys.argv[1], "rb").read())
        assert "sympy" not in sys.modules, "SymPy was imported to unpickle a System"
        import nbblox as nb
        sol = nb.simulate(s, t_end=30.0, dt=0.05, method="euler", seed=11)
        np.save(sys.argv[2], sol.values)
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "s.pkl"),
                    str(tmp_path / "v.npy")], env=env, check=True, capture_output=True)
    assert np.array_equal(np.load(tmp_path / "v.npy"), nb.simulate(s, **RUN).values)
