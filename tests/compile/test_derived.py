"""The disk cache of SymPy-derived results (nbblox.compile.derived): entries are
keyed by text, version and code, never stale, and give the same results as SymPy."""
import numpy as np
import pytest

import nbblox as nb
from nbblox.analysis import _derivs
from nbblox.compile import derived

FHN = "dV/dt = V - V**3/3 - w + I\ndw/dt = a*(V + b - c*w)"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NBBLOX_CACHE_DIR", str(tmp_path))
    return tmp_path / "kernels"


def test_json_entry_is_read_back_and_keyed_by_its_text(cache):
    calls = []

    def make(v):
        return lambda: calls.append(v) or {"V": v}
    assert derived.cached_json("t", ("dV/dt = -V",), make("mV")) == {"V": "mV"}
    # same key: read from disk, make() not called again
    assert derived.cached_json("t", ("dV/dt = -V",), make("other")) == {"V": "mV"}
    assert calls == ["mV"]
    # changed text: another entry
    assert derived.cached_json("t", ("dV/dt = -2*V",), make("s")) == {"V": "s"}
    assert calls == ["mV", "s"]
    assert len(list(cache.glob("d_*.json"))) == 2


def test_entry_name_changes_with_version_and_deriving_code(tmp_path, monkeypatch):
    pkg = tmp_path / "pkg"
    (pkg / "model").mkdir(parents=True)
    code = pkg / "model" / "rule.py"
    code.write_text("RULE = 1\n")
    monkeypatch.setattr(derived, "_PKG", pkg)
    monkeypatch.setattr(derived, "_versions", {})
    base = derived.entry_name("units", ("x",), ["model/rule.py"])
    assert derived.entry_name("units", ("x",), ["model/rule.py"]) == base
    code.write_text("RULE = 2\n")                 # the deriving code changed
    monkeypatch.setattr(derived, "_versions", {})
    changed_code = derived.entry_name("units", ("x",), ["model/rule.py"])
    assert changed_code != base
    import nbblox._version as v
    monkeypatch.setattr(v, "__version__", v.__version__ + ".post1")
    assert derived.entry_name("units", ("x",), ["model/rule.py"]) not in (base, changed_code)


def test_a_corrupt_code_entry_is_rebuilt(cache):
    make = lambda: "X = 41 + 1\n"
    assert derived.cached_code("t", "k", make, {})["X"] == 42
    (entry,) = cache.glob("d_*.py")
    entry.write_text("def (:\n")                  # truncated / damaged
    assert derived.cached_code("t", "k", make, {})["X"] == 42
    assert entry.read_text() == "X = 41 + 1\n"


def _direct(s, derivatives=True):
    """The derivatives lambdified by SymPy in memory (no disk cache)."""
    return _derivs._sym_parts(s, derivatives)


def test_derivatives_from_disk_equal_sympys_and_do_not_go_stale(cache):
    T = lambda c: nb.BloxType("FHNx", FHN.replace("c*w", f"{c}*w"),
                              params={"I": 0.5, "a": 0.08, "b": 0.7})
    s = nb.compile(T(0.8)(name="f"))
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 5))
    p = s.param_vector({})
    first = _derivs.build_sym(s)                  # SymPy, written to disk
    again = _derivs.build_sym(s)                  # read from disk
    assert list(cache.glob("d_*.py"))
    n, d2, d3, jent, fns = _direct(s)
    for got in (first, again):
        np.testing.assert_array_equal(got["vec"][0](X, p), np.array(fns["fvec"](*X, *p)))
        assert got["d2"][1] == d2 and got["d3"][1] == d3
        x = X[:, 0]
        np.testing.assert_array_equal(np.array(got["d3"][2](*x, *p), dtype=float),
                                      np.array(fns["f3"](*x, *p), dtype=float))
        J = got["vec"][1](X, p)
        for (i, j), v in zip(jent, fns["jvec"](*X, *p)):
            np.testing.assert_array_equal(J[i, j], v)
    # the same type with another coefficient: its own entry, its own derivative
    s2 = nb.compile(T(0.3)(name="f"))
    J2 = _derivs.build_sym(s2)["vec"][1](X, p)
    np.testing.assert_allclose(J2[1, 1], -0.08 * 0.3)
    np.testing.assert_allclose(J[1, 1], -0.08 * 0.8)


def test_inferred_units_come_from_disk_and_follow_the_parameter_units(cache):
    from nbblox.model.state_units import inferred_units
    from nbblox.viz import units
    mk = lambda u: nb.BloxType("Leak", "dV/dt = (E - V)/tau",
                               params={"E": nb.Parameter(-65.0, unit=u), "tau": 10.0})
    a = mk("mV")
    assert units._cached_units(a) == inferred_units(a) == {"V": "mV"}
    assert list(cache.glob("d_*.json"))
    units._cached_units.cache_clear()
    assert units._cached_units(a) == {"V": "mV"}   # from disk
    b = mk("V")                                     # same equations, another unit: not stale
    assert units._cached_units(b) == {"V": "V"}


def test_fixed_point_starts_from_disk_are_scipys_halton_points(cache):
    from scipy.stats import qmc

    from nbblox.analysis import fixedpoints
    fixedpoints._UNIT.clear()
    lo, hi = np.array([-2.0, -1.0]), np.array([2.0, 3.0])
    first = fixedpoints._starts(lo, hi, 9, np.zeros(2), 0)
    fixedpoints._UNIT.clear()
    again = fixedpoints._starts(lo, hi, 9, np.zeros(2), 0)    # read from the JSON entry
    u = qmc.Halton(d=2, scramble=True, seed=0).random(8)
    np.testing.assert_array_equal(again, first)
    np.testing.assert_array_equal(again[:, 1:], (lo + u * (hi - lo)).T)
