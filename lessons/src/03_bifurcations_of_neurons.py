# %% [markdown]
# # Lesson 3 — Bifurcations of neurons: Hopf versus SNIC, and bistability
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. tell class I from class II excitability by the f–I curve;
# 2. name the bifurcation behind each: saddle-node on invariant circle (SNIC) and Hopf;
# 3. read a bifurcation diagram: stable (solid) and unstable (dashed) branches, folds (LP),
#    Hopf points (H) and whether a Hopf is sub- or supercritical;
# 4. find bistability (rest and spiking at the same current) and switch between them.
#
# We use the Morris–Lecar model (Morris & Lecar 1981) with the two parameter sets of
# Rinzel & Ermentrout (1989), available as presets.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
from nbblox.lessons import firing_rate
nb.setup_notebook()

# %%
ml_snic = nb.blox.MorrisLecar(name="ml", preset="snic")
ml_hopf = nb.blox.MorrisLecar(name="ml", preset="hopf")
ml_hopf

# %% [markdown]
# ## 1. Two f–I curves
# Step the current and measure the firing rate for both parameter sets.

# %%
def f_I(blox, currents):
    s = nb.compile(blox)
    return [firing_rate(nb.simulate(s, 2000.0, dt=0.05, params={"ml.I": I}, record=["ml.V"]),
                        "ml.V", t_min=500.0) for I in currents]

I_snic = np.linspace(30, 60, 16)
I_hopf = np.linspace(80, 110, 16)
r_snic, r_hopf = f_I(ml_snic, I_snic), f_I(ml_hopf, I_hopf)
(hv.Curve((I_snic, r_snic), "I (µA/cm²)", "rate (Hz)").opts(title="class I: SNIC set")
 + hv.Curve((I_hopf, r_hopf), "I (µA/cm²)", "rate (Hz)").opts(title="class II: Hopf set")
 ).opts(hv.opts.Curve(width=420, height=320, line_width=2.5), hv.opts.Layout(shared_axes=False))

# %% tags=["nbval-check-output"]
# the lowest non-zero rate of each set: class I starts slowly, class II jumps in
print("SNIC set starts slowly (below 3 Hz):", min(r for r in r_snic if r > 0) < 3)
print("Hopf set jumps in (above 8 Hz):", min(r for r in r_hopf if r > 0) > 8)

# %% [markdown]
# **Class I** (left): the rate starts from zero — arbitrarily slow firing near onset.
# **Class II** (right): the rate jumps to a finite value.
#
# ## 2. Why: the bifurcation diagrams

# %%
# at I = 0 there are three equilibria: start the branch on the resting state
br_snic = nb.continuation(ml_snic, "ml.I", (0.0, 80.0), x0={"ml.V": -60.0, "ml.w": 0.0})
br_snic.plot()

# %% tags=["nbval-check-output"]
names = {"LP": "fold", "H": "Hopf", "LPC": "fold of limit cycles"}
for sp in br_snic.special_points:
    print(f"{names[sp.kind]} ({sp.kind}) at I = {sp.param_value:.1f} µA/cm²")

# %% [markdown]
# A fold (LP) near 40 µA/cm²: the rest state collides with a saddle and disappears. The spike
# trajectory runs along the former saddle-node's invariant circle, so its period is
# infinite at onset: that is the SNIC and the zero-frequency onset.

# %% [markdown]
# **Exercise.** Now the Hopf set (`ml_hopf`): at which current does its rest state lose
# stability? Continue the rest state in `ml.I` as above (start the branch from a current
# where the neuron rests, e.g. `params={"ml.I": 60.0}`), or find it by simulation.

# %%
my_hopf_I = None   # replace None by your answer in uA/cm^2
### BEGIN SOLUTION
hopf_branch = nb.continuation(ml_hopf, "ml.I", (60.0, 120.0), params={"ml.I": 60.0})
my_hopf_I = [sp.param_value for sp in hopf_branch.special_points if sp.kind == "H"][0]
### END SOLUTION
nb.lessons.check("ml_hopf_I", my_hopf_I)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_hopf_I here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("ml_hopf_I", my_hopf_I)
### END HIDDEN TESTS

# %% [markdown]
# The continuation of the Hopf set, to compare with your answer:

# %%
br_hopf = nb.continuation(ml_hopf, "ml.I", (60.0, 120.0), params={"ml.I": 60.0})
br_hopf.plot()

# %% tags=["nbval-check-output"]
for sp in br_hopf.special_points:
    kind = f"{names[sp.kind]} ({sp.kind})"
    if sp.kind == "H":
        kind += ", subcritical," if sp.lyapunov > 0 else ", supercritical,"
    print(f"{kind} at I = {sp.param_value:.1f} µA/cm²")

# %% [markdown]
# A subcritical Hopf: the rest state loses stability by meeting an *unstable* limit
# cycle. Between the fold of cycles (LPC) and the Hopf point, a stable large cycle (spiking) coexists with the stable
# rest state: **bistability**. Follow the cycles from the Hopf point:

# %%
hopf = [sp for sp in br_hopf.special_points if sp.kind == "H"][0]
cycles = nb.continuation(ml_hopf, "ml.I", (60.0, 120.0), start=hopf)
br_hopf.plot() * cycles.plot()

# %% [markdown]
# ## 3. Switching with a pulse
# At $I = 90$ both rest and spiking are stable. Start at rest, then from a kicked state:

# %%
s = nb.compile(ml_hopf)
rest_fp = nb.fixed_points(s, params={"ml.I": 90.0}, bounds={"ml.V": (-80, 60), "ml.w": (0, 1)})
x_rest = {k: v for k, v in rest_fp[0].state.items()}
quiet = nb.simulate(s, 1000.0, dt=0.05, params={"ml.I": 90.0}, x0=x_rest)
kicked = nb.simulate(s, 1000.0, dt=0.05, params={"ml.I": 90.0},
                     x0=dict(x_rest, **{"ml.V": x_rest["ml.V"] + 40}))
# one above the other on the same time axis: side by side they would not fit the page
(quiet.plot(vars=["ml.V"]).relabel("from rest")
 + kicked.plot(vars=["ml.V"]).relabel("after a kick")).cols(1)

# %% tags=["nbval-check-output"]
late = quiet.t > 500
print("swing of V in the last 500 ms: from rest", round(float(np.ptp(quiet["ml.V"][late]))),
      "mV, after the kick", 10 * round(float(np.ptp(kicked["ml.V"][late])) / 10), "mV")

# %% [markdown]
# ## 4. Explore the Hopf set yourself
# Drag `ml.I` across 80–100 µA/cm²: the phase plane redraws its nullclines and fixed
# point, the bifurcation view marks where you are on the branch. Click in the phase
# plane to start a trajectory there: near the rest state it spirals in, from far away it
# joins the spiking cycle.

# %%
ex = nb.explore(ml_hopf, vars=["ml.V", "ml.w"], t_end=500.0, dt=0.05,
                views=("timeseries", "phase_plane", "bifurcation"),
                bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
ex

# %% [markdown]
# ## 5. Hodgkin–Huxley is bistable too
# HH also loses rest through a subcritical Hopf, and its spiking branch starts earlier,
# at a fold of limit cycles (LPC). Continue the rest state in $I$, then the cycles born at
# the first Hopf point:

# %%
hh = nb.blox.HodgkinHuxley(name="hh")
hh_rest = nb.continuation(hh, "hh.I", (0.0, 20.0))
hh_hopf = [sp for sp in hh_rest.special_points if sp.kind == "H"][0]
hh_cycles = nb.continuation(hh, "hh.I", (0.0, 20.0), start=hh_hopf)
hh_rest.plot() * hh_cycles.plot()

# %% tags=["nbval-check-output"]
lpc = [sp.param_value for sp in hh_cycles.special_points if sp.kind == "LPC"]
print(f"Hopf (H), {'subcritical' if hh_hopf.lyapunov > 0 else 'supercritical'}, "
      f"at I = {hh_hopf.param_value:.1f} µA/cm²")
print(f"spiking exists from the lowest fold of limit cycles (LPC), at I = {min(lpc):.1f} µA/cm²")

# %%
print("every fold of limit cycles on the branch, at I =",
      ", ".join(f"{v:.2f}" for v in sorted(lpc)), "µA/cm²")

# %% [markdown]
# The unstable cycles born at the Hopf point fold back and forth before they turn into
# the stable spiking cycle at the lowest fold (about 6.3, Rinzel & Miller 1980). Between
# that fold and the Hopf point (about 9.8), rest and repetitive spiking coexist: a brief
# pulse switches the HH neuron on, as for Morris–Lecar above.
#
# ## What you learned
# - Class I onset (rate from zero) comes from a SNIC; class II (a jump) from a Hopf.
# - A subcritical Hopf brings bistability: rest and spiking coexist, and a pulse switches.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/03_bifurcations_of_neurons.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/03_bifurcations_of_neurons.ipynb` in the address bar by `/panel-preview/render/lessons/03_bifurcations_of_neurons.ipynb`.
