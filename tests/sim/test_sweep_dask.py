"""nb.sweep with a dask.distributed Client: chunks as tasks on a LocalCluster
of 2 workers give exactly the CPU backend's results; a client that loses
its cluster mid-sweep keeps the finished chunks and names the missing ones."""
import numpy as np
import pytest

import nbblox as nb

import distributed


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address="127.0.0.1:0")
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn"))


KW = dict(t_end=60.0, dt=0.05, measure=["max", "period", "mean"], transient=10.0)


def test_dask_equals_cpu_exactly(client, fhn):
    values = {"fhn.I": np.linspace(0.0, 1.5, 7), "fhn.a": [0.6, 0.8]}
    a = nb.sweep(fhn, values, **KW)
    b = nb.sweep(fhn, values, backend=client, chunk_size=3, **KW)
    assert b.attrs["backend"] == "dask" and b.attrs["complete"] == 1
    for m in ("max", "period", "mean"):
        np.testing.assert_array_equal(a[m].values, b[m].values)


def test_dask_callable_measure_and_changed_weights(client):
    a = nb.blox.WilsonCowan(name="a")
    b = nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b], name="pair")
    c.connect(a, b, weight=1.0)
    s = nb.compile(c)
    s.weights[:] = 2.5  # runtime weights must reach the workers
    p = s.param_names[0]
    vals = {p: np.linspace(0.5, 1.5, 4) * s.params[p]}
    final = lambda sol: sol.values[:, -1]
    r_cpu = nb.sweep(s, vals, t_end=20.0, dt=0.1, measure={"final": final})
    r_dask = nb.sweep(s, vals, t_end=20.0, dt=0.1, measure={"final": final}, backend=client,
                      chunk_size=2)
    np.testing.assert_array_equal(r_cpu["final"].values, r_dask["final"].values)
    one = nb.simulate(s, 20.0, dt=0.1, params={p: vals[p][1]})
    np.testing.assert_array_equal(r_dask["final"].values[1], one.values[:, -1])
    g_cpu = nb.sweep(s, {"coupling": [0.0, 2.0]}, t_end=20.0, dt=0.1, measure="final")
    g_dask = nb.sweep(s, {"coupling": [0.0, 2.0]}, t_end=20.0, dt=0.1, measure="final",
                      backend=client, chunk_size=1)
    np.testing.assert_array_equal(g_cpu["final"].values, g_dask["final"].values)


def test_lost_client_keeps_finished_chunks(fhn):
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address="127.0.0.1:0")
    c = distributed.Client(cluster)
    seen = []

    def progress(done, total):  # the client goes away after two chunks
        seen.append(done)
        if len(seen) == 2:
            c.close()

    I = np.linspace(0.0, 1.5, 12)
    try:
        with pytest.raises(nb.SimulationError, match="chunks finished") as err:
            nb.sweep(fhn, {"fhn.I": I}, backend=c, chunk_size=2, progress=progress, **KW)
    finally:
        c.close()
        cluster.close()
    e = err.value
    assert len(e.missing_chunks) >= 1 and "missing chunks" in str(e)
    part = e.partial
    assert part.attrs["complete"] == 0
    done = np.isfinite(part["max"].values[:, 0])
    assert done.sum() >= 4  # the two chunks reported by progress
    full = nb.sweep(fhn, {"fhn.I": I}, **KW)
    np.testing.assert_array_equal(part["max"].values[done], full["max"].values[done])
    for a, b in e.missing_instances:
        assert not done[a:b].any()


def test_dask_noisy_sweep_equals_cpu(client):
    n = nb.Blox.from_equations("dx/dt = -x + s*xi", params={"s": 0.5}, name="n")
    s = nb.compile(n)
    kw = dict(t_end=10.0, dt=0.1, method="euler", seed=3, measure=["std", "final"])
    a = nb.sweep(s, {"n.s": [0.1, 0.3, 0.9, 1.2]}, **kw)
    b = nb.sweep(s, {"n.s": [0.1, 0.3, 0.9, 1.2]}, backend=client, chunk_size=1, **kw)
    np.testing.assert_array_equal(a["std"].values, b["std"].values)
    np.testing.assert_array_equal(a["final"].values, b["final"].values)
