"""Which run measured each record of results.json, so the report never mixes runs
silently.

``python -m bench --merge`` accumulates runs in one results.json; a re-run that does
not measure every system of a case keeps the older records of the others
(:func:`bench.report.carry_peers`).  Every record carries ``run`` (its run's
start time, ``machine.started``): the report marks a value measured in an older run
than its case's newest records, says which run and load it comes from, and takes
ratios only between records of one run.  Times are shown as measured, never
rescaled.

Records written before ``run`` existed get it from :func:`stamp_legacy`, which
replays the recorded runs' command lines (``--only``, ``--systems``, ``--no-peers``,
``--no-cases``); older carried records had their warm times multiplied by hand-written
ratios, which :func:`unrescale` undoes from the raw warm calls they kept.
"""
from __future__ import annotations

import statistics

from .config import CASES, PEERS


def _arg(argv, flag):
    argv = list(argv or [])
    return argv[argv.index(flag) + 1] if flag in argv[:-1] else ""


def _covers(argv, case, systems):
    """Systems of ``case`` (its configured ``systems``) that a run with ``argv`` measured."""
    argv = list(argv or [])
    if "--no-cases" in argv:
        return set()
    only = [k.strip() for k in _arg(argv, "--only").split(",") if k.strip()]
    if only and not any(case == k or case.split("_")[0] == k for k in only):
        return set()
    chosen = [s for s in _arg(argv, "--systems").split(",") if s]
    out = {s for s in systems if not chosen or s in chosen}
    return out - set(PEERS) if "--no-peers" in argv else out


def stamp_legacy(data):
    """Give every record of ``data`` without ``run`` the start time of the latest
    recorded run whose command line measured its (case, system); returns the
    (case, system) pairs no run accounts for (left unstamped).

    Order of precedence: runs merged with ``python -m bench.report merge`` (no
    ``--merge`` in argv: they only filled cases the primary run lacked), the primary
    run, then the ``--merge`` runs in order.
    """
    runs = [r for r in data.get("runs", []) if "--merge" not in (r.get("argv") or [])]
    runs += [{"argv": data.get("argv"), "machine": data.get("machine")}]
    runs += [r for r in data.get("runs", []) if "--merge" in (r.get("argv") or [])]
    unknown = []
    for c in data.get("cases", []):
        systems = (c.get("config") or {}).get("systems") or CASES.get(c["case"], {}).get(
            "systems", [])
        for r in c["records"]:
            if r.get("run"):
                continue
            who = [run for run in runs if r["system"] in _covers(run.get("argv"), c["case"],
                                                                 systems)]
            if who:
                r["run"] = (who[-1].get("machine") or {}).get("started")
            else:
                unknown.append((c["case"], r["system"]))
    return unknown


def unrescale(rec):
    """Undo the old ``carry_peers`` rescaling of ``rec`` in place: warm time = median
    of its own warm calls (x ``scale`` for a shortened run), as measured.

    Examples
    --------
    >>> unrescale({"warm_s": 18.6, "warm_full_s": 92.95, "scale": 5.0, "carried": 1.327,
    ...            "warm_all_s": [14.0]})
    {'warm_s': 14.0, 'warm_full_s': 70.0, 'scale': 5.0, 'warm_all_s': [14.0]}
    """
    if isinstance(rec.get("carried"), float) and rec.get("warm_all_s"):
        rec["warm_s"] = statistics.median(rec["warm_all_s"])
        if rec.get("warm_full_s"):
            rec["warm_full_s"] = rec["warm_s"] * rec.get("scale", 1.0)
        del rec["carried"]
    return rec


def run_info(data):
    """{run start time: (command line, load text)} of every recorded run."""
    out = {}
    for r in [{"argv": data.get("argv"), "machine": data.get("machine"),
               "load": data.get("primary_load")}] + list(data.get("runs", [])):
        lo = r.get("load")
        load = (f"1-minute load {lo['min']:.1f}-{lo['max']:.1f} over the run" if lo
                else "load of that run not recorded")
        out[(r.get("machine") or {}).get("started")] = (" ".join(r.get("argv") or []), load)
    return out


def reference(res):
    """The newest run among a case's measured records (the case's reference run)."""
    runs = [r.get("run") for r in res["records"] if r.get("status") == "ok" and r.get("run")]
    return max(runs) if runs else None


class Marks:
    """Footnote markers [a], [b], ... for values measured in an older run than their
    case's reference run; :meth:`lines` explains each under the table."""

    def __init__(self, data):
        self.data = data
        self.info = run_info(data)
        self.keys = {}

    def mark(self, rec, ref):
        run = rec.get("run")
        if run == ref:
            return ""
        if run not in self.keys:
            self.keys[run] = "abcdefghijklmnopqrstuvwxyz"[len(self.keys) % 26]
        return f" [{self.keys[run]}]"

    def load(self, rec):
        lw = rec.get("load_warm")
        return f"1-minute load {lw[0]:.1f}-{lw[-1]:.1f} around its warm calls" if lw else ""

    def lines(self, recs=()):
        """One line per marker: the run's command line, start and load (around the
        record's own warm calls when ``recs`` recorded it, else the run's)."""
        L = []
        for run, k in self.keys.items():
            argv, load = self.info.get(run, ("?", "load of that run not recorded"))
            own = sorted({self.load(r) for r in recs if r.get("run") == run} - {""})
            L.append(f"- [{k}] carried from an older run: "
                     + (f"`python -m bench {argv}`, started {run}" if run else
                        "a run whose date was not recorded")
                     + f"; {'; '.join(own) if own else load}.")
        if L:
            L.append("")
            L.append("Marked values are as measured in that run (not rescaled); no ratio is "
                     "taken between values of different runs (\"–\").")
        return L + ([""] if L else [])


RESCALE_NOTE = "peers from the earlier full run, their warm times rescaled"


def drop_rescale_note(case):
    """Remove the old carry_peers note (rescaled peers) from a case."""
    if str(case.get("note", "")).startswith(RESCALE_NOTE):
        del case["note"]


def merge(primary, secondary):
    """Fill ``primary`` (a results dict) with what only ``secondary`` has: cases
    it did not reach (marked, since they ran in another invocation), targets
    and scaling.  Both runs' machine and load are kept."""
    have = {c["case"] for c in primary.get("cases", [])}
    for c in secondary.get("cases", []):
        if c["case"] not in have:
            c = dict(c, note="from the nbblox + hand-written run (" + " ".join(
                secondary.get("argv", [])) + "), run concurrently; the peers did not reach "
                "this case in the time available")
            primary.setdefault("cases", []).append(c)
    for key in ("targets", "scaling"):
        if key not in primary and key in secondary:
            primary[key] = secondary[key]
    primary.setdefault("runs", []).append({"argv": secondary.get("argv"),
                                           "machine": secondary.get("machine"),
                                           "load": secondary.get("load")})
    lo = [d["load"] for d in (primary, secondary) if d.get("load")]
    if lo:
        primary["load"] = {"min": min(x["min"] for x in lo), "max": max(x["max"] for x in lo),
                           "mean": sum(x["mean"] * x["n"] for x in lo) / sum(x["n"] for x in lo),
                           "n": sum(x["n"] for x in lo)}
    return primary


def carry_peers(old, new):
    """After a ``--merge`` re-run without some peers (``--no-peers``, ``--systems``
    or a peer not installed): keep each case's records of the systems this run
    did not measure from ``old``, as measured there (never rescaled), each with
    its own ``run``; the report marks them and takes no ratio across runs
    (:mod:`bench.provenance`)."""
    from .harness import ratios
    for key in ("peers", "install_problems"):
        if old.get(key) and not new.get(key):
            new[key] = old[key]
    # a peer missing from this run's environment but measured before stays
    # listed as it was, since its carried rows below come from that run
    for peer, (ok, info) in (old.get("peers") or {}).items():
        if ok and not new.get("peers", {}).get(peer, (False,))[0]:
            new.setdefault("peers", {})[peer] = [True, f"{info} (earlier run; not installed "
                                                       "for the latest one)"]
    stamp_legacy(old)
    prev = {c["case"]: c for c in old.get("cases", [])}
    for c in new.get("cases", []):
        o = prev.get(c["case"])
        if o is None:
            continue
        # skipped / not installed this time: the older measurement stays
        mine = {r["system"] for r in c["records"] if r.get("status") == "ok"
                or not str(r.get("status", "")).startswith(("skipped", "not installed"))}
        carried = [unrescale(dict(r)) for r in o["records"]
                   if r["system"] not in mine and r.get("status") == "ok"]
        if not carried:
            continue
        c["records"] = [r for r in c["records"] if r["system"] in mine] + carried
        c["ratios"] = ratios(c["records"])
        drop_rescale_note(c)  # the marks say it, per row
    return new


__all__ = ["stamp_legacy", "unrescale", "run_info", "reference", "Marks", "merge", "carry_peers",
           "drop_rescale_note"]
