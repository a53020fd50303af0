"""Test-suite rules that hold everywhere (tests/, doctests in nbblox/, lessons).

Determinism (issue 24): a test must give the same result on every run.

* Hypothesis: under ``CI=true`` the ``ci`` profile derandomizes (examples follow
  from the test itself) and keeps no example database, so CI cannot fail on an
  example that a previous run happened to find; locally the default profile
  explores new examples on every run.
* Unseeded draws: a test that draws from fresh operating-system entropy
  (``np.random.SeedSequence()`` or ``np.random.default_rng()`` without a seed,
  e.g. ``connect(p=...)`` or a noisy ``simulate`` without ``seed=``) fails, with
  the line that drew.  A test that draws on purpose and asserts a property true
  for every draw says so with ``@pytest.mark.unseeded_draws("why")``.  NumPy's
  legacy global generator (``np.random.rand`` ...) is refused statically by
  ruff's NPY002 (pyproject.toml), and ``.ci/determinism`` reruns the fast
  folders in random order under other hash seeds.
"""
from __future__ import annotations

import os
import traceback

import numpy as np
import pytest

try:
    from hypothesis import settings as _hsettings
except ImportError:  # pragma: no cover - hypothesis is a `test` extra
    _hsettings = None
else:
    _hsettings.register_profile("ci", derandomize=True, database=None, print_blob=True)
    if os.environ.get("CI", "").lower() == "true":
        _hsettings.load_profile("ci")

_SeedSequence = np.random.SeedSequence
_default_rng = np.random.default_rng


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "unseeded_draws(reason): the test draws fresh entropy on purpose and "
        "asserts a property that holds for every draw")


def _drawing_line():
    """The innermost frame of nbblox or a test that led to the draw, or None when
    the draw belongs to a module being imported (e.g. SciPy makes a generator at
    import time): that decides nothing about a test's result."""
    for f in reversed(traceback.extract_stack()[:-3]):
        if "importlib._bootstrap" in f.filename:    # inside an import
            return None
        if "nbblox" in f.filename or "/tests/" in f.filename:
            return f"{f.filename}:{f.lineno}"
    return "(outside nbblox)"


class _DrawLog:
    def __init__(self):
        self.draws = []

    def note(self, what):
        where = _drawing_line()
        if where is not None:
            self.draws.append(f"{what} at {where}")


def _watch(log):
    class WatchedSeedSequence(_SeedSequence):
        # a subclass, not a function: scipy checks isinstance(x, np.random.SeedSequence)
        def __init__(self, entropy=None, *args, **kw):
            if entropy is None:
                log.note("np.random.SeedSequence() without entropy")
            super().__init__(entropy, *args, **kw)

    def default_rng(seed=None):
        if seed is None:
            log.note("np.random.default_rng() without a seed")
        return _default_rng(seed)

    np.random.SeedSequence, np.random.default_rng = WatchedSeedSequence, default_rng


def _unwatch():
    np.random.SeedSequence, np.random.default_rng = _SeedSequence, _default_rng


def _guarded(item):
    log = _DrawLog()
    _watch(log)
    try:
        result = yield
    finally:
        _unwatch()
    if log.draws and item.get_closest_marker("unseeded_draws") is None:
        seen = list(dict.fromkeys(log.draws))
        pytest.fail("this test drew random numbers without a seed, so its result can "
                    "change from run to run: give seed= (or np.random.default_rng(<int>)), "
                    "or mark it @pytest.mark.unseeded_draws('why every draw passes') if "
                    "it asserts a property true for every draw.\n  " + "\n  ".join(seen[:5]),
                    pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):   # fixtures that draw count for the test that uses them
    return (yield from _guarded(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _guarded(item))
