"""Composites cost nothing at run time: the Wilson-Cowan column placed in the
regions of TVB's 76-region connectome (conduction delays at 3 mm/ms), built
as composites and written out by hand, simulated side by side.

    python bench/bench_composite.py [t_end_ms] [repeats]

Prints, for 4 regions (the visual stream of nbblox.examples.columns) and for
all 76: the warm simulate time of each form (best of ``repeats``), their
ratio, whether they share one compiled kernel module, and the largest
difference between their trajectories (0: the same arithmetic).  The
one-blox catalog WilsonCowan per region is timed too, for context: it is a
different model layout (coupling inside the blox instead of four
connections), not a composite.
"""
import sys
import time

import numpy as np

import nbblox as nb
from nbblox.examples.columns import VISUAL_STREAM, region_weights, visual_stream


def hand_flattened(regions, coupling=0.5, speed=3.0):
    """The composite circuit written without composites: 2 blox per region."""
    W, D = region_weights(regions, speed=speed)
    c = nb.Circuit(name="hand")
    for r in regions:
        c.add(nb.blox.WilsonCowanPopulation(name=f"{r}_E", a=1.3, theta=4.0, P=1.25,
                                            init={"A": 0.1}),
              nb.blox.WilsonCowanPopulation(name=f"{r}_I", a=2.0, theta=3.7, P=0.0,
                                            init={"A": 0.05}))
        c.connect(f"{r}_E", f"{r}_E", weight=16.0)
        c.connect(f"{r}_I", f"{r}_E", weight=-12.0)
        c.connect(f"{r}_E", f"{r}_I", weight=15.0)
        c.connect(f"{r}_I", f"{r}_I", weight=-3.0)
    for i, j in zip(*np.nonzero(W)):
        c.connect(f"{regions[i]}_E", f"{regions[j]}_E", weight=coupling * W[i, j],
                  delay=0.0 if D is None else D[i, j])
    return c


def one_blox(regions, coupling=0.5, speed=3.0):
    W, D = region_weights(regions, speed=speed)
    return nb.Circuit.from_adjacency([nb.blox.WilsonCowan(name=r) for r in regions],
                                     coupling * W, D, name="one_blox")


def best(fn, repeat):
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return min(ts)


def measure(regions, t_end, repeat):
    comp = nb.compile(visual_stream(regions=regions))
    hand = nb.compile(hand_flattened(regions))
    ref = nb.compile(one_blox(regions))
    run = lambda s: nb.simulate(s, t_end, dt=0.1)
    a, b = run(comp), run(hand)           # also compiles (first call)
    run(ref)
    systems = (("composite", comp), ("hand-flattened", hand), ("one blox", ref))
    times = {name: [] for name, _ in systems}
    for _ in range(repeat):          # interleaved, so a load change hits every form alike
        for name, s in systems:
            times[name].append(best(lambda s=s: run(s), 1))
    rows = {name: min(ts) for name, ts in times.items()}
    diff = float(np.abs(a.values - b.values).max())
    return rows, comp._k is hand._k, diff


def main():
    t_end = float(sys.argv[1]) if len(sys.argv) > 1 else 2000.0
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    everything = tuple(nb.data.connectome("tvb76").labels)
    print(f"Wilson-Cowan columns, {t_end:g} ms at dt = 0.1 ms (RK4, delays at 3 mm/ms), "
          f"best of {repeat}")
    for name, regions in (("4 regions", VISUAL_STREAM), ("76 regions", everything)):
        rows, shared, diff = measure(regions, t_end, repeat)
        print(f"  {name}:")
        for k, t in rows.items():
            print(f"    {k:15s} {t * 1e3:9.1f} ms")
        print(f"    composite / hand-flattened: {rows['composite'] / rows['hand-flattened']:.3f}"
              f"   same kernel module: {shared}   max |difference|: {diff:g}")


if __name__ == "__main__":
    main()
