"""Live run mode: a long or open-ended simulation advanced in chunks, each
appended to a HoloViews Buffer (the plot streams as it runs), with start /
pause / stop buttons and a progress indicator.

Chunks continue from the previous chunk's final state, so the streamed run
equals one long run.  A Panel periodic callback drives ``step`` in the
notebook or server; tests call ``step`` directly.
"""
from __future__ import annotations

import numpy as np

from ...exceptions import NbbloxError
from ...viz.timeseries import downsample, timeseries_element
from ..text import markdown

__all__ = ["LiveRun"]


class LiveRun:
    """Streams chunks of ``chunk`` ms every ``period`` ms of wall time.

    Parameters
    ----------
    ex : Explorer
    chunk : float
        Simulated milliseconds per step.
    duration : float or None
        Total simulated time (progress in %), or None for open-ended runs.
    window : float
        Milliseconds of history kept on screen (the Buffer length).
    """

    def __init__(self, ex, chunk=20.0, period=100, duration=None, window=1000.0,
                 points_per_chunk=200):
        import holoviews as hv
        import pandas as pd
        import panel as pn
        self.ex, self.chunk, self.period = ex, float(chunk), int(period)
        self.duration = duration
        self.points = int(points_per_chunk)
        self.cols = {v: v.replace(".", "_") for v in ex.vars}
        length = max(int(window / self.chunk * self.points), self.points)
        self.buffer = hv.streams.Buffer(
            pd.DataFrame({"time": np.zeros(0), **{c: np.zeros(0) for c in self.cols.values()}}),
            length=length, index=False)
        self.dmap = hv.DynamicMap(self._render, streams=[self.buffer])
        self.t, self.x, self.callback, self.state = 0.0, None, None, "stopped"
        from ..compat import widget_kw as _kw
        self.start_btn = pn.widgets.Button(**_kw("▶ start", "success", width=90))
        self.pause_btn = pn.widgets.Button(**_kw("❚❚ pause", width=90))
        self.stop_btn = pn.widgets.Button(**_kw("■ stop", "danger", width=90))
        self.start_btn.on_click(lambda e: self.start())
        self.pause_btn.on_click(lambda e: self.pause())
        self.stop_btn.on_click(lambda e: self.stop())
        self.progress = pn.indicators.Progress(value=0 if duration else -1, max=100,
                                               active=False, width=300)
        self.label = pn.pane.Markdown("live run: stopped", css_classes=["nbblox-live-status"])

    def _render(self, data):
        import pandas as pd
        if not isinstance(data, pd.DataFrame) or data.empty:
            return timeseries_element(np.zeros(1), {v: np.zeros(1) for v in self.cols},
                                      title="live run", frame=True)
        return timeseries_element(data["time"].to_numpy(),
                                  {v: data[c].to_numpy() for v, c in self.cols.items()},
                                  title="live run", frame=True)

    def step(self):
        """Advance one chunk and append it to the Buffer; False when done or failed."""
        import pandas as pd
        if self.duration is not None and self.t >= self.duration - 1e-12:
            self.pause()
            return False
        t_end = self.t + self.chunk
        if self.duration is not None:
            t_end = min(t_end, float(self.duration))
        ex = self.ex
        try:
            from ...sim import simulate
            sol = simulate(ex.system, t_end, dt=ex.dt, method=ex.method, t0=self.t,
                           params=ex.params, x0=self.x, record=ex.vars, seed=ex.seed)
        except NbbloxError as exc:
            self.pause()
            self.label.object = markdown(f"live run stopped: {exc}")
            return False
        self.x = sol.final_state.copy()
        # drop the first sample: it repeats the previous chunk's last one
        t, Y = downsample(sol.t[1:], sol.values[:, 1:], self.points)
        self.buffer.send(pd.DataFrame({"time": t, **{c: Y[i] for i, c in
                                                       enumerate(self.cols.values())}}))
        self.t = float(sol.t[-1])
        if self.duration:
            self.progress.value = int(round(100 * self.t / self.duration))
        self.label.object = f"live run: {self.state}, t = {self.t:.1f} ms"
        return True

    def start(self):
        """Start (or resume) streaming with a periodic callback."""
        import panel as pn
        if self.state == "running":
            return
        if self.state == "stopped":
            self.t, self.x = 0.0, None
            self.buffer.clear()
            self.progress.value = 0 if self.duration else -1
        self.state = "running"
        self.progress.active = True
        self.callback = pn.state.add_periodic_callback(self.step, period=self.period)

    def pause(self):
        """Stop streaming but keep the state: start() resumes."""
        if self.callback is not None:
            self.callback.stop()
            self.callback = None
        if self.state == "running":
            self.state = "paused"
        self.progress.active = False
        self.label.object = f"live run: {self.state}, t = {self.t:.1f} ms"

    def stop(self):
        """Stop streaming; the next start() begins again at t = 0."""
        self.pause()
        self.state = "stopped"
        self.label.object = f"live run: stopped at t = {self.t:.1f} ms"

    def panel(self):
        import panel as pn
        return pn.Column(pn.Row(self.start_btn, self.pause_btn, self.stop_btn, self.progress),
                         self.label, pn.pane.HoloViews(self.dmap, linked_axes=False))
