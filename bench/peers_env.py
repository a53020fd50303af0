"""The peers' virtualenv (bench/.venv-peers, gitignored): create it, install
bench/requirements-peers.txt from the registry, and find out which peers
import.  Anything that fails is returned as a reason, never dropped.

Nothing is installed unless asked: ``python -m bench --install-peers``
creates and fills the venv (:func:`ensure` with ``install=True``); a plain
``python -m bench`` runs the peers of a venv that is already there and
reports the others as not available.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-peers"
REQS = HERE / "requirements-peers.txt"
# peer id -> the import that proves it works (and its version)
PROBES = {"brian2": "import brian2; print(brian2.__version__)",
          "brainpy": "import brainpy, jax; print(brainpy.__version__, 'jax', jax.__version__)",
          "neurolib": "import neurolib, importlib.metadata as m; print(m.version('neurolib'))",
          "tvb": "import tvb.simulator.lab, importlib.metadata as m; print(m.version('tvb-library'))"}
SYSTEM_PEER = {"brian2_runtime": "brian2", "brian2_standalone": "brian2", "brainpy": "brainpy",
               "neurolib": "neurolib", "tvb": "tvb"}


def python(venv=VENV):
    return venv / "bin" / "python"


#: how to get the venv, in every message about a missing one
HOW = "python -m bench --install-peers creates it"


def ensure(venv=VENV, log=print, install=False):
    """With ``install``: create the venv and install the requirements if it
    is not there yet; without, only say that it is missing (no process runs,
    nothing is written).

    Returns a dict of install problems {requirement: last lines of pip's error}.
    """
    problems = {}
    marker = venv / ".installed"
    if marker.exists():
        return problems
    if not install:
        log(f"no installed peer venv at {venv}: peers that do not import are skipped ({HOW})")
        return problems
    if not python(venv).exists():
        log(f"creating {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python(venv)), "-m", "pip", "install", "--disable-pip-version-check"]
    log(f"installing {REQS.name} into {venv} (minutes)")
    r = subprocess.run(pip + ["-r", str(REQS)], capture_output=True, text=True)
    if r.returncode != 0:
        # one by one, so one bad peer does not take the others down
        for line in REQS.read_text().splitlines():
            req = line.split("#")[0].strip()
            if not req:
                continue
            r1 = subprocess.run(pip + [req], capture_output=True, text=True)
            if r1.returncode != 0:
                problems[req] = "\n".join((r1.stderr or r1.stdout).strip().splitlines()[-5:])
    marker.write_text("\n".join(f"{k}: {v}" for k, v in problems.items()) or "ok")
    return problems


def probe(venv=VENV):
    """{peer: (True, version) or (False, reason)} by importing each in the venv."""
    out = {}
    py = python(venv)
    for peer, code in PROBES.items():
        if not py.exists():
            out[peer] = (False, f"no peer venv at {venv} ({HOW})")
            continue
        try:
            r = subprocess.run([str(py), "-c", code], capture_output=True, text=True,
                               timeout=300, env=dict(os.environ, JAX_PLATFORMS="cpu"))
        except subprocess.TimeoutExpired:
            out[peer] = (False, "import timed out after 300 s")
            continue
        if r.returncode == 0:
            out[peer] = (True, r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "?")
        else:
            out[peer] = (False, (r.stderr.strip().splitlines() or ["?"])[-1])
    return out
