"""The sweep's Dataset built without xarray's duck-array probing
(:func:`nbblox.sim.sweep.dataset._dataset`, issue 17 cold start) is the
Dataset ``xr.Dataset(data, coords=coords)`` makes: same values, dtypes,
attributes, indexes and index dtypes, for every kind of array a sweep holds."""
import numpy as np
import pytest
import xarray as xr

from nbblox.sim.sweep.dataset import _dataset


def _same(a, b):
    assert a.identical(b)
    assert list(a.variables) == list(b.variables) and list(a.coords) == list(b.coords)
    for k in a.variables:
        assert a[k].dtype == b[k].dtype, k
        assert type(a[k].variable._data) is type(b[k].variable._data), k
        assert a[k].attrs == b[k].attrs and a[k].encoding == b[k].encoding, k
    assert list(a.xindexes) == list(b.xindexes)
    for k in a.xindexes:
        assert a.xindexes[k].coord_dtype == b.xindexes[k].coord_dtype, k
        assert a.xindexes[k].index.equals(b.xindexes[k].index), k
        assert a.xindexes[k].index.dtype == b.xindexes[k].index.dtype, k
        assert a.xindexes[k].index.name == b.xindexes[k].index.name, k


CASES = {
    "grid": ({"amplitude": (("fhn.I", "fhn.a", "variable"), np.arange(12.0).reshape(4, 3, 1)),
              "diverged": (("fhn.I", "fhn.a"), np.zeros((4, 3), bool))},
             {"fhn.I": ("fhn.I", np.linspace(0, 2, 4)), "fhn.a": ("fhn.a", np.array([1, 2, 3])),
              "variable": ("variable", ["fhn.V"])}),
    "instances_traces": ({"trace": (("instance", "variable", "time"), np.ones((3, 2, 5))),
                          "m_dim": (("instance", "m_dim0"), np.ones((3, 2)))},
                         {"fhn.I": ("instance", np.array([0.1, 0.5, 0.9])),
                          "instance": ("instance", np.arange(3)),
                          "variable": ("variable", ["fhn.V", "fhn.w"]),
                          "time": ("time", np.arange(5.0), {"units": "ms"})}),
    "no_records": ({"final": (("fhn.I", "variable"), np.zeros((2, 0)))},
                   {"fhn.I": ("fhn.I", np.array([0.1, 0.2])), "variable": ("variable", [])}),
    "object_falls_back": ({"x": (("k",), np.array([1.0, 2.0]))},
                          {"k": ("k", np.array(["a", None], dtype=object))}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_dataset_equals_xarrays_own(case):
    data, coords = CASES[case]
    _same(_dataset(data, coords), xr.Dataset(data, coords=coords))
