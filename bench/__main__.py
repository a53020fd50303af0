"""``python -m bench [--quick] [--only W1,W3] [--no-peers] [--install-peers] [--out DIR]``:
every workload in nbblox, the hand-written numba reference and the peers, in one
run; writes results.json, RESULTS.md and scaling.html.  The peers run from
bench/.venv-peers when it is there; only ``--install-peers`` creates it and
installs into it (a plain run installs nothing)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import harness, peers_env, report, scaling, targets
from .config import CASES


def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (minutes, not an hour)")
    ap.add_argument("--only", default="", help="comma-separated workloads or cases: W1,W3,W2_wc80")
    ap.add_argument("--no-peers", action="store_true", help="nbblox and hand-written numba only")
    ap.add_argument("--install-peers", action="store_true",
                    help="create bench/.venv-peers and pip-install requirements-peers.txt into "
                         "it if it is not there (without: only an existing venv's peers run)")
    ap.add_argument("--systems", default="",
                    help="comma-separated system ids to run (default: every system of each case)")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent), help="output folder")
    ap.add_argument("--reps", type=int, default=5, help="warm repetitions (median)")
    ap.add_argument("--budget", type=float, default=60.0,
                    help="seconds of warm calls per case before stopping short of --reps")
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--scaling-peers", action="store_true", help="peers in the scaling curves too")
    ap.add_argument("--no-targets", action="store_true")
    ap.add_argument("--no-cases", action="store_true", help="only targets / scaling")
    ap.add_argument("--coldstart", default="", nargs="?", const="plot,explore,demo",
                    help="also the issue-16/17 cold-start measures (bench/coldstart.py) for the "
                         "time-to-first-result section; optionally which: comma list of "
                         "plot,explore,sweep,demo,demo_numba,demo_serial (default plot,explore,demo)")
    ap.add_argument("--coldstart-baseline", default=None, metavar="DIR",
                    help="with --coldstart: an earlier nbblox checkout (git archive) measured "
                         "back to back, for before/after ratios under the same load")
    ap.add_argument("--merge", action="store_true",
                    help="update OUT/results.json in place: keep what this run does not redo")
    return ap.parse_args(argv)


def select(only):
    if not only:
        return list(CASES)
    keys = [k.strip() for k in only.split(",") if k.strip()]
    return [c for c in CASES if any(c == k or c.split("_")[0] == k for k in keys)]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    a = parse(argv)
    log = lambda *x, **kw: print(*x, **dict(kw, flush=True))
    sampler = harness.LoadSampler()
    sampler.start()
    me = harness.machine()  # me["started"] stamps this run's records (bench/provenance.py)
    data = {"argv": argv, "machine": me, "peers": {}, "install_problems": {}}
    old = Path(a.out) / "results.json"
    before = None
    if a.merge and old.exists():
        data = json.loads(old.read_text())
        before = json.loads(old.read_text())
        data.setdefault("runs", []).append({"argv": argv, "machine": me})
    prev_load = data.get("load") if a.merge else None

    def load_so_far():  # with --merge the table states the worst and mean over all runs
        load = sampler.summary()
        if prev_load and load:
            load = {"min": min(prev_load["min"], load["min"]),
                    "max": max(prev_load["max"], load["max"]),
                    "mean": (prev_load["mean"] * prev_load["n"] + load["mean"] * load["n"])
                    / (prev_load["n"] + load["n"]), "n": prev_load["n"] + load["n"]}
        return load
    available = None
    if not a.no_peers:
        log(f"peers: {peers_env.VENV}")
        data["install_problems"] = peers_env.ensure(log=log, install=a.install_peers)
        available = peers_env.probe()
        data["peers"] = {k: list(v) for k, v in available.items()}
        for k, (ok, info) in available.items():
            log(f"  {k}: {'ok ' + info if ok else 'NOT AVAILABLE: ' + info}")
    data.setdefault("cases", [])
    data["load"] = load_so_far()
    t0 = time.time()
    only = select(a.only)
    want = {c.split("_")[0] for c in only}
    if not a.no_targets and ("W1" in want or "W6" in want):
        log("issue-2 targets")  # first: nbblox only, minutes, and the lead reads them first
        data["targets"] = targets.measure(quick=a.quick, log=log)
    if a.coldstart:
        from . import coldstart
        log("cold start (issues 16/17)")
        cold = coldstart.measure(
            reps=a.reps, only=set(a.coldstart.split(",")), baseline=a.coldstart_baseline,
            browser="dashboard" in a.coldstart.split(","), log=log)
        data["coldstart"] = coldstart.merged(data.get("coldstart") if a.merge else None, cold)
        data["load"] = load_so_far()
        report.write(a.out, data)
    for name in ([] if a.no_cases else only):
        res = harness.run_case(name, quick=a.quick, peers=not a.no_peers, available=available,
                               reps=a.reps, budget=a.budget, log=log,
                               only_systems=[x for x in a.systems.split(",") if x] or None,
                               run=me["started"])
        data["cases"] = [c for c in data["cases"] if c["case"] != name] + [res]
        data["cases"].sort(key=lambda c: list(CASES).index(c["case"]))
        data["load"] = load_so_far()
        report.write(a.out, data)  # after every case, so a long run leaves partial results
    if not a.no_scaling and want & {"W2", "W3", "W4"}:
        log("scaling")
        data["scaling"] = scaling.measure(quick=a.quick, peers=a.scaling_peers and not a.no_peers,
                                          available=available, log=log, only=want)
    sampler.stop()
    if not before:  # this run's own load; data["load"] becomes the merged runs' one
        data["primary_load"] = sampler.summary()
    if a.merge:
        data["runs"][-1]["load"] = sampler.summary()
        if before is not None:  # rows of systems this run did not measure stay, marked
            report.carry_peers(before, data)
    data["load"] = load_so_far()
    data["wall_s"] = time.time() - t0
    report.write(a.out, data)
    log(f"wrote {Path(a.out) / 'RESULTS.md'} ({data['wall_s']:.0f} s)")


if __name__ == "__main__":
    main()
