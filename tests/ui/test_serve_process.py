"""`nbblox serve` as a process, without a browser (issue 23, items 8 and 12):
session ids are signed, SIGTERM stops it and removes its temporary index
page, the gallery page does not show the server's path, and on Linux it runs
under glibc's allocator so closed sessions' memory can be returned."""
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

import nbblox as nb

REPO = os.path.dirname(os.path.dirname(nb.__file__))


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


@pytest.mark.timeout(240)
def test_signed_sessions_sigterm_cleanup_and_no_server_path(tmp_path):
    folder = tmp_path / "private_course_dir"
    folder.mkdir()
    nb.Circuit([nb.blox.FitzHughNagumo(name="f")], name="one").to_json(folder / "one.json")
    nb.Circuit([nb.blox.WilsonCowan(name="w")], name="two").to_json(folder / "two.json")
    port = 20000 + os.getpid() % 20000
    env = dict(os.environ, TMPDIR=str(tmp_path),
               PYTHONPATH=os.pathsep.join(filter(None, [REPO, os.environ.get("PYTHONPATH")])))
    env.pop("BOKEH_SECRET_KEY", None)
    env.pop("PYTHONMALLOC", None)
    proc = subprocess.Popen([sys.executable, "-m", "nbblox", "serve", str(folder), "--port",
                             str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                status, index = _get(f"{base}/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        else:
            raise AssertionError("the server did not start")
        assert status == 200 and "./one" in index
        if sys.platform == "linux":      # restarted under glibc's allocator (same pid)
            with open(f"/proc/{proc.pid}/environ", "rb") as fh:
                assert b"PYTHONMALLOC=malloc" in fh.read().split(b"\0")
        assert str(tmp_path) not in index and "private_course_dir" in index   # name, not path
        assert [f.name for f in tmp_path.glob("nbblox-index-*.html")]      # its temp page
        # a planted, unsigned session id is refused; the server's own ids work
        status, _ = _get(f"{base}/one?bokeh-session-id=planted-by-someone-else")
        assert status == 403
        status, page = _get(f"{base}/one")
        assert status == 200 and "nbblox: one" in page
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
        assert not list(tmp_path.glob("nbblox-index-*.html")), "temporary index left behind"
    finally:
        proc.kill()
