"""Uploads to a served dashboard are read and compiled in a child process with a
time and memory budget (issue 23, item 2): a hostile file costs a child, never
the server's event loop."""
import sys
import time
from pathlib import Path

import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError
from nbblox.ui.untrusted import check_in_child, open_circuit_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile import tower  # noqa: E402


@pytest.mark.timeout(120)
def test_a_good_file_opens_and_a_tower_is_refused_with_the_parsers_reason():
    s = open_circuit_text(nb.Circuit([nb.blox.FitzHughNagumo(name="f")]).to_json())
    assert s.state_names == ["f.V", "f.w"]
    t0 = time.perf_counter()
    with pytest.raises(CircuitError, match="exponent 10000000000 is too large"):
        open_circuit_text(tower())
    assert time.perf_counter() - t0 < 60


@pytest.mark.timeout(60)
def test_the_child_is_killed_at_its_time_budget():
    t0 = time.perf_counter()
    with pytest.raises(CircuitError, match=r"longer than 0.3 s; refused"):
        check_in_child(nb.Circuit([nb.blox.FitzHughNagumo(name="f")]).to_json(), seconds=0.3)
    assert time.perf_counter() - t0 < 10


@pytest.mark.timeout(60)
def test_the_child_is_refused_beyond_its_memory_budget():
    with pytest.raises(CircuitError, match=r"(more than 64 MB|memory budget 64 MB)"):
        check_in_child(nb.Circuit([nb.blox.FitzHughNagumo(name="f")]).to_json(),
                       memory_mb=64)


def test_a_path_or_bytes_is_not_a_circuit_text():
    with pytest.raises(CircuitError, match="text"):
        open_circuit_text(b"{}")


def test_an_upload_naming_a_server_file_is_refused(tmp_path):
    """Issue 23, item 3: an upload whose content was a path loaded that file."""
    secret = tmp_path / "secret.json"
    nb.Circuit([nb.blox.FitzHughNagumo(name="secret_cell")]).to_json(str(secret))
    d = nb.dashboard(nb.blox.FitzHughNagumo(name="fhn"), t_end=10.0)
    for content in (str(secret), "/dev/zero"):
        d.upload.value = content.encode()
        assert d.alert.visible and "takes JSON text" in d.alert.object
        assert list(d.values) == ["fhn.I", "fhn.a", "fhn.b", "fhn.tau"]


@pytest.mark.timeout(120)
def test_reset_cancels_a_runaway_adaptive_run():
    """Issue 23, item 5: in a dashboard, RK45 with t_end = 1e7, dt = 100 ran on and
    reset did not stop it.  Now reset cancels it between chunks."""
    import threading
    d = nb.dashboard(nb.blox.FitzHughNagumo(name="f", I=0.5), t_end=50.0)
    ex = d.explorer
    worker = threading.Thread(target=lambda: ex.set(method="RK45", t_end=1e7, dt=100.0))
    worker.start()
    time.sleep(1.0)
    assert worker.is_alive()               # the runaway run is going
    t0 = time.perf_counter()
    ex.cancel()                            # what reset() and a closed session do first
    worker.join(timeout=30)
    assert not worker.is_alive() and time.perf_counter() - t0 < 10
    assert "RunCancelled" in ex.error and d.solution is not None   # last good run kept
    ex.reset()
    assert ex.error is None and ex.method == "rk4" and ex.t_end == 50.0


@pytest.mark.timeout(120)
def test_closing_a_session_cancels_its_run():
    """Issue 23, item 5: a runaway run kept a core busy after the browser closed.
    The session-destroyed hook (what Bokeh calls for a closed tab) cancels it."""
    import threading
    d = nb.dashboard(nb.blox.FitzHughNagumo(name="f", I=0.5), t_end=50.0)
    ex = d.explorer
    worker = threading.Thread(target=lambda: ex.set(method="RK45", t_end=1e7, dt=100.0))
    worker.start()
    time.sleep(1.0)
    assert worker.is_alive()               # the runaway run is going
    d._session_destroyed(None)
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert "RunCancelled" in ex.error and "cancelled at t =" in ex.error


def test_a_malformed_upload_is_refused_in_the_page_and_kept_out_of_the_log(caplog):
    """Issue 23, item 10: malformed circuit files raised KeyError, AttributeError,
    IndexError or RecursionError; in a dashboard they failed silently and the
    uploaded file went to the server log.  Each is now an nbblox error in the
    page, and the log names the kind of failure only."""
    import json
    import logging
    from hostile import CIRCUIT_MUTATIONS, RAW_FILES, hostile_circuit_dict_clean
    caplog.set_level(logging.INFO, logger="nbblox.dashboard")
    secret = "UPLOADED_FILE_CONTENT_7f3a"
    d = nb.dashboard(nb.blox.FitzHughNagumo(name="fhn"), t_end=10.0)
    uploads = {}
    for name in ("type without equations", "type without name", "params as a list",
                 "init as a string", "outputs empty list", "negative seed", "ragged i",
                 "string i", "string weight"):
        data = json.loads(hostile_circuit_dict_clean())
        data["name"] = secret
        CIRCUIT_MUTATIONS[name](data)
        uploads[name] = json.dumps(data).encode()
    for name in ("nested 1e5 deep", "not utf-8"):
        raw = RAW_FILES[name]
        uploads[name] = (raw if isinstance(raw, bytes) else raw.encode()) + secret.encode()
    for name, data in uploads.items():
        d.alert.visible, d.alert.object = False, ""
        d.upload.value = data
        assert d.alert.visible and "Could not open that circuit" in d.alert.object, name
        # an nbblox error, not the catch-all for a raw exception
        assert "could not be read as a circuit" not in d.alert.object, (name, d.alert.object)
        assert list(d.values) == ["fhn.I", "fhn.a", "fhn.b", "fhn.tau"], name
    refused = [r.getMessage() for r in caplog.records if r.name == "nbblox.dashboard"]
    assert len([m for m in refused if m.startswith("upload refused")]) == len(uploads)
    assert not [m for m in refused if secret in m or "{" in m], refused
