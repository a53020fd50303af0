"""The two coupled FitzHugh-Nagumo neurons of dashboard_demo.ipynb, time series
only: the load test (tests/browser/test_dashboard_load.py) serves this with
``nbblox serve`` to ten sessions at once.  (The notebook adds the phase plane,
whose nullclines and fixed points are recomputed on every move.)"""
import nbblox as nb

fhn1 = nb.blox.FitzHughNagumo(name="fhn1", I=0.0)
fhn2 = nb.blox.FitzHughNagumo(name="fhn2")
circuit = nb.Circuit([fhn1, fhn2], name="fhn_pair")
circuit.connect(fhn1, fhn2, weight=0.5)
nb.dashboard(circuit, views=("timeseries",), vars=["fhn1.V", "fhn2.V"],
             title="Two coupled FitzHugh-Nagumo neurons", t_end=200.0, dt=0.05).servable()
