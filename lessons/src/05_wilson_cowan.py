# %% [markdown]
# # Lesson 5 — Population models: Wilson–Cowan oscillations and bistability
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. explain what the two variables of the Wilson–Cowan model (1972) describe;
# 2. find the input range in which excitatory and inhibitory populations oscillate;
# 3. read a bifurcation diagram with folds (bistability) and Hopf points (rhythm onset);
# 4. use a parameter sweep to map where the model oscillates.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
nb.setup_notebook()

# %% [markdown]
# ## 1. Two populations
# $E$ and $I$ are the fractions of excitatory and inhibitory cells firing. Each relaxes
# with its time constant towards a sigmoid of its input; $P$ is the external drive to
# the excitatory population.

# %%
wc = nb.blox.WilsonCowan(name="wc")
wc

# %%
sol = nb.simulate(wc, 500.0, dt=0.05)
sol.plot()

# %% [markdown]
# With the default drive $P = 1.25$ (the paper's Fig. 6 parameters) the populations
# oscillate: excitation recruits inhibition, which shuts excitation down, and so on.
#
# ## 2. Phase plane
# A run started near the origin (the green trajectory) winds onto the limit cycle, around
# an unstable fixed point where the nullclines cross.

# %%
pp = nb.phase_plane(wc, x="wc.E", y="wc.I", trajectories=[{"wc.E": 0.1, "wc.I": 0.05}],
                    t_end=200.0)
pp.plot()

# %% tags=["nbval-check-output"]
for fp in nb.fixed_points(wc, bounds={"wc.E": (0, 0.5), "wc.I": (0, 0.5)}):
    print(f"E = {fp.state['wc.E']:.3f}, I = {fp.state['wc.I']:.3f}: {fp.stability}")

# %% [markdown]
# ## 3. When does the rhythm start and stop?
# Follow the fixed point as the drive $P$ changes. Hopf points (H) mark where the rhythm
# is born and dies; folds (LP), if any, mark where fixed points appear in pairs.

# %%
br = nb.continuation(wc, "wc.P", (-1.0, 4.0))
br.plot()

# %% tags=["nbval-check-output"]
names = {"LP": "fold", "H": "Hopf point"}
for sp in br.special_points:
    print(f"{names.get(sp.kind, sp.kind)} ({sp.kind}) at P = {sp.param_value:.2f}")

# %% [markdown]
# **Check it by brute force.** A sweep runs the model at 60 drives at once and measures
# the amplitude of $E$ after a transient:

# %%
res = nb.sweep(wc, {"wc.P": np.linspace(-1.0, 4.0, 60)}, t_end=600.0, dt=0.05,
               record=["wc.E"], measure="amplitude", transient=300.0)
drives = res["wc.P"].values     # res is an xarray.Dataset: one row per drive
print(f"{drives.size} drives P from {drives[0]:g} to {drives[-1]:g}; measured for each: "
      f"{', '.join(res.data_vars)}")

# %%
amp = res["amplitude"].sel(variable="wc.E")
hv.Curve((amp["wc.P"].values, amp.values), hv.Dimension("P", label="P · external drive to E"),
         hv.Dimension("amplitude", label="amplitude of E (max − min)")).opts(
    width=560, title="Wilson–Cowan: oscillation amplitude against the drive P")

# %% tags=["nbval-check-output"]
osc = amp["wc.P"].values[amp.values > 0.05]
print(f"E oscillates (amplitude > 0.05) for P from {osc.min():.2f} to {osc.max():.2f}")

# %% [markdown]
# **Question.** Do the Hopf points of the continuation sit where the amplitude in the
# sweep becomes non-zero? Why might they differ slightly?
#
# ## 4. Bistability
# Stronger self-excitation $c_1$ can make two fixed points coexist: the population can
# be "off" or "on" for the same input, and a brief pulse switches it. Try it: drag
# `wc.c1` up to 24 and `wc.P` down to 0.5, and watch the fixed points in the phase plane.

# %%
ex = nb.explore(wc, vars=["wc.E", "wc.I"], t_end=400.0, views=("timeseries", "phase_plane"))
ex

# %%
_ = ex.set({"wc.c1": 24.0, "wc.P": 0.5})

# %% [markdown]
# **Exercise.** How many fixed points does the model have at $c_1 = 24$, $P = 0.5$ in
# $0 \le E, I \le 0.5$?

# %%
my_count = None   # replace None by your answer (a whole number)
### BEGIN SOLUTION
found = nb.fixed_points(wc, params={"wc.c1": 24.0, "wc.P": 0.5},
                        bounds={"wc.E": (0, 0.5), "wc.I": (0, 0.5)})
my_count = len(found)
### END SOLUTION
nb.lessons.check("wc_bistable_count", my_count)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_count here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("wc_bistable_count", my_count)
### END HIDDEN TESTS

# %% [markdown]
# The fixed points and their stability: a stable "off" state at low $E$ and a stable
# "on" state at high $E$, with two saddles and an unstable focus between them.

# %% tags=["nbval-check-output"]
hi = nb.fixed_points(wc, params={"wc.c1": 24.0, "wc.P": 0.5},
                     bounds={"wc.E": (0, 0.5), "wc.I": (0, 0.5)})
for f in hi:
    print(f"E = {f.state['wc.E']:.2f}, I = {f.state['wc.I']:.2f}: {f.stability}")

# %% [markdown]
# ## What you learned
# - Wilson–Cowan describes population activity with two coupled sigmoidal rate equations.
# - E-I loops oscillate between two Hopf points in the drive.
# - Strong self-excitation makes the population bistable; folds bound the bistable range.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/05_wilson_cowan.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/05_wilson_cowan.ipynb` in the address bar by `/panel-preview/render/lessons/05_wilson_cowan.ipynb`.
