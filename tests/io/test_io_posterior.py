"""nb.posterior results saved and loaded like every other result (issue 20):
both formats give back equal chains, diagnostics, run record and data; the
file carries the circuit JSON, seed, versions and a content hash; a loaded
posterior rebuilds its model (predict) and reruns bit for bit."""
import json

import numpy as np
import pytest
import scipy.stats as stats
import xarray as xr

import nbblox as nb
from nbblox.io import FileFormatError

from iocheck import same, same_result

pytest.importorskip("emcee")

T = np.linspace(0, 1, 6)
Y = 2.0 * T + np.array([0.02, -0.01, 0.03, 0.0, -0.02, 0.01])


def line():
    return nb.Blox.from_equations("dx/dt = k + c", params={"k": 1.0, "c": 0.0}, name="line")


@pytest.fixture(scope="module")
def post():
    # estimated noise, a scipy prior and a plain range: every part of the record
    return nb.posterior(line(), {"line.x": Y}, {"line.k": (0, 5), "line.c": (-1, 1)}, t=T,
                        prior={"line.c": stats.norm(0.0, 0.5)}, dt=0.1, walkers=8,
                        steps=40, seed=5)


def _same_posterior(a, b):
    same_result(a, b)
    for x, y in zip(a.data, b.data):
        same(x, y)


@pytest.mark.parametrize("fmt", ["nc", "zarr"])
def test_posterior_round_trip(tmp_path, post, fmt):
    back = nb.load(post.save(tmp_path / f"post.{fmt}"))
    assert type(back).__name__ == "Posterior"
    _same_posterior(post, back)
    assert back.circuit == post.system.circuit
    # chains are bitwise equal; the summary sums a transposed (non-contiguous) array in
    # the original and a contiguous one after loading, so it may differ in the last bit
    np.testing.assert_allclose(back.summary().values, post.summary().values, rtol=1e-13)


@pytest.mark.parametrize("fmt", ["nc", "zarr"])
def test_posterior_file_carries_provenance(tmp_path, post, fmt):
    path = post.save(tmp_path / f"post.{fmt}")
    with xr.open_datatree(path, engine="netcdf4" if fmt == "nc" else "zarr") as tree:
        attrs = dict(tree.attrs)
    assert attrs["nbblox_type"] == "Posterior"
    assert nb.Circuit.from_json(attrs["nbblox_circuit"]) == post.system.circuit
    assert json.loads(attrs["nbblox_stamp"])["seed"] == 5
    v = json.loads(attrs["nbblox_versions"])
    assert v["nbblox"] == nb.__version__ and {"numpy", "numba", "scipy", "python"} <= set(v)
    assert len(attrs["nbblox_content_hash"]) == 64
    assert nb.load(path)._saved["content_hash"] == attrs["nbblox_content_hash"]


@pytest.mark.parametrize("fmt", ["nc", "zarr"])
def test_loaded_posterior_reruns_bit_for_bit(tmp_path, post, fmt):
    back = nb.load(post.save(tmp_path / f"post.{fmt}"))
    assert back.rerun_args()["prior"]["line.c"].kwds == {} and \
        back.rerun_args()["prior"]["line.c"].args == (0.0, 0.5)
    again = back.rerun()
    np.testing.assert_array_equal(again.chains, post.chains)
    np.testing.assert_array_equal(again.log_prob, post.log_prob)


def test_loaded_posterior_predicts_like_the_original(tmp_path, post):
    back = nb.load(post.save(tmp_path / "post.nc"))
    a, b = post.predict(5, seed=2), back.predict(5, seed=2)
    np.testing.assert_array_equal(a["line.x"].values, b["line.x"].values)
    np.testing.assert_array_equal(b["line.x:data"].values, Y)


def test_damaged_posterior_file_is_refused(tmp_path, post):
    path = post.save(tmp_path / "post.zarr")
    ds = xr.open_zarr(path, consolidated=True).load()
    ds["samples"][0, 0, 0] = 99.0
    attrs = ds.attrs
    ds.to_zarr(path, mode="a", consolidated=True)
    assert attrs["nbblox_type"] == "Posterior"
    with pytest.raises(FileFormatError, match="content hash"):
        nb.load(path)


def test_custom_moves_cannot_rerun(post):
    from nbblox.exceptions import ParameterError
    from nbblox.fit.posterior import Posterior
    p = Posterior(post.names, post.chains, post.log_prob, post.acceptance, post.autocorr,
                  post.info, run={**post.run, "custom_moves": True}, data=post.data)
    with pytest.raises(ParameterError, match="custom emcee moves"):
        p.rerun_args()
