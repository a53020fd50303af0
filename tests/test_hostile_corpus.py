"""The hostile-input corpus (issue 23): every injection payload, malformed circuit
file and out-of-range simulate() argument the adversarial review tried, run in a
child process.  Asserts 0 executed payloads and 0 raw (non-nbblox) exceptions; a case that
hangs is a raw TimeoutError at the per-case hang guard (60 s), no case is
asserted on its seconds (issue 24)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import nbblox as nb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from hostile import MARKER  # noqa: E402


@pytest.mark.timeout(600)
def test_corpus_executes_nothing_raises_only_nbblox_errors_and_never_hangs():
    if os.path.exists(MARKER):
        os.unlink(MARKER)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(Path(nb.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, str(HERE / "hostile.py")], capture_output=True,
                         text=True, timeout=500, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    cases = [r for r in rows if "case" in r]
    assert len(cases) > 140
    raw = [(r["case"], r["outcome"]) for r in cases if r["outcome"].startswith("raw")]
    # "never hangs": a case over the per-case alarm of tests/hostile.py is a raw
    # TimeoutError; the recorded seconds are not asserted on (issue 24)
    assert raw == []
    assert rows[-1] == {"executed": False} and not os.path.exists(MARKER)
    # the injections and the files named in the issue are refused, not run
    refused = {r["case"] for r in cases if r["outcome"] == "nbblox"}
    assert all(any(c.startswith(f"equation {i}:") for c in refused) for i in range(10))
    assert "circuit: equations injection" in refused and "file: nested 1e5 deep" in refused
