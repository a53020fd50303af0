"""One API surface (issue 22 item 4): what a user reaches from ``import nbblox as nb`` in a
fresh process exists and shows its real signature."""
import os
import subprocess
import sys
from pathlib import Path

import nbblox as nb

ROOT = Path(nb.__file__).resolve().parents[1]

FRESH = """
import importlib, inspect, sys
import nbblox as nb
assert "nbblox.viz" not in sys.modules          # lazy: nothing imported it yet
assert callable(nb.viz.plot_solution)           # nb.viz was an AttributeError here
assert "viz" in dir(nb)
blox = importlib.import_module("nbblox.blox")   # was ModuleNotFoundError
assert blox is nb.blox
from nbblox.blox import WilsonCowan
assert WilsonCowan is nb.blox.WilsonCowan
for f in (nb.fit, nb.explore):                  # no (*args, **kwargs)
    params = inspect.signature(f).parameters
    assert "model" in params or "system" in params, (f, params)
# a parameter interval is `bounds` (rng means a random generator in NumPy)
for f in (nb.continuation, nb.continuation2):
    params = inspect.signature(f).parameters
    assert "bounds" in params and "rng" not in params, (f, params)
print("ok")
"""


def test_fresh_process_sees_viz_blox_and_real_signatures():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    run = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True,
                         env=env, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout + run.stderr


# every public function that integrates in time (DESIGN-NOTES "health (session 28)")
INTEGRATING = ("simulate", "sweep", "explore", "dashboard", "fit", "posterior",
               "brute_force_diagram")


def test_the_time_integrator_is_method_everywhere():
    """One keyword, one default: method="rk4" (fit's default None means rk4, so its old
    keywords can be told apart); integrator= only as fit's deprecated spelling."""
    import inspect
    for name in INTEGRATING:
        params = inspect.signature(getattr(nb, name)).parameters
        assert "method" in params, name
        assert params["method"].default in ("rk4", None), (name, params["method"].default)
        assert "integrator" not in params or name == "fit", name
        assert "optimizer" not in params or name == "fit", name
    fit = inspect.signature(nb.fit).parameters
    assert fit["integrator"].default is None and fit["optimizer"].default is None


# DESIGN-NOTES "API surface rules": a run that records its seed defaults to a fresh one;
# an answer with no seed record defaults to 0 so that it repeats.
RECORDS_ITS_SEED = ("simulate", "sweep", "explore", "dashboard", "posterior")
REPEATABLE_ANSWER = ("fit", "fixed_points", "phase_plane", "slow_points")


def test_seed_defaults_follow_the_rule():
    import inspect
    for name in RECORDS_ITS_SEED:
        assert inspect.signature(getattr(nb, name)).parameters["seed"].default is None, name
    for name in REPEATABLE_ANSWER:
        assert inspect.signature(getattr(nb, name)).parameters["seed"].default == 0, name
