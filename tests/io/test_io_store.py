"""nb.save / nb.load: every result type in both formats comes back equal, a
loaded run repeats bit for bit from its stored circuit, and files from
others are refused clearly instead of being trusted."""
import json
import os

import numpy as np
import pytest
import xarray as xr

import nbblox as nb
from nbblox.io import FileFormatError
from nbblox.io.store import ENVELOPE

from iocheck import same, same_result

FORMATS = ["nc", "zarr"]

LIF = nb.BloxType("LIFio", "dV/dt = (-V + I + ge)/10\ndge/dt = -ge/5",
                  params={"I": 0.0}, spike="V > 1", reset="V = 0", kind="neuron")
NOISY = nb.BloxType("OUio", "dx/dt = -x/tau + sigma*xi",
                    params={"tau": 10.0, "sigma": 0.3}, kind="input", outputs={"x": "x"})


def stdp_net():
    src = nb.Population(LIF, 3, name="src", I=np.array([1.3, 1.5, 1.8]))
    dst = nb.Population(LIF, 2, name="dst", I=0.9)
    c = nb.Circuit([src, dst], name="stdp")
    c.connect(src, dst, weight=0.4, on_pre="ge += w", p=1.0, seed=1,
              plasticity=nb.STDP(tau_pre=20.0, tau_post=20.0, A_plus=0.05, A_minus=0.06,
                                 w_max=1.0))
    return c


FHN = nb.blox.FitzHughNagumo(name="fhn", I=0.6)
#: every kind of run a file must carry: label -> how to make it
RUNS = {
    "ode": lambda: nb.simulate(FHN, 30.0, dt=0.05, x0={"fhn.V": -1.0}),
    "subset+stride": lambda: nb.simulate(FHN, 30.0, dt=0.05, record=["fhn.w"], stride=3),
    "adaptive": lambda: nb.simulate(FHN, 30.0, dt=0.5, method="LSODA", rtol=1e-8, atol=1e-10),
    "sensitivities": lambda: nb.simulate(FHN, 10.0, dt=0.05,
                                         sensitivities=["fhn.a", "fhn.V(0)"]),
    "noise": lambda: nb.simulate(NOISY(name="ou"), 20.0, dt=0.1, method="em", seed=7),
    "spikes+STDP": lambda: nb.simulate(stdp_net(), 60.0, dt=0.1, method="euler",
                                       record_weights=20.0),
}


@pytest.fixture(scope="module")
def run():
    cache = {}

    def get(label):
        if label not in cache:
            cache[label] = RUNS[label]()
        return cache[label]
    return get


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("label", list(RUNS))
def test_solution_round_trip_and_bitwise_rerun(tmp_path, run, label, fmt):
    sol = run(label)
    back = nb.load(sol.save(tmp_path / f"run.{fmt}"))
    same_result(sol, back)
    assert back.circuit == sol.system.circuit
    assert back._saved["versions"]["numba"] == nb.io.provenance.versions()["numba"]
    again = back.rerun()            # from the file alone: circuit JSON + stored settings
    np.testing.assert_array_equal(again.values, sol.values)
    np.testing.assert_array_equal(again.t, sol.t)
    same(again.spikes, sol.spikes)
    same(again.weights, sol.weights)
    if sol.sensitivities is not None:
        np.testing.assert_array_equal(again.sensitivities, sol.sensitivities)


def test_spiking_file_holds_the_spikes_and_weights(run):
    sol = run("spikes+STDP")
    assert sol.spikes["time"].size > 5 and sol.weight_history is not None
    assert not np.array_equal(sol.weights["src->dst"], np.full(6, 0.4))   # it learned


def test_noise_rerun_needs_the_stored_seed(tmp_path, run):
    sol = run("noise")
    back = nb.load(sol.save(tmp_path / "ou.nc"))
    assert back.info["seed"] == 7
    other = nb.simulate(back.circuit, 20.0, dt=0.1, method="em", seed=8)
    assert not np.array_equal(other.values, sol.values)   # the seed is what makes it equal


def test_cf_attributes_and_provenance_in_the_file(tmp_path, run):
    sol = run("ode")
    path = sol.save(tmp_path / "run.nc")
    ds = xr.open_dataset(path, decode_times=False)     # any netCDF reader sees this
    assert ds.attrs["Conventions"].startswith("CF-")
    assert ds["time"].attrs["units"] == "ms" and ds["time"].attrs["standard_name"] == "time"
    assert ds["trace"].dims == ("variable", "time")
    assert json.loads(ds.attrs["nbblox_versions"])["nbblox"] == nb.__version__
    assert set(json.loads(ds.attrs["nbblox_versions"])) >= {"python", "numpy", "numba", "scipy"}
    assert nb.Circuit.from_json(ds.attrs["nbblox_circuit"]) == sol.system.circuit
    st = json.loads(ds.attrs["nbblox_stamp"])
    assert st["method"] == "rk4" and st["dt"] == 0.05 and st["params"]["fhn.I"] == 0.6
    units = dict(zip(ds["parameter"].values.tolist(), ds["parameter_units"].values.tolist()))
    assert units["fhn.tau"] == sol.system.parameter_info("fhn.tau").unit
    ds.close()


@pytest.fixture(scope="module")
def branches():
    fhn = nb.blox.FitzHughNagumo(name="fhn")
    eq = nb.continuation(fhn, "fhn.I", (0.0, 2.0))
    cyc = nb.continuation(fhn, "fhn.I", (0.0, 2.0), start=eq.special_points[0])
    return {"equilibria": eq, "cycles": cyc}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("which", ["equilibria", "cycles"])
def test_branch_round_trip(tmp_path, branches, which, fmt):
    br = branches[which]
    back = nb.load(br.save(tmp_path / f"branch.{fmt}"))
    same_result(br, back)
    assert [p.kind for p in back.special_points] == [p.kind for p in br.special_points]
    assert (back.eigenvalues if which == "equilibria" else back.multipliers).dtype.kind == "c"
    assert back.circuit == br.system.circuit
    back.plot()        # a loaded branch draws without its System


@pytest.fixture(scope="module")
def fit_result():
    fhn = nb.compile(nb.blox.FitzHughNagumo(name="fhn", I=0.5))
    data = nb.simulate(fhn, 40.0, dt=0.05, params={"fhn.a": 0.8}, record=["fhn.V"])
    return nb.fit(fhn, data, {"fhn.a": (0.2, 1.5)}, dt=0.05, optimizer="multistart", starts=2)


@pytest.mark.parametrize("fmt", FORMATS)
def test_fit_round_trip(tmp_path, fit_result, fmt):
    back = nb.load(fit_result.save(tmp_path / f"fit.{fmt}"))
    same_result(fit_result, back)
    same_result(fit_result.solution, back.solution)
    same(vars(fit_result.data), vars(back.data))
    assert back.circuit == fit_result.solution.system.circuit
    assert back.params["fhn.a"] == pytest.approx(0.8, abs=1e-4)


@pytest.fixture(scope="module")
def sweep_ds():
    fhn = nb.blox.FitzHughNagumo(name="fhn")
    return nb.sweep(fhn, {"fhn.I": np.linspace(0.0, 1.0, 4), "fhn.a": [0.6, 0.7]}, 40.0,
                    dt=0.05, measure=["max", "rate"], traces=True, stride=4, threshold=0.0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_sweep_round_trip_and_rerun(tmp_path, sweep_ds, fmt):
    back = nb.load(sweep_ds.nbblox.save(tmp_path / f"sweep.{fmt}"))
    xr.testing.assert_identical(back, sweep_ds)
    assert not set(back.attrs) & set(ENVELOPE) - {"circuit"}
    assert back.nbblox.circuit == nb.Circuit([nb.blox.FitzHughNagumo(name="fhn")], name="fhn")
    xr.testing.assert_identical(back.nbblox.rerun(), sweep_ds)    # bit for bit


def test_sweep_with_a_measure_function_saves_but_does_not_rerun(tmp_path):
    ds = nb.sweep(nb.blox.FitzHughNagumo(name="fhn"), {"fhn.I": [0.0, 1.0]}, 20.0, dt=0.05,
                  measure={"last": lambda s: s["fhn.V"][-1]})
    back = nb.load(nb.save(ds, tmp_path / "s.nc"))
    xr.testing.assert_identical(back, ds)
    with pytest.raises(nb.SimulationError, match="'last' was a Python function"):
        back.nbblox.rerun()


# -- files from others -------------------------------------------------------------
def test_foreign_and_plain_files_are_refused_clearly(tmp_path, run):
    png = tmp_path / "picture.nc"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with pytest.raises(FileFormatError, match="not a netCDF file or zarr store"):
        nb.load(png)
    plain = tmp_path / "plain.nc"
    run("ode").to_xarray().to_netcdf(plain)
    with pytest.raises(FileFormatError, match="not an nbblox result"):
        nb.load(plain)
    with pytest.raises(FileNotFoundError):
        nb.load(tmp_path / "missing.nc")
    with pytest.raises(FileFormatError, match="end it in .nc"):
        run("ode").save(tmp_path / "run.txt")


def _rewrite_attrs(path, **attrs):
    import netCDF4
    with netCDF4.Dataset(path, "a") as f:
        for k, v in attrs.items():
            f.setncattr(k, v)


def test_edited_or_damaged_files_fail_the_content_hash(tmp_path, run):
    sol = run("ode")
    path = sol.save(tmp_path / "run.nc")
    import netCDF4
    with netCDF4.Dataset(path, "a") as f:
        f["trace"][0, 5] = 123.0                 # one number changed
    with pytest.raises(FileFormatError, match="does not match its content hash"):
        nb.load(path)
    path = sol.save(tmp_path / "run2.nc")
    raw = bytearray(open(path, "rb").read())
    raw = raw[: len(raw) // 2]                   # truncated download
    open(path, "wb").write(bytes(raw))
    with pytest.raises(FileFormatError):
        nb.load(path)


def test_newer_format_is_named(tmp_path, run):
    path = run("ode").save(tmp_path / "run.nc")
    _rewrite_attrs(path, nbblox_format_version=99)
    with pytest.raises(FileFormatError, match="newer nbblox"):
        nb.load(path)


def test_zarr_store_with_a_pickle_codec_is_refused_before_reading(tmp_path, run):
    path = run("ode").save(tmp_path / "run.zarr")
    meta_path = os.path.join(path, "trace", ".zarray")
    meta = json.load(open(meta_path))
    meta["filters"] = [{"id": "pickle", "protocol": 5}]
    json.dump(meta, open(meta_path, "w"))
    os.remove(os.path.join(path, ".zmetadata"))
    with pytest.raises(FileFormatError, match="codec 'pickle'"):
        nb.load(path)


def test_saving_never_replaces_a_foreign_directory(tmp_path, run):
    (tmp_path / "mine.zarr").mkdir()
    (tmp_path / "mine.zarr" / "thesis.tex").write_text("precious")
    with pytest.raises(FileFormatError, match="not an nbblox zarr store"):
        run("ode").save(tmp_path / "mine.zarr")
    assert (tmp_path / "mine.zarr" / "thesis.tex").read_text() == "precious"
    path = run("ode").save(tmp_path / "run.zarr")
    run("subset+stride").save(path)                 # its own store is replaced
    assert nb.load(path).names == ["fhn.w"]


def test_stored_text_is_data_the_circuit_goes_through_the_safe_loader(tmp_path, run):
    """A file whose hash was recomputed by someone who edited it (a hash is not
    a signature) still cannot make nbblox run code: the circuit JSON is parsed
    by the AST whitelist and the JSON fields only ever build plain values."""
    from nbblox.io.provenance import content_hash  # noqa: F401  (the attacker's tool)
    from nbblox.io.store import _tree_hash
    sol = run("ode")
    path = str(tmp_path / "evil.nc")
    c = json.loads(sol.system.circuit.to_json())
    key = next(iter(c["types"]))
    c["types"][key]["equations"] = "dV/dt = __import__('os').system('touch pwned')\ndw/dt = 0"
    ds, _ = nb.io.codecs.encode_solution(sol)
    ds.attrs.update({"nbblox_format": "nbblox.result", "nbblox_format_version": 1,
                     "nbblox_type": "Solution", "nbblox_circuit": json.dumps(c)})
    ds.attrs["nbblox_content_hash"] = _tree_hash(ds, {})
    ds.to_netcdf(path)
    back = nb.load(path)                              # the data itself is fine to read
    with pytest.raises(nb.NbbloxError):
        back.circuit
    assert not os.path.exists("pwned")
    ds.attrs["nbblox_fields"] = json.dumps({"final_state": {"__array__": "nope"}})
    ds.attrs["nbblox_content_hash"] = _tree_hash(ds, {})
    ds.to_netcdf(path)
    with pytest.raises(FileFormatError, match="missing array"):
        nb.load(path)
