"""The kernel cache recovers from corruption and never unpickles what nbblox's
kernels would not have written (issue 23, item 9): a zero-length or truncated
numba file costs a recompile, a crafted pickle is deleted unread, and a cache
folder other users can write is refused."""
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numba
import pytest

import nbblox as nb
from nbblox.compile import cache
from nbblox.exceptions import CompileError

REPO = str(Path(nb.__file__).resolve().parents[1])
RUN = """
import nbblox as nb
b = nb.Blox.from_equations("dq/dt = -q/tau_cache_probe", params={"tau_cache_probe": 2.0},
                           name="probe", init={"q": 1.0})
print(round(float(nb.simulate(b, 2.0, dt=0.01)["probe.q"][-1]), 6))
"""


def run(cache_dir):
    env = dict(os.environ, NBBLOX_CACHE_DIR=str(cache_dir),
               PYTHONPATH=os.pathsep.join(filter(None, [REPO, os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


class _Evil:
    def __reduce__(self):
        return (os.system, (f"touch {_Evil.marker}",))


@pytest.mark.timeout(600)
def test_corrupted_or_crafted_numba_files_are_recompiled_not_loaded(tmp_path):
    first = run(tmp_path)
    assert first == "0.367879"                      # exp(-1): the run is right
    pyc = tmp_path / "kernels" / "__pycache__"
    index = sorted(pyc.glob("*.nbi"))
    assert index
    # a crafted index: numba would unpickle it on the next run
    _Evil.marker = tmp_path / "pwned"
    for f in index:
        f.write_bytes(pickle.dumps(numba.__version__) + pickle.dumps(_Evil()))
    assert run(tmp_path) == first
    assert not _Evil.marker.exists(), "the crafted pickle ran"
    # zero-length index files and truncated data files
    for f in pyc.glob("*.nbi"):
        f.write_bytes(b"")
    for f in pyc.glob("*.nbc"):
        f.write_bytes(f.read_bytes()[:50])
    assert run(tmp_path) == first
    assert all(f.stat().st_size > 0 for f in pyc.glob("*.nb[ic]"))    # rewritten by numba


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_other_users_can_write_is_refused(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    (shared / "kernels").mkdir(parents=True)
    os.chmod(shared / "kernels", 0o777)
    monkeypatch.setenv("NBBLOX_CACHE_DIR", str(shared))
    with pytest.raises(CompileError, match="other users can write to it \\(mode 777\\)"):
        cache.cache_dir()
    # the fallback under the temporary folder: someone else's (mode 777) one is not used
    monkeypatch.delenv("NBBLOX_CACHE_DIR")
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))    # not a folder
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(cache, "_private_tmp", None)
    planted = tmp_path / f"nbblox-{os.getuid()}" / "kernels"
    planted.mkdir(parents=True)
    os.chmod(planted, 0o777)
    got = cache.cache_dir()
    assert got != planted and got.exists() and cache._foreign(got) is None
    assert os.stat(got).st_mode & 0o077 == 0        # a fresh private folder
