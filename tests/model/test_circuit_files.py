"""Circuit.from_json reads text only; files go through Circuit.load (issue 23,
item 3): a browser message or an upload must never name a file on the server."""
import json
from pathlib import Path

import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError
from nbblox.model.circuit import MAX_JSON_BYTES


@pytest.fixture
def saved(tmp_path):
    c = nb.Circuit([nb.blox.FitzHughNagumo(name="secret_cell")], name="secret")
    path = tmp_path / "secret.json"
    c.to_json(str(path))
    return c, path


@pytest.mark.parametrize("wrap", [str, lambda p: "  " + str(p) + "\n", Path,
                                  lambda p: str(p).encode()])
def test_from_json_never_opens_a_path(saved, wrap):
    c, path = saved
    with pytest.raises(CircuitError, match=r"use nb.Circuit.load\(path\)"):
        nb.Circuit.from_json(wrap(path))


def test_load_reads_the_file(saved):
    c, path = saved
    assert nb.Circuit.load(path) == c and nb.Circuit.load(str(path)) == c


def test_load_reads_at_most_the_limit_from_a_device():
    """/dev/zero read until memory ran out; now at most MAX_JSON_BYTES + 1 bytes."""
    with pytest.raises(CircuitError, match=f"larger than {MAX_JSON_BYTES} bytes"):
        nb.Circuit.load("/dev/zero")


def test_load_and_from_json_refuse_what_is_not_a_utf8_circuit(tmp_path):
    (tmp_path / "latin1.json").write_bytes('{"name": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(CircuitError, match="not UTF-8"):
        nb.Circuit.load(tmp_path / "latin1.json")
    with pytest.raises(CircuitError, match="UTF-8"):
        nb.Circuit.from_json('{"name": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(CircuitError, match="cannot read circuit file"):
        nb.Circuit.load(tmp_path / "absent.json")
    with pytest.raises(CircuitError, match="nested too deeply"):
        nb.Circuit.from_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CircuitError, match="not valid JSON"):
        nb.Circuit.from_json("nope")


def test_the_cli_reads_a_file_through_load(saved, capsys):
    from nbblox.cli import main
    c, path = saved
    assert main(["run", str(path), "--t-end", "1"]) == 0
    assert main(["run", str(path.parent / "absent.json")]) == 2
    assert "cannot read circuit file" in capsys.readouterr().err
