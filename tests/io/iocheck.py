"""Shared checks for nbblox.io tests: results compared field by field."""
import dataclasses

import numpy as np


def same(a, b, path="result"):
    """Assert ``a`` and ``b`` hold equal data (arrays bit for bit, NaN == NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, f"{path}: shape {a.shape} != {b.shape}"
        if a.dtype.kind in "US" or b.dtype.kind in "USO":
            assert a.astype(str).tolist() == b.astype(str).tolist(), path
        else:
            assert a.dtype.kind == b.dtype.kind, f"{path}: dtype {a.dtype} != {b.dtype}"
            np.testing.assert_array_equal(a, b, err_msg=path)
        return
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            if f.compare:
                same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
        return
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), f"{path}: keys {list(a)} != {list(b)}"
        for k in a:
            same(a[k], b[k], f"{path}[{k!r}]")
        return
    if isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), f"{path}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
        return
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a):
        assert np.isnan(b), path
        return
    assert a == b, f"{path}: {a!r} != {b!r}"


#: attributes that are not data (live links, caches, file provenance; a branch's
#: ``serial`` is its creation order in this process and ``start`` a link to the point
#: of another branch it was started at, both for laying out a figure's labels)
NOT_DATA = {"serial", "start", "system", "_index", "_vectors", "_saved", "_circuit_json", "_circuit_cache",
            "_state_names", "_parameter_units", "solution", "data", "_model"}


def same_result(a, b):
    """Every data attribute of two result objects is equal."""
    assert type(a) is type(b)
    keys = set(vars(a)) - NOT_DATA
    assert keys <= set(vars(b)), keys - set(vars(b))
    for k in sorted(keys):
        same(vars(a)[k], vars(b)[k], f"{type(a).__name__}.{k}")
