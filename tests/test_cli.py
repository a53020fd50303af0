"""The nbblox command, run as a user would (a subprocess)."""
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

import nbblox as nb


def nbblox(*args, cwd=None, **env):
    return subprocess.run([sys.executable, "-m", "nbblox", *args], capture_output=True,
                          encoding="utf-8", cwd=cwd, env={**os.environ, **env})


def test_run_writes_csv_and_netcdf(tmp_path):
    c = nb.Circuit([nb.blox.FitzHughNagumo(name="fhn", I=0.5)])
    path = tmp_path / "c.json"
    c.to_json(str(path))
    r = nbblox("run", str(path), "--t-end", "20", "--dt", "0.01", "--param", "fhn.I=1.0",
               "--record", "fhn.V", "--out", str(tmp_path / "r.csv"))
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path / "r.csv", index_col=0)
    ref = nb.simulate(c, 20.0, dt=0.01, params={"fhn.I": 1.0})
    assert list(df.columns) == ["fhn.V"] and len(df) == 2001
    assert abs(df["fhn.V"].iloc[-1] - ref["fhn.V"][-1]) < 1e-9
    r = nbblox("run", str(path), "--t-end", "5", "--out", str(tmp_path / "r.nc"))
    assert r.returncode == 0 and (tmp_path / "r.nc").stat().st_size > 0


@pytest.mark.parametrize("args, fragment", [
    (["--t-end", "-1"], "t_end must be >= 0"),
    (["--param", "fhn.Q=1"], "no parameter named 'fhn.Q'"),
    (["--dt", "0"], "dt must be > 0"),
])
def test_run_errors_are_one_readable_line(tmp_path, args, fragment):
    path = tmp_path / "c.json"
    nb.Circuit([nb.blox.FitzHughNagumo(name="fhn")]).to_json(str(path))
    r = nbblox("run", str(path), *args)
    assert r.returncode == 2 and fragment in r.stderr and "Traceback" not in r.stderr


def test_run_refuses_a_hostile_file(tmp_path):
    d = json.loads(nb.Circuit([nb.blox.FitzHughNagumo(name="fhn")]).to_json())
    (key,) = d["types"]
    d["types"][key]["equations"] = "dV/dt = __import__('os')"
    (tmp_path / "bad.json").write_text(json.dumps(d))
    r = nbblox("run", str(tmp_path / "bad.json"))
    assert r.returncode == 2 and "unknown function '__import__'" in r.stderr


def test_demo_prints_a_summary_and_writes_an_offline_plot(tmp_path):
    r = nbblox("demo", "--t-end", "200", "--out", str(tmp_path), PYTHONIOENCODING="utf-8")
    assert r.returncode == 0, r.stderr
    # session 32: the unit as every other place prints it (was "uA/cm^2"), the model by its title
    assert "Hodgkin–Huxley at I = 10 µA/cm²: " in r.stdout, r.stdout
    assert "Wilson–Cowan wc2.E" in r.stdout, r.stdout
    html = (tmp_path / "demo.html").read_text()
    assert "Hodgkin\\u2013Huxley, I = 10 \\u00b5A/cm\\u00b2" in html     # the plot's title
    # Bokeh is inlined (the plot renders offline) and the data is in the page,
    # with the axis labels and units of nbblox's own plots
    assert "Bokeh" in html and "cdn.bokeh.org" not in html.split("<body", 1)[0]
    # (session 33: the state's own name on the axis, "V (mV)" as sol.plot() has it, not the
    # code name "hh.V (mV)": the title names the blox)
    assert '"V (mV)"' in html and "hh.V (mV)" not in html
    assert "time (ms)" in html and "wc2.E" in html
    rate = float(r.stdout.split("spikes in 200 ms (")[1].split(" Hz")[0])
    assert 60 < rate < 75


def test_demo_on_a_terminal_that_cannot_show_unicode_prints_ascii(tmp_path):
    """A console whose encoding has no µ or ² (PYTHONIOENCODING=ascii, an old
    Windows code page) gets the ASCII spelling, not a UnicodeEncodeError after the run."""
    r = nbblox("demo", "--t-end", "20", "--out", str(tmp_path), PYTHONIOENCODING="ascii")
    assert r.returncode == 0, r.stderr
    assert "Hodgkin-Huxley at I = 10 uA/cm^2: " in r.stdout, r.stdout
    assert "Traceback" not in r.stderr


def test_say_falls_back_to_ascii_on_a_stream_that_cannot_encode():
    import io
    from nbblox.cli import _say
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    _say("error: blox 'wb' (Wang–Buzsáki): τ must be > 0 µs", file=out)
    out.flush()
    assert out.buffer.getvalue() == b"error: blox 'wb' (Wang-Buzsaki): tau must be > 0 us\n"
    wide = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    _say("10 µA/cm²", file=wide)
    wide.flush()
    assert wide.buffer.getvalue().decode() == "10 µA/cm²\n"


def test_demo_plot_needs_neither_holoviews_nor_panel(tmp_path):
    # HoloViews' Bokeh backend imports Panel: ~1.2 s of the demo's 6 s budget (issue 17)
    code = f"""
import sys
import nbblox as nb
from nbblox.cli import _save_plot, demo_circuit
sol = nb.simulate(nb.compile(demo_circuit()), 2.0, dt=0.01)
print(_save_plot(sol, {str(tmp_path)!r}) is not None,
      sorted(m for m in ("holoviews", "panel") if m in sys.modules))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "[]"]


def test_demo_plot_without_plotting_libraries_is_skipped_not_a_crash(tmp_path, monkeypatch):
    # a core install (`pip install nbblox`) has neither Bokeh nor matplotlib: the
    # demo still prints its summary (.ci/wheel runs it so) and the plot step says so
    from nbblox.cli import _save_plot
    for mod in ("holoviews", "bokeh.plotting", "bokeh.resources", "matplotlib"):
        monkeypatch.setitem(sys.modules, mod, None)     # `import mod` raises ImportError
    sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 1.0)
    assert _save_plot(sol, str(tmp_path)) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", ["nc", "zarr"])
def test_run_out_writes_the_nbblox_result_format(tmp_path, ext):
    """``--out x.nc`` / ``x.zarr`` is nb.save's format (issue 20): nb.load reads it
    back equal to the same run made in Python, with its circuit, and it reruns."""
    c = nb.Circuit([nb.blox.FitzHughNagumo(name="fhn", I=0.5)])
    path = tmp_path / "c.json"
    c.to_json(str(path))
    out = tmp_path / f"r.{ext}"
    r = nbblox("run", str(path), "--t-end", "20", "--dt", "0.05", "--param", "fhn.I=1.0",
               "--record", "fhn.V", "--seed", "3", "--out", str(out))
    assert r.returncode == 0, r.stderr
    back = nb.load(out)
    ref = nb.simulate(c, 20.0, dt=0.05, params={"fhn.I": 1.0}, record=["fhn.V"], seed=3)
    assert back.names == ref.names == ["fhn.V"]
    assert back.params == ref.params and back.params["fhn.I"] == 1.0
    import numpy as np
    np.testing.assert_array_equal(back.t, ref.t)
    np.testing.assert_array_equal(back.values, ref.values)
    assert back.circuit == c
    assert back.info["seed"] == 3 and back._saved["content_hash"]
    np.testing.assert_array_equal(back.rerun().values, ref.values)
