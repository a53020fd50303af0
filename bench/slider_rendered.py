"""Kernel time of a slider move of bench/frontends.py's three-view explorer
(Morris-Lecar: time series, phase plane, bifurcation) *rendered* into a Bokeh
document with a recording comm, as Panel renders it in a notebook -- so the
views' HoloViews/Bokeh updates are in the figure (frontends.py's SLIDER
displays nothing).  Median of 10 moves of the continued parameter (ml.I) and
of another one (ml.g_L), wall time and the CPU time of the calling thread
(``time.thread_time``: less inflated by other processes on a shared machine;
the background worker's cycles are not in it).  With ``--wait`` each move
waits for the previous move's limit-cycle branch to be drawn first (as a
slider moved every few seconds).  Usage:
``python bench/slider_rendered.py [--wait]``.
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ui"))

import nbblox as nb  # noqa: E402
from test_explore_push import rendered  # noqa: E402


def main(wait="--wait" in sys.argv):
    ml = nb.blox.MorrisLecar(name="ml", preset="hopf")
    ex = nb.explore(ml, vars=["ml.V", "ml.w"], t_end=300.0, dt=0.05,
                    views=("timeseries", "phase_plane", "bifurcation"),
                    bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
    rendered(ex)

    def moves(name, values):
        out, cpu = [], []
        for v in values:
            if wait:        # the previous move's cycle branch drawn first (as with pauses)
                ex.bifurcation.wait(300)
            t, c = time.perf_counter(), time.thread_time()
            ex.set({name: v})
            out.append(1e3 * (time.perf_counter() - t))
            cpu.append(1e3 * (time.thread_time() - c))
        return statistics.median(out), max(out), statistics.median(cpu), max(cpu)
    same = moves("ml.I", [90.5 + 0.5 * k for k in range(10)])
    other = moves("ml.g_L", [2.0 + 0.01 * k for k in range(1, 11)])
    for name, r in (("ml.I", same), ("ml.g_L", other)):
        print(f"{name:6s} median {r[0]:.0f} ms  max {r[1]:.0f} ms   "
              f"CPU of the kernel's thread: median {r[2]:.0f} ms  max {r[3]:.0f} ms")


if __name__ == "__main__":
    main()
