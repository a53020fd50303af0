# %% [markdown]
# # Lesson 1 — A first neuron: FitzHugh–Nagumo, phase plane and excitability
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. write a neuron model as equations and simulate it with nbblox;
# 2. read a phase plane: nullclines, the fixed point and its stability;
# 3. explain *excitability*: why a small kick decays but a large one produces a spike;
# 4. find the current at which the neuron starts to oscillate.
#
# The FitzHugh–Nagumo model (FitzHugh 1961, Nagumo et al. 1962) keeps only two
# variables of the Hodgkin–Huxley neuron: a fast voltage-like variable $V$ and a slow
# recovery variable $w$.

# %%
import numpy as np
import nbblox as nb
nb.setup_notebook()

# %% [markdown]
# ## 1. The model is equation text
# A catalog blox is just equations plus parameter metadata. Display it to see the equations:

# %%
fhn = nb.blox.FitzHughNagumo(name="fhn")
fhn

# %% [markdown]
# Every parameter carries a default, a slider range, a unit and a one-line explanation:

# %%
for name, p in nb.blox.FitzHughNagumo.params.items():
    print(f"{name:4s} default {p.default:6g}  range {p.slider_bounds}  {p.doc}")

# %% [markdown]
# ## 2. Simulate
# `nb.simulate` compiles the model once (the first call takes a second) and then runs
# in milliseconds. Start away from rest and watch the neuron settle:

# %%
sol = nb.simulate(fhn, 200.0, dt=0.01, x0={"fhn.V": 1.5})
sol.plot()

# %% [markdown]
# **Exercise 1.** What is the resting value of $V$ (with $I = 0$)? At rest nothing
# changes: $\dot V = 0$ and $\dot w = 0$. Find it by simulating long enough to settle
# (how long is long enough?) or by solving the two equations.

# %%
my_rest_V = None   # replace None by your answer (a number)
### BEGIN SOLUTION
settled = nb.simulate(fhn, 2000.0, dt=0.01)
my_rest_V = settled["fhn.V"][-1]
### END SOLUTION
nb.lessons.check("fhn_rest_V", my_rest_V)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_rest_V here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("fhn_rest_V", my_rest_V)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The phase plane
# Plot $w$ against $V$. The *nullclines* are the curves where $\dot V = 0$ (a cubic) and
# $\dot w = 0$ (a straight line); they cross at the fixed point.

# %%
pp = nb.phase_plane(fhn, x="fhn.V", y="fhn.w")
pp.plot()

# %% tags=["nbval-check-output"]
fps = nb.fixed_points(fhn, bounds={"fhn.V": (-3, 3), "fhn.w": (-3, 3)})
for fp in fps:
    print(f"V = {fp.state['fhn.V']:.3f}, w = {fp.state['fhn.w']:.3f}: {fp.stability}")

# %% [markdown]
# ## 4. Excitability: all or nothing
# Kick the neuron from rest by different amounts and record the largest $V$ reached.
# Small kicks decay; past a threshold the neuron makes a full excursion (a spike).

# %%
rest = {"fhn.V": fps[0].state["fhn.V"], "fhn.w": fps[0].state["fhn.w"]}
kicks = np.linspace(0.1, 1.5, 15)
peaks = []
for k in kicks:
    s = nb.simulate(fhn, 100.0, dt=0.01, x0={"fhn.V": rest["fhn.V"] + k, "fhn.w": rest["fhn.w"]})
    peaks.append(s["fhn.V"].max())
import holoviews as hv
hv.Curve((kicks, peaks), "kick in V", "largest V reached").opts(width=500)

# %% tags=["nbval-check-output"]
spiking = [round(float(k), 1) for k, pk in zip(kicks, peaks) if pk > 1.0]
print("smallest kick that gives a spike:", spiking[0], "| largest V after it:",
      round(float(max(peaks)), 1))

# %% [markdown]
# The jump in the curve is the threshold. In the phase plane, it is where a trajectory
# starting to the right of the middle branch of the cubic nullcline is thrown round the
# long way. **Question:** is the threshold a sharp number here, or a steep but smooth
# transition? (Try finer kicks between 0.5 and 0.8.)

# %% [markdown]
# ## 5. From rest to rhythm: increase the current
# Move the slider for `fhn.I`. At some current the fixed point loses stability and the
# neuron starts to oscillate. The views update as you drag (no recompilation).

# %%
ex = nb.explore(fhn, vars=["fhn.V", "fhn.w"], t_end=300.0)
ex

# %%
_ = ex.set({"fhn.I": 0.5})   # the same as dragging the slider

# %% [markdown]
# **Exercise 2.** At which current does the oscillation start? Narrow it down with the
# slider, then pin it to two decimals by simulation: the amplitude of $V$ after a long
# transient is zero below the onset and grows above it. (Or, if you have read ahead,
# use `nb.continuation`.)

# %%
my_onset_I = None   # replace None by your answer (a number)
### BEGIN SOLUTION
system = nb.compile(fhn)
def amplitude(I):
    s = nb.simulate(system, 3000.0, dt=0.05, params={"fhn.I": I})
    late = s["fhn.V"][s.t > 2000.0]
    return late.max() - late.min()
lo, hi = 0.0, 1.0            # rest at lo, oscillation at hi
while hi - lo > 0.002:
    mid = 0.5 * (lo + hi)
    lo, hi = (lo, mid) if amplitude(mid) > 0.5 else (mid, hi)
my_onset_I = hi
### END SOLUTION
nb.lessons.check("fhn_hopf_I", my_onset_I)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_onset_I here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("fhn_hopf_I", my_onset_I)
### END HIDDEN TESTS

# %% [markdown]
# Continuation follows the fixed point as $I$ changes and finds exactly where it loses
# stability (a Hopf bifurcation, "H"). Compare with your answer:

# %%
br = nb.continuation(fhn, "fhn.I", (0.0, 2.0))
br.plot()

# %% tags=["nbval-check-output"]
for sp in br.special_points:
    print(f"{'Hopf point' if sp.kind == 'H' else sp.kind} ({sp.kind}) at I = {sp.param_value:.3f}")

# %% [markdown]
# ## What you learned
# - A blox is equation text; `nb.simulate` runs it fast and `sol.plot()` shows it.
# - The phase plane explains the dynamics: nullclines, fixed point, stability.
# - Excitability: a threshold separates decaying kicks from spikes.
# - As the current grows, the fixed point loses stability at a Hopf bifurcation and a
#   limit cycle (rhythmic firing) appears.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/01_first_neuron_fhn.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/01_first_neuron_fhn.ipynb` in the address bar by `/panel-preview/render/lessons/01_first_neuron_fhn.ipynb`.
