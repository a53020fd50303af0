"""Exercise checkers of the course: each accepts the right answer (found here
by another route than the checker's own) and refuses a wrong one."""
import tempfile
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import fsolve

import nbblox as nb
from nbblox.lessons import EXERCISES, check, firing_rate


def right_answers():
    fhn = nb.blox.FitzHughNagumo(name="f")
    rest = nb.simulate(fhn, 2000.0, dt=0.05)["f.V"][-1]
    hopf = [s.param_value for s in nb.continuation(fhn, "f.I", (0.0, 2.0)).special_points
            if s.kind == "H"][0]
    hh = nb.simulate(nb.blox.HodgkinHuxley(name="hh", I=10.0), 1000.0, dt=0.005)
    # Wilson-Cowan at c1 = 24, P = 0.5: count distinct roots from a grid of fsolve starts
    wc = nb.compile(nb.blox.WilsonCowan(name="wc"))
    p = wc.param_vector({"wc.c1": 24.0, "wc.P": 0.5})
    roots = []
    for e0 in np.linspace(0.0, 0.5, 11):
        for i0 in np.linspace(0.0, 0.5, 11):
            z, info, ok, _ = fsolve(lambda z: wc.rhs(z, params=p), [e0, i0], full_output=True)
            if ok == 1 and np.all((z >= 0) & (z <= 0.5)) and np.abs(wc.rhs(z, params=p)).max() < 1e-10:
                if not any(np.abs(z - r).max() < 1e-6 for r in roots):
                    roots.append(z)
    # Jansen & Rit 1995: alpha near 10 Hz at p = 220 /s (FFT of an independent run)
    jr = nb.simulate(nb.blox.JansenRit(name="jr"), 5000.0, dt=0.05, method="heun")
    keep = jr.t > 1000.0
    x = (jr["jr.y1"] - jr["jr.y2"])[keep]
    freqs = np.fft.rfftfreq(x.size, d=0.05 / 1000.0)
    alpha = freqs[np.argmax(np.abs(np.fft.rfft(x - x.mean())))]
    assert 8.0 < alpha < 12.0
    # Morris-Lecar Hopf set: rest loses stability where a small kick stops decaying
    ml = nb.compile(nb.blox.MorrisLecar(name="ml", preset="hopf"))
    def grows(I):
        fp = nb.fixed_points(ml, params={"ml.I": I}, bounds={"ml.V": (-70, 40), "ml.w": (0, 1)})
        J = ml.jacobian(np.array([fp[0].state["ml.V"], fp[0].state["ml.w"]]),
                        params={"ml.I": I})
        return np.linalg.eigvals(J).real.max() > 0
    lo, hi = 80.0, 100.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if grows(mid) else (mid, hi)
    # LIF rate from a fine simulation (the checker uses the closed form)
    lif = nb.simulate(nb.blox.LIF(name="l", I=2.5), 2000.0, dt=0.005, method="euler")
    lif_rate = 1000.0 / np.mean(np.diff(lif.spikes["time"]))
    # COBA: median CV computed here with numpy from the lesson network's spikes
    from nbblox.lessons import coba_network
    sol = nb.simulate(coba_network(), 1000.0, dt=0.1, method="euler", record=["net[0].v"],
                      stride=10)
    cvs = []
    for n in range(4000):
        st = np.sort(sol.spikes["time"][sol.spikes["index"] == n])
        if st.size >= 3:
            cvs.append(np.diff(st).std() / np.diff(st).mean())
    # lesson 7: the bidirectional ring, counted on the circuit itself
    nodes = [nb.blox.WilsonCowan(name=f"n{i}") for i in range(5)]
    Wr = np.zeros((5, 5))
    Wr[np.arange(5), (np.arange(5) + 1) % 5] = 1.2
    ring = nb.Circuit.from_adjacency(nodes, Wr + Wr.T)
    # lesson 9: the delays nbblox puts on the delayed whole-brain circuit
    cx = nb.data.connectome("tvb76")
    delayed = cx.to_circuit(nb.blox.WilsonCowan, coupling=0.2, speed=5.0)
    # lesson 10: FHN's first Hopf point at a = 0.5 by continuation (the checker: closed form)
    hopf_a05 = [s.param_value for s in nb.continuation(nb.blox.FitzHughNagumo(name="f", a=0.5),
                                                       "f.I", (0.0, 2.0)).special_points
                if s.kind == "H"][0]
    # lesson 11: the circuit file written as the lesson does
    a = nb.blox.WilsonCowan(name="a")
    b = nb.blox.WilsonCowan(name="b", P=0.5)
    folder = Path(tempfile.mkdtemp())
    nb.Circuit([a, b], name="pair").connect(a, b, weight=1.5).to_json(folder / "pair.json")
    return {
        "ring_connections": len(ring.connections),
        "longest_delay_ms": max(cn.delay for cn in delayed.connections),
        "fhn_hopf_I_a05": hopf_a05,
        "pair_file": folder / "pair.json",
        "lif_rate": lif_rate,
        "coba_irregular": float(np.median(cvs)),
        "ml_hopf_I": hi,
        "wc_bistable_count": len(roots),
        "jr_alpha_Hz": alpha,
        "fhn_rest_V": rest,
        "fhn_hopf_I": hopf,
        # rheobase for repetitive firing of the HH model at 6.3 degC is about
        # 6.2-6.3 uA/cm^2 (e.g. Ermentrout & Terman 2010; Izhikevich 2007, ch. 7)
        "hh_rheobase": 6.25,
        "hh_rate_10": firing_rate(hh, "hh.V", t_min=100.0),
        # Song, Miller & Abbott 2000: one pair s ms apart, A_plus * exp(-s/tau_pre)
        "stdp_pair_dw": 0.01 * np.exp(-15.0 / 20.0),
    }


WRONG = {"lif_rate": 100.0, "coba_irregular": 0.1, "ml_hopf_I": 80.0, "wc_bistable_count": 1, "jr_alpha_Hz": 20.0, "fhn_rest_V": 0.0, "fhn_hopf_I": 1.0, "hh_rheobase": 2.0, "hh_rate_10": 40.0,
         "stdp_pair_dw": 0.01, "ring_connections": 5, "longest_delay_ms": 10.0,
         "fhn_hopf_I_a05": 0.33}


def _wrong_pair_file():
    a = nb.blox.WilsonCowan(name="a")
    b = nb.blox.WilsonCowan(name="b", P=0.5)
    path = Path(tempfile.mkdtemp()) / "pair.json"
    nb.Circuit([a, b], name="pair").connect(a, b, weight=2.0).to_json(path)
    return path


def test_every_checker_accepts_the_right_answer_and_refuses_a_wrong_one():
    WRONG["pair_file"] = _wrong_pair_file()
    answers = right_answers()
    assert set(answers) == set(EXERCISES)
    for name, value in answers.items():
        ok = check(name, value)
        assert ok, ok.message
        bad = check(name, WRONG[name])
        assert not bad and "not right yet" in bad.message


def test_no_answer_yet_and_nonsense():
    r = check("hh_rate_10", None)
    assert not r and "no answer yet" in r.message and "green" not in r._repr_html_()
    with pytest.raises(ValueError, match="must be a number"):
        check("hh_rate_10", "fast")
    with pytest.raises(KeyError, match="Did you mean 'hh_rate_10'"):
        check("hh_rate10", 68)
    missing = check("pair_file", "no/such/file.json")
    assert not missing and "no file" in missing.message


def test_pair_file_refuses_a_file_that_is_not_a_circuit(tmp_path):
    bad = tmp_path / "pair.json"
    bad.write_text('{"schema": "not a circuit"}')
    r = check("pair_file", bad)
    assert not r and "is not a circuit file" in r.message


# -- the lesson notebooks and binder/ ------------------------------------------
import importlib.util
import json
import re
import sys
from importlib import metadata
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_guards_its_science_with_checked_outputs(path):
    """nbval compares a cell tagged nbval-check-output only if it was run and kept
    its output (an unrun reference cell is silently skipped): every lesson keeps at
    least two such cells, each with an execution count and an output, and no
    other cell keeps output (inline BokehJS would make megabytes).  Markers live
    in cell tags, not in comments students see."""
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    checked = [c for c in code if "nbval-check-output" in c["metadata"].get("tags", [])
               and not c["metadata"].get("nbgrader", {}).get("grade")]
    assert len(checked) >= 2, f"{path.name}: {len(checked)} checked-output cells"
    for c in checked:
        src = "".join(c["source"])[:80]
        assert c["execution_count"] is not None, f"unrun reference cell: {src}"
        assert c["outputs"], f"checked cell without stored output: {src}"
        assert all(o["output_type"] != "error" for o in c["outputs"]), src
    for c in code:
        assert "NBVAL" not in "".join(c["source"]), "test markers belong in cell tags"
        if c not in checked:
            assert not c["outputs"], "".join(c["source"])[:80]
    first = "".join(nb["cells"][0]["source"])
    m = re.search(r"Runs top to bottom in about (\d+) s", first)
    # the number is measured by build.py (under whatever load the machine had), so
    # only its presence is asserted here (the report lists them)
    assert m, "the first cell must state the run time (python lessons/build.py)"


def _build():
    spec = importlib.util.spec_from_file_location("lesson_build", REPO / "lessons" / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_both_editions_are_built_from_the_current_source(path):
    """The notebooks are what lessons/build.py makes of lessons/src today (no
    edit of a notebook by hand, no source change left unbuilt), and each
    exercise has an answer cell and a graded hidden test: the instructor edition
    runs the hidden tests under nbval, the student edition has neither
    solutions nor hidden tests."""
    build = _build()
    src = REPO / "lessons" / "src" / (path.stem + ".py")
    want = build.mark_exercises(build.parse(src.read_text()), path.stem)
    got = nbformat.read(path, 4)
    assert [c.source for c in got.cells[1:]] == [c.source for c in want[1:]], \
        f"{path.name} is stale: run python lessons/build.py {path.stem[:2]}"
    assert [c.metadata.get("nbgrader") for c in got.cells] == \
        [c.metadata.get("nbgrader") for c in want]
    graded = [c for c in got.cells if c.metadata.get("nbgrader", {}).get("grade")]
    answers = [c for c in got.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert graded and len(graded) == len(answers)
    for c in graded:   # stderr in a graded cell would cost the student the point
        assert "nbval-check-output" in c.metadata.get("tags", []) and not c.outputs
        assert "assert nb.lessons.check(" in c.source
    student = nbformat.read(REPO / "lessons" / "student" / path.name, 4)
    assert student.cells[1:] == build.student_edition(got).cells[1:]
    text = "\n".join(c.source for c in student.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert not any(c.get("outputs") for c in student.cells)


def _pins():
    pins = {}
    for line in (REPO / "binder" / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip()] = version.strip()
    return pins


def test_binder_requirements_pin_the_versions_tested_here():
    """binder/requirements.txt pins exactly what this environment runs the
    lessons with, and installs nbblox itself (repo2docker ignores
    pyproject.toml once binder/ exists)."""
    lines = [l.strip() for l in (REPO / "binder" / "requirements.txt").read_text().splitlines()]
    assert "." in lines
    pins = _pins()
    for needed in ("numpy", "numba", "holoviews", "bokeh", "panel", "anywidget", "tvb-data"):
        assert needed in pins, f"{needed} is not pinned in binder/requirements.txt"
    wrong = {n: (v, metadata.version(n)) for n, v in pins.items() if metadata.version(n) != v}
    assert not wrong, f"pinned vs installed: {wrong}"
    # Binder's base image brings these; pinning them would fight its env
    assert not {"jupyterlab", "notebook", "ipywidgets", "jupyter_server"} & set(pins)


def test_binder_runtime_and_postbuild():
    runtime = (REPO / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    assert runtime == f"python-{sys.version_info[0]}.{sys.version_info[1]}", \
        "binder/runtime.txt should name the Python the lessons are tested with"
    post = REPO / "binder" / "postBuild"
    text = post.read_text()
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    assert "set -e" in text                      # errors are otherwise ignored by repo2docker
    assert "nbblox.warm_cache" in text and "lessons/*.ipynb" in text
