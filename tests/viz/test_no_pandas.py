"""The explorer's views never import pandas (issue 17, cold start: the import
was ~0.5 s of a fresh kernel's first ``nb.explore``).  HoloViews asks pandas
whether the data is a DataFrame unless an element names its ``datatype``
(``viz.style.PLAIN``); run in a fresh interpreter, where nothing else has
imported pandas yet.
"""
import subprocess
import sys

CODE = """
import sys
import nbblox as nb
import holoviews as hv
import holoviews.plotting.bokeh
ex = nb.explore(nb.blox.MorrisLecar(name="ml", preset="hopf"), vars=["ml.V", "ml.w"],
                t_end=100.0, dt=0.05, views=("timeseries", "phase_plane", "bifurcation"),
                bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
assert ex.bifurcation.wait(300) and ex.bifurcation.cycles is not None
ex.layout.get_root()                        # every view rendered, with the cycles
pp = nb.phase_plane(ex.system, x="ml.V", y="ml.w")
hv.renderer("bokeh").get_plot(pp.plot() + ex.bifurcation.cycles.plot())
print("pandas imported:", "pandas" in sys.modules)
"""


def test_explorer_views_and_figures_do_not_import_pandas():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "pandas imported: False"
