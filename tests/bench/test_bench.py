"""The benchmark code on tiny sizes, so it does not rot (no timed assertions:
speed is measured by ``python -m bench``, never asserted in tests)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from bench import harness, peers_env, report, threads, workloads
from bench.case import run_case
from bench.config import CASES, case_config


def test_every_case_has_a_reference_and_nbblox():
    for name, cfg in CASES.items():
        assert cfg["systems"][0] == "handwritten", name
        assert "nbblox" in cfg["systems"], name


@pytest.mark.parametrize("name", ["W1_fhn_rk4", "W2_wc80", "W7_fit_hh"])
def test_nbblox_agrees_with_handwritten_on_tiny_sizes(name):
    cfg = case_config(name, tiny=True)
    ref = run_case("handwritten", cfg, reps=1)
    got = run_case("nbblox", cfg, reps=1)
    assert ref["status"] == "ok", ref.get("traceback")
    assert got["status"] == "ok", got.get("traceback")
    ok, text = harness.check(ref["answer"], got["answer"])
    assert ok, text
    assert got["n_warm"] == 1 and got["warm_s"] > 0 and got["peak_rss_mb"] > 0


@pytest.mark.parametrize("system", ["nbblox_fastmath", "handwritten_fastmath",
                                    "handwritten_dgemv"])
def test_fastmath_variants_agree_on_w2(system):
    cfg = case_config("W2_wc80", tiny=True)
    assert system in cfg["systems"]
    ref, got = run_case("handwritten", cfg, reps=1), run_case(system, cfg, reps=1)
    assert ref["status"] == got["status"] == "ok", got.get("traceback")
    ok, text = harness.check(ref["answer"], got["answer"])
    assert ok, text
    assert system not in report.LABEL or system in report.OURS  # never a "peer"


def test_w4_one_thread_variant_runs_on_one_thread_and_reports_the_scaling():
    cfg = case_config("W4_sweep", tiny=True)
    assert "nbblox_fastmath_1t" in cfg["systems"] and "nbblox_fastmath_1t" in report.OURS
    ref = run_case("handwritten", cfg, reps=1)
    got = run_case("nbblox_fastmath_1t", cfg, reps=1)
    assert got["status"] == "ok", got.get("traceback")
    assert harness.check(ref["answer"], got["answer"])[0]
    import numba
    assert numba.get_num_threads() == 1     # what the variant measures
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert len(got["load_warm"]) == 2 and len(got["warm_cpu_all_s"]) == got["n_warm"]

    def rec(system, wall, cpu):
        return {"system": system, "status": "ok", "valid": True, "warm_s": wall,
                "warm_cpu_s": cpu, "load_warm": [0.5, 0.7]}
    res = {"records": [rec("handwritten_fastmath", 0.2, 0.2), rec("nbblox_fastmath", 0.11, 0.22),
                       rec("nbblox_fastmath_1t", 0.2, 0.21)]}
    text = "\n".join(report.threads_lines(res))
    assert "W4 scaling 1→2 threads" in text and "**1.82x**" in text and "load 0.5-0.7" in text
    assert "2 threads CPU 1.10x, wall 0.55x; 1 thread CPU 1.05x" in text
    assert report.threads_lines({"records": res["records"][:2]}) == []


@pytest.mark.parametrize("case", ["W4_sweep", "W4_sweep_euler"])
def test_w4_threads_interleaves_one_and_two_threads_and_checks_both_answers(case):
    """bench/threads.py: in one process the nbblox sweep and the hand-written
    prange loop each run on 1 and 2 threads, twice per call; both answers
    agree with the serial hand-written loop; the report states both ratios."""
    import numba
    cfg = case_config(case, tiny=True)
    ref = run_case("handwritten", cfg, reps=1)
    got = run_case("threads", cfg, reps=2)
    assert got["status"] == "ok", got.get("traceback")
    ans = got["answer"]
    assert harness.check(ref["answer"], {k: ans[k] for k in ("total_spikes", "n_osc")})[0]
    assert harness.check(ref["answer"], {"total_spikes": ans["hw_total_spikes"],
                                         "n_osc": ans["hw_n_osc"]})[0]
    T = got["threads"]   # 2 warm calls x 2 rounds; the compiling first call left out
    assert sorted(T) == ["handwritten_par_1", "handwritten_par_2", "nbblox_1", "nbblox_2"]
    assert all(len(v["wall_s"]) == 4 == len(v["cpu_s"]) for v in T.values())
    assert numba.get_num_threads() == numba.config.NUMBA_NUM_THREADS   # restored
    got.update(valid=True, check="nbblox ok; hand-written prange ok")
    text = "\n".join(report.interleaved_lines(got))
    sc = threads.scalings(got)
    assert f"**{sc['nbblox'][2]:.2f}x**" in text and "interleaved in one process" in text
    assert f"= {sc['handwritten_par'][2]:.2f}x" in text and "4 calls per thread count" in text
    assert "not measured" in "\n".join(report.interleaved_lines(dict(got, status="error",
                                                                        error="boom")))


@pytest.mark.parametrize("system", ["nbblox", "nbblox_fastmath", "nbblox_circuit",
                                    "handwritten_fastmath"])
def test_w4_euler_variant_integrates_with_euler_and_agrees(system):
    """W4_sweep_euler (issue 17: the sweep with Euler as well as RK4): every
    system of ours runs it, and Euler is what ran (at dt = 0.5 its spike
    counts differ from RK4's: 74 vs 69 for these 20 instances)."""
    cfg = case_config("W4_sweep_euler", tiny=True)
    cfg.update(n=20, t_end=200.0, dt=0.5)   # coarse: Euler and RK4 count differently
    assert cfg["method"] == "euler" and system in cfg["systems"]
    ref, got = run_case("handwritten", cfg, reps=1), run_case(system, cfg, reps=1)
    assert ref["status"] == got["status"] == "ok", got.get("traceback")
    ok, text = harness.check(ref["answer"], got["answer"])
    assert ok, text
    rk4 = run_case("handwritten", dict(cfg, method="rk4"), reps=0)
    assert rk4["answer"] != ref["answer"]


def test_unfinished_features_are_reported_not_raised():
    # whatever has landed, a case never raises out of run_case
    rec = run_case("nbblox", case_config("W5_cont_hh", tiny=True), reps=0)
    assert rec["status"] in ("ok", "not available yet", "error")
    if rec["status"] != "ok":
        assert rec["error"]


def test_check_catches_a_wrong_answer():
    ref = {"spikes": 69, "E_end": [0.1, 0.2], "rate_hz": 20.0}
    assert harness.check(ref, dict(ref))[0]
    assert not harness.check(ref, dict(ref, spikes=60))[0]
    assert not harness.check(ref, dict(ref, E_end=[0.1, 0.2001]))[0]
    assert not harness.check(ref, dict(ref, rate_hz=30.0))[0]


def test_ratios_use_only_checked_answers():
    recs = [{"system": "handwritten", "valid": True, "warm_full_s": 1.0},
            {"system": "nbblox", "valid": True, "warm_full_s": 0.5},
            {"system": "brainpy", "valid": False, "warm_full_s": 0.1}]
    assert harness.ratios(recs) == {"nbblox": {"handwritten": 0.5}}


def test_subprocess_protocol_and_report(tmp_path):
    res = harness.run_case("W1_fhn_euler", tiny=True, peers=False, reps=1,
                           log=lambda *a, **k: None)
    kinds = {r["system"]: r["status"] for r in res["records"]}
    assert kinds["handwritten"] == "ok" and kinds["nbblox"] == "ok"
    assert kinds["neurolib"].startswith("skipped")
    data = {"argv": ["--tiny"], "machine": harness.machine(), "load": {"min": 0, "mean": 0,
            "max": 0, "n": 1}, "cases": [res], "peers": {}}
    report.write(tmp_path, data)
    text = (tmp_path / "RESULTS.md").read_text()
    assert "W1 FHN" in text and "hand-written numba" in text and "shared" in text
    assert json.loads((tmp_path / "results.json").read_text())["cases"][0]["case"] == "W1_fhn_euler"
    # sections measured by other scripts, written below the marker, survive a regeneration
    (tmp_path / "RESULTS.md").write_text(text + "\n## Explore latency\n115 ms\n")
    report.write(tmp_path, data)
    again = (tmp_path / "RESULTS.md").read_text()
    assert again.count(report.KEEP) == 1 and again.endswith("## Explore latency\n115 ms\n")


def test_missing_peer_venv_is_reported(tmp_path):
    out = peers_env.probe(tmp_path / "nothing-here")
    assert set(out) == {"brian2", "brainpy", "neurolib", "tvb"}
    assert all(not ok and "no peer venv" in why for ok, why in out.values())


def test_a_plain_bench_run_installs_nothing(tmp_path, monkeypatch):
    """``python -m bench`` without ``--install-peers`` runs no pip and creates
    no venv (bugs2, session 30: it installed the peers unless --no-peers)."""
    import subprocess
    from bench.__main__ import main, parse
    ran, venv = [], tmp_path / "venv"
    with monkeypatch.context() as m:
        m.setattr(subprocess, "run", lambda *a, **k: ran.append(a) or 1 / 0)
        assert peers_env.ensure(venv, log=lambda *a: None) == {}
    assert not venv.exists() and ran == []
    assert parse([]).install_peers is False and parse(["--install-peers"]).install_peers
    asked = []
    monkeypatch.setattr(peers_env, "ensure", lambda **k: asked.append(k["install"]) or {})
    monkeypatch.setattr(peers_env, "probe", lambda: {"brian2": (False, "no peer venv")})
    for argv in ([], ["--install-peers"]):
        main(argv + ["--no-cases", "--no-targets", "--no-scaling", "--out", str(tmp_path)])
    assert asked == [False, True]
    assert "brian2: NOT AVAILABLE" in (tmp_path / "RESULTS.md").read_text()


def test_workload_references():
    # Hopf points of the HH squid axon: I ~ 9.78 and ~ 154.5 uA/cm^2
    # (Rinzel & Miller 1980, Math Biosci 49:27-59, doi:10.1016/0025-5564(80)90109-1)
    h = workloads.hh_hopf_points()
    assert len(h) == 2 and abs(h[0] - 9.78) < 0.05 and abs(h[1] - 154.5) < 0.5
    # FHN at I = 0.5: one unstable focus at V = -0.8048 (exact cubic root)
    V = workloads.fhn_fixed_points_exact([0.5])[0]
    assert V.size == 1 and abs(V[0] + 0.80485) < 1e-4 and not workloads.fhn_stable(V[0])
    C, E0, I0, D = workloads.wc_network(10, delays=True)
    assert np.allclose(C.sum(axis=1), 1) and np.all(np.diag(C) == 0)
    assert D[~np.eye(10, dtype=bool)].min() >= 10 and D.max() <= 200


def test_merge_fills_only_what_the_primary_run_lacks():
    a = {"cases": [{"case": "W1_hh_rk4", "records": [], "ratios": {}}], "load": {
        "min": 1, "max": 2, "mean": 1.5, "n": 2}}
    b = {"cases": [{"case": "W1_hh_rk4", "records": ["other"], "ratios": {}},
                   {"case": "W3_coba", "records": [], "ratios": {}}],
         "scaling": {"W2": []}, "load": {"min": 0.5, "max": 4, "mean": 3, "n": 2}, "argv": []}
    m = report.merge(a, b)
    assert [c["case"] for c in m["cases"]] == ["W1_hh_rk4", "W3_coba"]
    assert m["cases"][0]["records"] == [] and "note" in m["cases"][1]
    assert m["scaling"] == {"W2": []}
    assert m["load"]["min"] == 0.5 and m["load"]["max"] == 4 and m["load"]["mean"] == 2.25


def _rec(system, warm, run):
    return {"system": system, "status": "ok", "valid": True, "warm_s": warm,
            "warm_full_s": warm, "warm_all_s": [warm], "scale": 1.0, "run": run}


OLD_RUN, NEW_RUN = "2026-12-06 03:12:01 UTC", "2026-12-06 23:35:09 UTC"


def _merged():
    """An older run measured everything; a --merge re-run only the hand-written loop
    and neurolib (brainpy not installed, nbblox skipped with --systems)."""
    old = {"argv": ["--only", "W2_wc512"], "machine": {"started": OLD_RUN},
           "peers": {"brainpy": [True, "2.8"], "neurolib": [True, "0.6"]},
           "cases": [{"case": "W2_wc512", "title": "W2 WC N=512", "config": {"kind": "wc"},
                      "records": [_rec("handwritten", 50.0, OLD_RUN),
                                  _rec("nbblox", 70.0, OLD_RUN),
                                  _rec("brainpy", 40.0, OLD_RUN),
                                  _rec("neurolib", 90.0, OLD_RUN)]}],
           "load": {"min": 8.4, "max": 23.2, "mean": 12.0, "n": 3}}
    new = {"argv": ["--only", "W2_wc512"], "machine": {"started": OLD_RUN},
           "primary_load": old["load"],  # written by the first run, kept by --merge
           "runs": [{"argv": ["--merge", "--only", "W2_wc512", "--systems",
                              "handwritten,neurolib"], "machine": {"started": NEW_RUN},
                     "load": {"min": 7.8, "max": 10.6, "mean": 9.3, "n": 3}}],
           "peers": {"brainpy": [False, "No module named 'brainpy'"], "neurolib": [True, "0.6"]},
           "cases": [{"case": "W2_wc512", "title": "W2 WC N=512", "config": {"kind": "wc"},
                      "records": [_rec("handwritten", 106.0, NEW_RUN),
                                  _rec("neurolib", 180.0, NEW_RUN)]}],
           "load": {"min": 7.8, "max": 23.2, "mean": 10.0, "n": 6}}
    return report.carry_peers(old, new)


def test_merge_keeps_rows_of_systems_this_run_did_not_measure_as_measured():
    """A --merge re-run with fewer systems keeps the earlier rows of the others with
    their own run and their measured times (the old carry_peers multiplied them by
    this run's hand-written time / that run's: 70 s became 148 s here), and keeps
    the peer listed as measured in the earlier run."""
    new = _merged()
    rows = {r["system"]: r for r in new["cases"][0]["records"]}
    assert rows["nbblox"]["warm_full_s"] == 70.0 and rows["nbblox"]["run"] == OLD_RUN
    assert rows["brainpy"]["warm_s"] == 40.0 and rows["brainpy"]["run"] == OLD_RUN
    assert rows["neurolib"]["warm_s"] == 180.0 and rows["neurolib"]["run"] == NEW_RUN
    assert rows["handwritten"]["warm_s"] == 106.0
    # ratios only within one run: nbblox (old run) against nothing of the new run
    assert new["cases"][0]["ratios"] == {"nbblox": {"brainpy": 70.0 / 40.0}}
    assert new["peers"]["brainpy"][0] is True and "earlier run" in new["peers"]["brainpy"][1]


def test_summary_marks_a_carried_row_and_takes_no_ratio_across_runs(tmp_path):
    """The reviewer's case: a carried nbblox W2 N=512 row must not look like this
    run's measurement (the old report showed 92.95 s = 70 s x 106 / 79.9, unmarked,
    and nbblox / numba 0.877)."""
    new = dict(_merged(), machine=dict(harness.machine(), started=OLD_RUN))
    report.write(tmp_path, new)
    text = (tmp_path / "RESULTS.md").read_text()
    row = next(line for line in text.splitlines() if line.startswith("| W2 WC N=512 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "70 [a]"            # nbblox: measured value, marked
    assert cells[2] == "106"               # hand-written: this run, unmarked
    assert cells[3] == "–" and cells[7] == "–"  # no nbblox / numba, no projection
    # both from the older run [a]: their ratio is within one run
    assert cells[4] == "BrainPy 40 [a]" and cells[5] == "1.75"
    legend = next(line for line in text.splitlines() if line.startswith("- [a]"))
    assert OLD_RUN in legend and "--only W2_wc512" in legend and "8.4-23.2" in legend
    assert "not rescaled" in text
    # the case table marks the same rows
    assert "| nbblox [a] |" in text and "| BrainPy [a] |" in text
    assert "| neurolib |" in text


def test_a_no_peers_rerun_keeps_the_peers_rows():
    """``--no-peers`` leaves "skipped" records; they must not hide the earlier
    measurement (the old carry_peers counted them as measured and dropped it)."""
    old = {"cases": [{"case": "W1_hh_rk4", "records": [_rec("handwritten", 1.0, OLD_RUN),
                                                       _rec("brainpy", 3.0, OLD_RUN)]}]}
    new = {"cases": [{"case": "W1_hh_rk4", "records": [
        _rec("handwritten", 2.0, NEW_RUN),
        {"system": "brainpy", "case": "W1_hh_rk4", "status": "skipped (--no-peers)"}]}]}
    report.carry_peers(old, new)
    rows = {r["system"]: r for r in new["cases"][0]["records"]}
    assert rows["brainpy"]["status"] == "ok" and rows["brainpy"]["warm_s"] == 3.0


def test_legacy_records_get_their_run_and_lose_the_rescaling():
    """results.json written before records carried ``run``: the run is found by
    replaying the runs' command lines, and a rescaled carried time goes back to the
    median of its own warm calls."""
    from bench import provenance
    cfg = {"systems": ["handwritten", "nbblox", "brainpy"]}
    data = {"argv": ["--budget", "15"], "machine": {"started": "A"},
            "runs": [{"argv": ["--merge", "--no-peers", "--only", "W2_wc80,W2_wc512"],
                      "machine": {"started": "B"}},
                     {"argv": ["--merge", "--only", "W2_wc512", "--systems", "handwritten"],
                      "machine": {"started": "C"}},
                     {"argv": ["--merge", "--no-cases"], "machine": {"started": "D"}}],
            "cases": [{"case": "W2_wc512", "config": cfg, "records": [
                {"system": "handwritten"}, {"system": "nbblox"}, {"system": "brainpy"}]},
                {"case": "W1_hh_rk4", "config": cfg, "records": [{"system": "brainpy"}]}]}
    assert provenance.stamp_legacy(data) == []
    runs = [[r["run"] for r in c["records"]] for c in data["cases"]]
    assert runs == [["C", "B", "A"], ["A"]]
    rec = {"warm_s": 92.95 / 5, "warm_full_s": 92.95, "scale": 5.0, "carried": 1.327,
           "warm_all_s": [13.0, 14.0, 15.0]}
    provenance.unrescale(rec)
    assert rec["warm_s"] == 14.0 and rec["warm_full_s"] == 70.0 and "carried" not in rec


def test_coldstart_alternates_trees_and_reports_ratios(tmp_path, monkeypatch):
    # `python -m bench --coldstart --coldstart-baseline DIR`: each measure runs in both
    # trees, alternating which goes first, and the report gives this / baseline
    from bench import coldstart
    order = []

    def fake_cell(code, env):
        base = "base" in env["NBBLOX_CACHE_DIR"]
        order.append("b" if base else "t")
        return (4.0, 2.0) if base else (3.0, 1.5)

    monkeypatch.setattr(coldstart, "kernel_cell", fake_cell)
    cold = coldstart.measure(reps=2, only={"explore"}, baseline=tmp_path, log=lambda *a: None)
    assert order == ["t", "b"] + ["t", "b", "b", "t"]   # warm-ups, then alternating
    b = cold["baseline"]["measures"]["first_explore_s"]
    assert b["ratio"] == 0.75 and b["cpu_ratio"] == 0.75
    data = {"argv": [], "machine": harness.machine(), "cases": [], "peers": {},
            "load": {"min": 0, "mean": 0, "max": 0, "n": 1}, "coldstart": cold}
    report.write(tmp_path, data)
    text = (tmp_path / "RESULTS.md").read_text()
    row = next(line for line in text.splitlines() if "first `nb.explore`" in line)
    assert row.split("|")[-3:-1] == [" 0.75 ", " 0.75 "] and "<= 3 s" in row


def test_coldstart_first_sweep_runs_the_w4_call_in_a_kernel(tmp_path, monkeypatch):
    # `--coldstart sweep`: the bench W4 sweep as a fresh kernel's first cell (no goal)
    from bench import coldstart
    cells = []
    monkeypatch.setattr(coldstart, "kernel_cell",
                        lambda code, env: cells.append(code) or (2.0, 1.0))
    cold = coldstart.measure(reps=1, only={"sweep"}, log=lambda *a: None)
    assert list(cold["measures"]) == ["first_sweep_s"]
    assert len(cells) == 2 and "nb.sweep(" in cells[0] and 'measure="rate"' in cells[0]
    data = {"argv": [], "machine": harness.machine(), "cases": [], "peers": {},
            "load": {"min": 0, "mean": 0, "max": 0, "n": 1}, "coldstart": cold}
    report.write(tmp_path, data)
    row = next(line for line in (tmp_path / "RESULTS.md").read_text().splitlines()
               if "first `nb.sweep`" in line)
    assert row.split("|")[2:5] == [" - ", " 2 (2-2) ", " 1 "], row
