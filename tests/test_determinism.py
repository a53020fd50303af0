"""The suite's determinism rules (root conftest.py, issue 24) hold: a test that
draws from fresh entropy fails unless it is marked, and Hypothesis is
derandomized under CI=true."""
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = (Path(__file__).resolve().parents[1] / "conftest.py").read_text()

TESTS = '''
import numpy as np
import pytest
import nbblox as nb

LIF = nb.BloxType("L", "dV/dt = -V + ge\\ndge/dt = -ge", spike="V > 1", reset="V = 0")

def test_unseeded_generator():
    np.random.default_rng().random()

def test_unseeded_connect():
    a = nb.Population(LIF, n=3, name="a")
    nb.Circuit([a]).connect(a, a, on_pre="ge += w", p=0.5)

def test_seeded_connect():
    a = nb.Population(LIF, n=3, name="a")
    nb.Circuit([a]).connect(a, a, on_pre="ge += w", p=0.5, seed=4)
    np.random.default_rng(3).random()

@pytest.mark.unseeded_draws("asserts what holds for every draw")
def test_marked():
    assert 0 <= np.random.default_rng().random() < 1

@pytest.fixture
def drawn():
    return np.random.SeedSequence().entropy

def test_fixture_draw(drawn):
    pass
'''


@pytest.fixture
def bare(monkeypatch):
    # the inner pytest needs none of the installed plugins (nbval, playwright, ...):
    # loading them costs seconds
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def test_unseeded_draws_fail_with_the_line_that_drew(pytester, bare):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_draws=TESTS)
    r = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    r.assert_outcomes(passed=2, failed=2, errors=1)
    out = r.stdout.str()
    assert "FAILED test_draws.py::test_unseeded_generator" in out
    assert "FAILED test_draws.py::test_unseeded_connect" in out
    assert "ERROR test_draws.py::test_fixture_draw" in out
    assert "projection.py" in out         # the nbblox line that drew the fresh seed


def test_hypothesis_is_derandomized_without_a_database_under_ci(pytester, bare, monkeypatch):
    monkeypatch.setenv("CI", "true")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_h='''
from hypothesis import settings
def test_profile():
    s = settings()
    assert s.derandomize and s.database is None
''')
    r = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    r.assert_outcomes(passed=1)


def test_a_draw_made_while_a_module_is_imported_is_not_the_tests(pytester, bare):
    # SciPy (scipy.stats) makes a generator at import time; a test that imports it
    # lazily (nb.fixed_points does) must not fail for that
    pytester.makeconftest(CONFTEST)
    pytester.syspathinsert()
    pytester.makepyfile(lazy_mod="import numpy as np\nG = np.random.default_rng()\n",
                        test_lazy="def test_import():\n    import lazy_mod\n")
    r = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    r.assert_outcomes(passed=1)
