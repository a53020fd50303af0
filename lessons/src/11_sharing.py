# %% [markdown]
# # Lesson 11 — Sharing: from a notebook to a dashboard
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. turn any circuit into a web dashboard with `nb.dashboard`;
# 2. serve it to collaborators with `nbblox serve` (one command, bound to your machine);
# 3. open it on Binder through JupyterLab's Panel preview, with no second port.

# %%
import nbblox as nb
nb.setup_notebook()

# %% [markdown]
# ## 1. A dashboard in one line
# Sliders grouped by blox (with ranges, steps, units and help from the parameter
# metadata), live plots, the circuit diagram, the equations, and download buttons for the
# run (CSV, NetCDF) and the circuit (JSON).

# %%
a = nb.blox.WilsonCowan(name="a")
b = nb.blox.WilsonCowan(name="b", P=0.5)
c = nb.Circuit([a, b], name="pair")
c.connect(a, b, weight=1.5)
app = nb.dashboard(c, title="Two Wilson-Cowan populations")
app

# %% [markdown]
# The dashboard can also be driven from code: `app.set(...)` moves a slider and runs once,
# which is how you check what a collaborator will see.

# %% tags=["nbval-check-output"]
run = app.set({"b.P": 1.5})
print(len(app.values), "sliders | b.P =", app.values["b.P"], "| run",
      "succeeded" if app.error is None else f"failed: {app.error}",
      "| states recorded:", sorted(run.names)[:2])

# %% [markdown]
# Each browser that opens a served dashboard gets its own parameters and results: your
# collaborator's slider never moves yours.
#
# ## 2. Serve it
# Mark the dashboard servable (this does nothing inside JupyterLab):

# %%
app.servable()

# %% [markdown]
# then, in a terminal:
#
# ```bash
# nbblox serve lessons/11_sharing.ipynb            # http://127.0.0.1:5006/11_sharing
# nbblox serve lessons/                            # every lesson, with an index page
# nbblox serve my_circuit.json --port 5010         # a saved circuit, straight to a dashboard
# ```
#
# The server listens on 127.0.0.1 only: to share on a network, pass `--address` and
# `--allow-websocket-origin` on purpose.
#
# ## 3. On Binder
# Binder has no second port. Open the same notebook through JupyterLab's Panel preview:
# replace `/lab/tree/lessons/11_sharing.ipynb` in the address bar by
# `/panel-preview/render/lessons/11_sharing.ipynb`.
#
# **Exercise.** Save the circuit `c` to a file `pair.json` (see lesson 7), then serve it
# with `nbblox serve pair.json` in a terminal. Give the checker the path of your file: it
# reads it with `nb.Circuit.load(path)`, the same safe loader a server uses.

# %%
my_file = None   # replace None by the path of the file you saved, e.g. "pair.json"
### BEGIN SOLUTION
c.to_json("pair.json")
my_file = "pair.json"
### END SOLUTION
nb.lessons.check("pair_file", my_file)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_file here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("pair_file", my_file)
### END HIDDEN TESTS

# %% [markdown]
# A circuit file holds only text (equations, parameters, connections): loading it
# re-parses the equations through nbblox's whitelist and runs no code from the file.

# %% tags=["nbval-check-output"]
print("loaded circuit equals the original:", nb.Circuit.from_json(c.to_json()) == c)

# %% [markdown]
# ## What you learned
# - `nb.dashboard(circuit)` is a complete app; `.servable()` + `nbblox serve` publishes it.
# - Served apps are private per browser session and bound to localhost by default.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/11_sharing.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/11_sharing.ipynb` in the address bar by `/panel-preview/render/lessons/11_sharing.ipynb`.
