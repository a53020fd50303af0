"""nb.data.connectome: real connectomes from the installed tvb-data package
(never downloaded at run time), wired into neural-mass circuits."""
import bz2
import io
import os
import zipfile

import numpy as np
import pytest

import nbblox as nb
from nbblox.data.connectome import load_zip


def _need_tvb_data():
    try:
        import tvb_data.connectivity  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("tvb-data is missing in CI: pip install -e '.[all]' installs it")
        pytest.skip("tvb-data not installed (pip install tvb-data)")


@pytest.fixture(scope="module")
def tvb76():
    _need_tvb_data()
    return nb.data.connectome("tvb76")


def test_tvb76_contents(tvb76):
    cx = tvb76
    assert cx.n_regions == 76 and cx.weights.shape == (76, 76)
    assert cx.tract_lengths.shape == (76, 76) and cx.centres.shape == (76, 3)
    assert len(set(cx.labels)) == 76
    # 38 regions per hemisphere, labels prefixed r/l
    assert sum(lb.startswith("r") for lb in cx.labels) == 38
    assert sum(lb.startswith("l") for lb in cx.labels) == 38
    assert (cx.weights >= 0).all() and (cx.tract_lengths >= 0).all()
    assert 1000 < np.count_nonzero(cx.weights) < 76 * 76
    assert 50 < cx.tract_lengths.max() < 300           # mm, a human brain
    assert cx.info["length_unit"] == "mm"
    np.testing.assert_allclose(cx.delays(speed=3.0), cx.tract_lengths / 3.0)
    assert cx.orientations.shape == (76, 3)


def test_eeg_style_readout_from_connectome_geometry(tvb76):
    from nbblox.analysis.connectivity import lead_field
    # sensors 100 mm out from the centroid, along the three axes
    c0 = tvb76.centres.mean(axis=0)
    sensors = c0 + 100.0 * np.eye(3)
    G = lead_field(tvb76.centres, sensors, orientations=tvb76.orientations)
    assert G.shape == (3, 76) and np.isfinite(G).all()


def test_orientation_is_transposed_from_tvb_files(tvb76):
    import tvb_data.connectivity as pkg
    path = os.path.join(os.path.dirname(pkg.__file__), "connectivity_76.zip")
    with zipfile.ZipFile(path) as zf:
        raw = np.loadtxt(io.BytesIO(zf.read("weights.txt")))
    assert not np.array_equal(raw, raw.T)               # directed: orientation matters
    np.testing.assert_array_equal(tvb76.weights, raw.T)  # rows = sources in nbblox


@pytest.mark.parametrize("name, n", [("tvb66", 66), ("tvb68", 68), ("tvb96", 96),
                                     ("tvb192", 192)])
def test_other_parcellations_load(name, n):
    _need_tvb_data()
    cx = nb.data.connectome(name)
    assert cx.weights.shape == (n, n) and len(cx.labels) == n
    assert np.isfinite(cx.tract_lengths).all()


def test_to_circuit_wires_the_weights(tvb76):
    cx = tvb76.normalized("max")
    c = cx.to_circuit(nb.blox.WilsonCowan, coupling=0.5)
    assert len(c) == 76
    W = 0.5 * cx.weights
    off = W - np.diag(np.diag(W))
    assert len(c.connections) == np.count_nonzero(off)
    names = [b.name for b in c]
    for k in c.connections[:50]:
        assert k.weight == pytest.approx(off[names.index(k.src), names.index(k.dst)])
        assert k.delay == 0.0


def test_to_circuit_with_conduction_delays(tvb76):
    c = tvb76.to_circuit(nb.blox.WilsonCowan, speed=5.0, coupling=0.01)
    names = [b.name for b in c]
    for k in c.connections[:50]:
        i, j = names.index(k.src), names.index(k.dst)
        assert k.delay == pytest.approx(tvb76.tract_lengths[i, j] / 5.0)
    s = nb.compile(c)                      # history buffers for 1560 delayed edges
    sol = nb.simulate(s, 60.0, dt=0.5, record=[f"{names[0]}.E"])
    assert np.isfinite(sol.values).all()


def test_whole_brain_bold_fc(tvb76):
    """76 Wilson-Cowan nodes on the tvb76 connectome -> BOLD -> a valid FC matrix."""
    c = tvb76.normalized("max").to_circuit(nb.blox.WilsonCowan, coupling=0.2)
    s = nb.compile(c)
    rec = [f"{b.name}.E" for b in c]
    sol = nb.simulate(s, 3000.0, dt=0.5, record=rec)
    y = nb.bold(sol, tr=100.0)
    assert y.values.shape == (76, 31)
    fc = nb.functional_connectivity(y.values[:, 5:])
    assert fc.shape == (76, 76)
    ok = np.isfinite(fc)
    np.testing.assert_allclose(np.diag(fc)[np.diag(ok)], 1.0)
    np.testing.assert_allclose(fc[ok], fc.T[ok])


def _zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            data = text.encode()
            zf.writestr(name, bz2.compress(data) if name.endswith(".bz2") else data)
    buf.seek(0)
    return buf


def test_load_zip_bz2_and_missing_lengths_use_centre_distance():
    buf = _zip({"weights.txt.bz2": "0 1\n0 0\n",
                "centres.txt": "A 0 0 0\nB 3 4 0\n"})
    cx = load_zip(buf, "toy")
    # file row = target: weights[0, 1] = 1 is B -> A, so nbblox's [B, A] = 1
    np.testing.assert_array_equal(cx.weights, [[0, 0], [1, 0]])
    np.testing.assert_allclose(cx.tract_lengths, [[0, 5], [5, 0]])
    assert cx.labels == ["A", "B"]


def test_bad_inputs():
    with pytest.raises(nb.ParameterError, match="unknown connectome.*Did you mean.*'tvb76'"):
        nb.data.connectome("tvb_76")
    with pytest.raises(nb.NbbloxError, match="weights are"):
        load_zip(_zip({"weights.txt": "0 1 1\n0 0 1\n1 1 0\n",
                       "centres.txt": "A 0 0 0\nB 3 4 0\n"}), "bad")
    cx = load_zip(_zip({"weights.txt": "0 1\n0 0\n", "centres.txt": "A 0 0 0\nB 3 4 0\n"}))
    with pytest.raises(nb.ParameterError, match="speed"):
        cx.delays(speed=0)


def test_missing_package_names_the_install(monkeypatch):
    import sys
    mod = sys.modules["nbblox.data.connectome"]  # the module (the package exports the function)

    def no_package(pkg):
        raise ModuleNotFoundError(pkg)

    monkeypatch.setattr(mod.resources, "files", no_package)
    with pytest.raises(nb.NbbloxError, match="pip install tvb-data"):
        nb.data.connectome("tvb76")


def test_global_coupling_sweep_on_tvb76_equals_simulate(tvb76):
    """The canonical whole-brain sweep: global coupling G over the connectome."""
    c = tvb76.normalized("max").to_circuit(nb.blox.WilsonCowan)
    s = nb.compile(c)
    rec = [f"{b.name}.E" for b in c][:4]
    G = [0.0, 0.5]
    res = nb.sweep(s, {"coupling": G}, t_end=100.0, dt=0.5, record=rec, measure="final")
    base = s.weights.copy()
    try:
        s.weights[:] = 0.5 * base
        sol = nb.simulate(s, 100.0, dt=0.5, record=rec)
    finally:
        s.weights[:] = base
    np.testing.assert_array_equal(res["final"].sel(coupling=0.5).values, sol.values[:, -1])
    assert not np.array_equal(res["final"].values[0], res["final"].values[1])
