"""A dashboard whose model can raise: dx/dt = k*x**2 from x(0) = 1 blows up at
t = 1/k, so any k > 1/t_end makes the run diverge (nbblox SimulationError).
Served by tests/browser/test_dashboard_serve.py with ``nbblox serve``."""
import nbblox as nb

growth = nb.Blox.from_equations("dx/dt = k*x**2", params={"k": (0.0, (0.0, 1.0), "1/ms",
                                                                 "growth rate")},
                                name="growth", init={"x": 1.0})
nb.dashboard(growth, title="blow-up demo", t_end=20.0, dt=0.01).servable()
