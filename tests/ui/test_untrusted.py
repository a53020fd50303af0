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
