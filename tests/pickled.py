"""Helpers of the pickle tests (tests/*/test_pickle*.py): a round trip, and a
structural comparison of an object with its copy, attribute by attribute.

``assert_same(a, b)`` walks both object graphs together: arrays must match in
dtype, shape and every bit (NaN where NaN), containers item by item, objects
attribute by attribute; a blox type compares by its data (``to_dict`` and code
key: a copy re-parses its text, so its parse caches differ), a module (kernels)
must be the very same module.  Caches that a copy rebuilds on use are skipped.
"""
from __future__ import annotations

import math
import pickle
import types
import weakref

import numpy as np

#: attributes that are caches (rebuilt on first use), not data
CACHES = {"_named_last", "_ref", "_state_sel", "_sympy", "_index_of"}


def round_trip(obj):
    """``pickle.loads(pickle.dumps(obj))`` at the highest protocol."""
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def assert_same(a, b, path="obj", _seen=None):
    """Fail, naming the path of the first difference, unless ``b`` holds the same data as ``a``."""
    from nbblox.model.blox import BloxType
    seen = set() if _seen is None else _seen
    if a is b or (id(a), id(b)) in seen:
        return
    seen.add((id(a), id(b)))
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    rec = lambda x, y, p: assert_same(x, y, p, seen)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, f"{path}: {a.dtype}{a.shape} != {b.dtype}{b.shape}"
        if a.dtype == object:
            for i, (x, y) in enumerate(zip(a.ravel(), b.ravel())):
                rec(x, y, f"{path}[{i}]")
        else:
            assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), f"{path}: values differ"
        assert a.flags.writeable == b.flags.writeable, f"{path}: writeable flag differs"
    elif isinstance(a, BloxType):
        assert (a.key, a.to_dict()) == (b.key, b.to_dict()), f"{path}: blox type differs"
    elif isinstance(a, types.ModuleType):
        raise AssertionError(f"{path}: a different module ({a.__name__} != {b.__name__})")
    elif isinstance(a, (types.BuiltinMethodType, types.MethodType)):   # e.g. a dict's .get
        assert a.__name__ == b.__name__, f"{path}: method {a.__name__} != {b.__name__}"
        rec(a.__self__, b.__self__, f"{path}.__self__")
    elif isinstance(a, weakref.ref):
        assert (a() is None) == (b() is None), f"{path}: one weak reference is dead"
    elif type(a).__module__.startswith("xarray"):
        assert a.identical(b), f"{path}: {type(a).__name__} differs (values or attributes)"
    elif type(a).__module__.startswith("pandas"):
        assert a.equals(b), f"{path}: {type(a).__name__} differs"
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{path}: keys {list(a)} != {list(b)}"
        for k in a:
            if k not in CACHES:
                rec(a[k], b[k], f"{path}[{k!r}]")
        if hasattr(a, "__dict__"):
            rec(vars(a), vars(b), f"{path}.__dict__")
    elif isinstance(a, (list, tuple, set, frozenset)):
        assert len(a) == len(b), f"{path}: length {len(a)} != {len(b)}"
        if isinstance(a, (set, frozenset)):
            assert a == b, f"{path}: sets differ"
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                rec(x, y, f"{path}[{i}]")
        if hasattr(a, "__dict__"):
            rec(vars(a), vars(b), f"{path}.__dict__")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), f"{path}: nan != {b}"
    elif type(a).__module__.startswith("sympy") or isinstance(
            a, (str, bytes, int, float, complex, bool, type(None), np.generic)):
        assert a == b, f"{path}: {a!r} != {b!r}"
    elif hasattr(a, "__dict__"):
        rec(vars(a), vars(b), f"{path}.__dict__")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"
