"""Kernel time of a slider move of bench/frontends.py's three-view explorer
(Morris-Lecar: time series, phase plane, bifurcation) *rendered* into a Bokeh
document with a recording comm, as Panel renders it in a notebook -- so the
views' HoloViews/Bokeh updates are in the figure (frontends.py's SLIDER
displays nothing).  Median of 10 moves of the continued parameter (ml.I) and
of another one (ml.g_L).  Usage: ``python bench/slider_rendered.py``.
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ui"))

import nbblox as nb  # noqa: E402
from test_explore_push import rendered  # noqa: E402


def main():
    ml = nb.blox.MorrisLecar(name="ml", preset="hopf")
    ex = nb.explore(ml, vars=["ml.V", "ml.w"], t_end=300.0, dt=0.05,
                    views=("timeseries", "phase_plane", "bifurcation"),
                    bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
    rendered(ex)

    def moves(name, values):
        out = []
        for v in values:
            t = time.perf_counter()
            ex.set({name: v})
            out.append(1e3 * (time.perf_counter() - t))
        return statistics.median(out), max(out)
    same = moves("ml.I", [90.5 + 0.5 * k for k in range(10)])
    other = moves("ml.g_L", [2.0 + 0.01 * k for k in range(1, 11)])
    print(f"ml.I  median {same[0]:.0f} ms  max {same[1]:.0f} ms")
    print(f"ml.g_L median {other[0]:.0f} ms  max {other[1]:.0f} ms")


if __name__ == "__main__":
    main()
