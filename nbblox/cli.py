"""The ``nbblox`` command: run a circuit file, run the built-in demo, serve
dashboards (delegated to nbblox.ui.serve), print environment info.

Errors from nbblox are printed as one readable line (exit code 2), never as
a traceback: the CLI is used by people who did not write the circuit file.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from ._text import ascii_text, capital, counted

__all__ = ["main", "demo_circuit"]


def _say(text, file=None):
    """Print one line; a stream that cannot encode it (``PYTHONIOENCODING=ascii``, an
    old Windows console) gets its ASCII spelling ("µA/cm²" -> "uA/cm^2") instead of a
    UnicodeEncodeError after the work is done."""
    file = file or sys.stdout
    try:
        text.encode(getattr(file, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = ascii_text(text)
    print(text, file=file)


def _parse_params(items):
    out = {}
    for item in items or []:
        if "=" not in item:
            raise SystemExit(f"error: --param wants NAME=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise SystemExit(f"error: --param {k}: {v!r} is not a number") from None
    return out


def _write(sol, out):
    """``.nc``/``.netcdf``/``.zarr``: the nbblox result format (``nb.load`` reads it
    back with the circuit, settings, versions and content hash); ``.csv`` and
    ``.json``: the traces only, for other tools."""
    ext = os.path.splitext(out.rstrip("/\\"))[1].lower()
    if ext == ".csv":
        sol.to_pandas().to_csv(out)
    elif ext in (".nc", ".netcdf", ".zarr"):
        sol.save(out, format="zarr" if ext == ".zarr" else "netcdf")
    elif ext == ".json":
        with open(out, "w") as fh:
            json.dump({"t": sol.t.tolist(), **{n: sol[n].tolist() for n in sol.names}}, fh)
    else:
        raise SystemExit(f"error: --out must end in .nc, .zarr, .csv or .json, not {ext!r}")


def cmd_run(args):
    import nbblox as nb
    circuit = nb.Circuit.load(args.circuit)     # CircuitError (exit 2) if unreadable
    record = args.record.split(",") if args.record else None
    t = time.perf_counter()
    sol = nb.simulate(circuit, args.t_end, dt=args.dt, method=args.method,
                      params=_parse_params(args.param), record=record, stride=args.stride,
                      seed=args.seed)
    took = time.perf_counter() - t
    if args.out:
        _write(sol, args.out)
    _say(f"simulated {circuit!r} for {args.t_end} ms ({args.method}, dt={args.dt}) in "
          f"{took:.2f} s; {counted(len(sol), 'sample')} of {counted(len(sol.names), 'variable')}"
          + (f" -> {args.out}" if args.out else ""))
    return 0


def demo_circuit():
    """The built-in demo: a Hodgkin-Huxley neuron driven above rheobase and a
    Wilson-Cowan pair (E1 excites E2, E2 inhibits nothing) — no files needed."""
    import nbblox as nb
    hh = nb.blox.HodgkinHuxley(name="hh", I=10.0)
    wc1 = nb.blox.WilsonCowan(name="wc1")
    wc2 = nb.blox.WilsonCowan(name="wc2", P=0.5)
    c = nb.Circuit([hh, wc1, wc2], name="demo")
    c.connect(wc1, wc2, weight=1.5)
    return c


def _import_plotting():
    """Import Bokeh (for the demo's plot) -- started in a thread while the main
    thread compiles: numba's LLVM passes release the GIL, so on two cores the
    imports cost little wall time.  ImportError is kept for :func:`_save_plot`
    (a core install has no Bokeh)."""
    try:
        import bokeh.embed  # noqa: F401
        import bokeh.plotting  # noqa: F401
        import bokeh.resources  # noqa: F401
    except ImportError:
        pass


def cmd_demo(args):
    import threading
    import nbblox as nb
    t0 = time.perf_counter()
    plotting = threading.Thread(target=_import_plotting, daemon=True)
    if not os.environ.get("NBBLOX_DEMO_SERIAL"):   # bench: the serial order, for comparison
        plotting.start()
    circuit = demo_circuit()
    system = nb.compile(circuit)
    sol = nb.simulate(system, args.t_end, dt=0.01, method="rk4")
    t_first = time.perf_counter() - t0
    t1 = time.perf_counter()
    sol = nb.simulate(system, args.t_end, dt=0.01, method="rk4")
    t_warm = time.perf_counter() - t1
    from .sim.solution import spike_times
    from .viz.units import pretty_unit
    spikes = spike_times(sol.t, sol["hh.V"])
    rate = 1000.0 * (len(spikes) - 1) / (spikes[-1] - spikes[0]) if len(spikes) > 1 else 0.0
    e2 = sol["wc2.E"][sol.t > args.t_end / 2]
    hh, wc = circuit["hh"], circuit["wc1"]
    drive = f"I = {hh.params['I']:g} {pretty_unit(hh.type.params['I'].unit)}"
    _say(f"nbblox {nb.__version__} demo: {circuit!r}")
    _say(f"  states: {len(system.state_names)}, parameters: {len(system.param_names)}, "
         f"backend: {system.backend}")
    _say(f"  {capital(hh.type.title)} at {drive}: {counted(len(spikes), 'spike')} in "
         f"{args.t_end:g} ms ({rate:.1f} Hz)")
    _say(f"  {capital(wc.type.title)} wc2.E over the second half: min {e2.min():.3f}, "
         f"max {e2.max():.3f}")
    _say(f"  first run (compile + simulate) {t_first:.2f} s; warm re-run {t_warm * 1000:.1f} ms")
    os.makedirs(args.out, exist_ok=True)
    if plotting.is_alive():
        plotting.join()
    path = _save_plot(sol, args.out)
    _say(f"  plot written to {path}" if path else
         "  no plot: install nbblox[viz] (HoloViews) or matplotlib to draw one")
    return 0


def _save_plot(sol, folder):
    """An offline HTML plot (Bokeh inline), a PNG if Bokeh is missing, or None
    if matplotlib is missing too (a core install: ``pip install nbblox``).

    Drawn with Bokeh itself, not ``sol.plot()``: HoloViews' Bokeh backend
    imports Panel, ~1.2 s of a first run whose budget is 6 s (issue 17); the
    figure keeps nbblox's look (palette, type sizes, units, linked time axes).
    """
    try:
        from bokeh.embed import file_html
        from bokeh.layouts import column
        from bokeh.plotting import figure
        from bokeh.resources import INLINE
        from .viz.style import PALETTE
        from .viz.units import pretty_unit, state_unit
        figs = []
        hh = sol.system.circuit["hh"]
        drive = f"I = {hh.params['I']:g} {pretty_unit(hh.type.params['I'].unit)}"
        for title, names in ((f"{capital(hh.type.title)}, {drive}", ["hh.V"]),
                             ("Wilson–Cowan pair", ["wc1.E", "wc2.E"])):
            unit = state_unit(sol.system, names[0]) or ""
            # the state's own name (the title names the blox), as sol.plot() labels it
            ylab = names[0].split(".")[-1] + (f" ({unit})" if unit else "")
            f = figure(title=title, width=800, height=260, x_axis_label="time (ms)",
                       y_axis_label=ylab, output_backend="canvas",
                       **({"x_range": figs[0].x_range} if figs else {}))
            for k, n in enumerate(names):
                f.line(sol.t, sol[n], color=PALETTE[k], line_width=1.5,
                       **({"legend_label": n} if len(names) > 1 else {}))
            f.title.text_font_size = "13pt"
            if len(names) > 1:                   # beside the plot: over no trace
                f.add_layout(f.legend[0], "right")
            for ax in (f.xaxis, f.yaxis):
                ax.axis_label_text_font_size, ax.major_label_text_font_size = "12pt", "10.5pt"
            figs.append(f)
        path = os.path.join(folder, "demo.html")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(file_html(column(*figs), INLINE, title="nbblox demo"))
        return path
    except ImportError:
        try:
            import matplotlib
        except ImportError:
            return None
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
        ax[0].plot(sol.t, sol["hh.V"])
        ax[0].set_ylabel("V (mV)")
        ax[1].plot(sol.t, sol["wc1.E"], sol.t, sol["wc2.E"])
        ax[1].set_xlabel("time (ms)")
        path = os.path.join(folder, "demo.png")
        fig.savefig(path, dpi=100)
        return path


def cmd_serve(args):
    from .ui import serve  # the dashboards layer owns serving
    return serve.main(args)


def cmd_info(args):
    import nbblox as nb
    from .compile import jit
    from .compile.cache import cache_dir
    _say(f"nbblox {nb.__version__}; numba available: {jit.HAVE_NUMBA}; kernel cache: {cache_dir()}")
    _say(f"catalog: {', '.join(nb.blox.CATALOG)}")
    return 0


def build_parser():
    p = argparse.ArgumentParser(prog="nbblox", description="Build, simulate, analyse and "
                                "teach brain dynamics.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="simulate a circuit JSON file")
    r.add_argument("circuit")
    r.add_argument("--t-end", type=float, default=1000.0)
    r.add_argument("--dt", type=float, default=0.01)
    r.add_argument("--method", default="rk4")
    r.add_argument("--record", default=None, help="comma-separated state names")
    r.add_argument("--stride", type=int, default=1)
    r.add_argument("--seed", type=int, default=None)
    r.add_argument("--param", action="append", help="NAME=VALUE (repeatable)")
    r.add_argument("--out", default=None, help="result file: .nc or .zarr (nbblox result "
                   "format, read back with nbblox.load), .csv or .json (traces only)")
    r.set_defaults(func=cmd_run)
    d = sub.add_parser("demo", help="run the built-in demo circuit and write a plot")
    d.add_argument("--t-end", type=float, default=500.0)
    d.add_argument("--out", default="demo-output", help="folder for the plot")
    d.set_defaults(func=cmd_demo)
    s = sub.add_parser("serve", help="serve a notebook, script, circuit JSON or folder as a "
                       "Panel dashboard (127.0.0.1 by default)")
    s.add_argument("path")
    s.add_argument("--port", type=int, default=5006)
    s.add_argument("--address", default="127.0.0.1")
    s.add_argument("--allow-websocket-origin", action="append", default=None)
    s.add_argument("--show", action="store_true")
    s.add_argument("--unused-session-lifetime", type=int, default=15000, metavar="MS",
                   help="discard a closed browser session (and its memory) once unused "
                        "this long (ms, default 15000)")
    s.set_defaults(func=cmd_serve)
    i = sub.add_parser("info", help="versions, numba, cache directory, catalog")
    i.set_defaults(func=cmd_info)
    return p


def main(argv=None):
    from .exceptions import NbbloxError
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except NbbloxError as exc:
        _say(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
