"""The optional interactivity of an exported page: a Bokeh slider over runs
precomputed for a few values of one parameter, switched by BokehJS alone (no
kernel), bounded in runs and bytes so a page stays small."""
from __future__ import annotations

import json

import numpy as np

from ..exceptions import ParameterError

__all__ = ["precomputed_slider"]


def precomputed_slider(ex, grid, max_runs, max_bytes):
    """A Bokeh slider over precomputed runs of one parameter (BokehJS swaps the
    data; no kernel): bounded by ``max_runs`` and ``max_bytes`` of page data."""
    from bokeh.layouts import column
    from bokeh.models import (ColumnDataSource, CustomJS, CustomJSTickFormatter, Legend,
                              Slider)
    from bokeh.palettes import Category10
    from bokeh.plotting import figure
    from ..viz.timeseries import downsample
    if not isinstance(grid, dict) or len(grid) != 1:
        raise ParameterError("grid= takes one parameter and its values, e.g. "
                             "{'fhn.I': np.linspace(0, 1, 11)}")
    (name, values), = grid.items()
    ex.system.params.index(name)                      # ParameterError with a suggestion
    values = np.asarray(values, dtype=float).ravel()
    if not 1 <= values.size <= max_runs:
        raise ParameterError(f"grid= has {values.size} values of '{name}'; a page holds "
                             f"1 to {max_runs} precomputed runs (max_runs=)")
    runs, size = [], 0
    for v in values:
        sol = ex.simulate(params={name: float(v)})
        t, Y = downsample(sol.t, np.vstack([sol[x] for x in ex.vars]), 1200)
        run = {"t": np.round(t, 6).tolist(),
               **{f"y{k}": np.round(y, 6).tolist() for k, y in enumerate(Y)}}
        size += len(json.dumps(run))
        if size > max_bytes:
            raise ParameterError(f"the precomputed runs need more than {max_bytes / 1e6:g} MB "
                                 f"(max_bytes=); use fewer values of '{name}'")
        runs.append(run)
    k0 = int(np.argmin(np.abs(values - ex.params[name])))
    src = ColumnDataSource(runs[k0])
    fig = figure(height=340, sizing_mode="stretch_width", x_axis_label="time (ms)",
                 toolbar_location="above", tools="pan,wheel_zoom,box_zoom,reset,save")
    colors = Category10[10]
    items = [(v, [fig.line("t", f"y{k}", source=src, line_width=1.8, color=colors[k % 10])])
             for k, v in enumerate(ex.vars)]
    fig.add_layout(Legend(items=items, location="top_right"), "right")
    fig.yaxis.axis_label = ex.vars[0] if len(ex.vars) == 1 else "value"
    unit = ex.system.parameter_info(name).unit
    label = CustomJSTickFormatter(args=dict(values=values.tolist(), unit=unit), code="""
        return (Number(values[Math.round(tick)].toPrecision(6)) + " " + unit).trim();""")
    slider = Slider(start=0, end=max(values.size - 1, 1), step=1, value=k0, title=name,
                    format=label, sizing_mode="stretch_width", disabled=values.size == 1)
    slider.js_on_change("value", CustomJS(args=dict(src=src, slider=slider, runs=runs), code="""
        src.data = runs[slider.value];"""))
    return column(slider, fig, sizing_mode="stretch_width")
