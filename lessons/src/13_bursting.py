# %% [markdown]
# # Lesson 13 — Bursting: slow–fast dissection of the Hindmarsh–Rose neuron
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. recognise bursting: groups of spikes separated by silence, switched by a slow variable;
# 2. split a model into a fast subsystem and a slow variable, and freeze the slow variable
#    as a parameter (*slow–fast dissection*, Rinzel 1985);
# 3. read the fast subsystem's bifurcation diagram with the trajectory laid over it: rest
#    ends at a fold, spiking ends at a homoclinic orbit;
# 4. predict how the speed of the slow variable sets the number of spikes per burst.
#
# The Hindmarsh–Rose model (Hindmarsh & Rose 1984) adds a slow adaptation current $z$ to a
# two-variable spiking model:
#
# $$\dot x = y - a x^3 + b x^2 - z + I, \qquad \dot y = c - d x^2 - y, \qquad
#   \dot z = r\,\bigl(s\,(x - x_R) - z\bigr).$$
#
# With $r = 0.001$, $z$ is about a thousand times slower than $x$ and $y$.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
from nbblox.lessons import spike_times
from nbblox.examples.bursting import fast_subsystem, bursts
nb.setup_notebook()

# %% [markdown]
# ## 1. Bursts
# The catalog blox with its default parameters ($I = 2$, $r = 0.001$, $s = 4$, $x_R = -1.6$):

# %%
hr = nb.blox.HindmarshRose(name="hr")
hr

# %%
sol = nb.simulate(hr, 3000.0, dt=0.01)
(hv.Curve((sol.t, sol["hr.x"]), "time (ms)", "x (fast)").opts(width=700, height=200)
 + hv.Curve((sol.t, sol["hr.z"]), "time (ms)", "z (slow)").opts(width=700, height=160,
                                                              color="#D55E00")).cols(1)

# %% [markdown]
# During a burst $x$ spikes and $z$ creeps up; during the silence $z$ creeps down. The slow
# variable is the switch: it turns the spiking off when it is high and on when it is low.
#
# **Exercise 1.** How many spikes does each burst have? Count them in the plot, or find
# the spikes (`spike_times(sol.t, sol["hr.x"], 1.0)`: upward crossings of $x = 1$) and
# split them where the silence is long (`bursts(times, gap=50.0)`). The first burst is a
# transient: ignore it.

# %%
my_spikes_per_burst = None   # replace None by your answer (a whole number)
### BEGIN SOLUTION
groups = bursts(spike_times(sol.t, sol["hr.x"], 1.0), gap=50.0)
my_spikes_per_burst = len(groups[1])          # the second burst: the first is a transient
### END SOLUTION
nb.lessons.check("hr_spikes_per_burst", my_spikes_per_burst)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_spikes_per_burst here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("hr_spikes_per_burst", my_spikes_per_burst)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Freeze the slow variable
# Because $z$ hardly moves during one spike, treat it as a **parameter** of the fast
# subsystem $(x, y)$:
#
# $$\dot x = y - a x^3 + b x^2 - z + I, \qquad \dot y = c - d x^2 - y \qquad (z \text{ fixed}).$$
#
# Its equilibria lie where $y = c - d x^2$ and $z = I + c + (b - d)\,x^2 - a x^3$: an S-shaped
# curve in the $(z, x)$ plane. Rest is its lower branch.

# %%
fast = fast_subsystem(hr)
fast

# %% [markdown]
# **Exercise 2.** Lower $z$ slowly: at which $z$ does the resting state (the lower branch)
# disappear? This is where each burst starts. Continue the equilibria of `fast` in
# `"fast.z"` over $(0, 4)$ with `nb.continuation` and find the fold (LP) that ends the lower
# branch — or find the minimum of $z(x)$ above by hand.

# %%
my_start_z = None   # replace None by your answer (a number)
### BEGIN SOLUTION
eq = nb.continuation(fast, "fast.z", (0.0, 4.0))
my_start_z = min(sp.param_value for sp in eq.special_points if sp.kind == "LP")
### END SOLUTION
nb.lessons.check("hr_burst_start_z", my_start_z)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_start_z here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("hr_burst_start_z", my_start_z)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The dissection: the burst on the fast subsystem's bifurcation diagram
# Three ingredients in the $(z, x)$ plane:
# * the **equilibria** of the fast subsystem (continuation; solid = stable, dashed =
#   unstable), with its folds (LP) and Hopf point (H);
# * the **spiking** of the fast subsystem: for each frozen $z$, the largest and smallest
#   $x$ of the oscillation it settles on (a brute-force diagram started near the spiking
#   orbit);
# * the **trajectory** of the full model, $(z(t), x(t))$ after the first burst.

# %%
eq = nb.continuation(fast, "fast.z", (0.0, 4.0))
zs = np.linspace(1.5, 3.2, 35)
spiking = nb.brute_force_diagram(fast, "fast.z", zs, "fast.x", t_end=300.0, dt=0.02,
                                 x0={"fast.x": 1.0, "fast.y": -4.0})
osc = spiking.kind != "eq"
late = sol.t > 600.0
notes = hv.Labels({"fast.z": [1.52, 2.12], "fast.x": [-1.85, 1.6],
                   "text": ["burst starts (fold)", "burst ends (homoclinic)"]},
                  ["fast.z", "fast.x"], "text").opts(text_font_size="11pt", text_color="#444444",
                                           text_align="left")
(eq.plot(y="fast.x")
 * hv.Scatter((spiking.param_values[osc], spiking.values[osc]), "fast.z", "fast.x",
              label="spiking: max and min of x").opts(color="#009E73", size=5)
 * hv.Curve((sol["hr.z"][late], sol["hr.x"][late]), "fast.z", "fast.x",
            label="trajectory of the full model").opts(color="#D55E00", alpha=0.6, line_width=1)
 * notes
 ).opts(width=820, height=450, xlim=(1.5, 3.2), ylim=(-2.2, 2.3), legend_position="right",
        xlabel="z (slow variable, frozen)", ylabel="x · membrane potential (fast)",
        title="Hindmarsh–Rose: slow–fast dissection")

# %% tags=["nbval-check-output"]
print("special points of the fast subsystem:",
      [(sp.kind, round(sp.param_value, 2)) for sp in eq.special_points])
print("z of the trajectory stays between", round(float(sol["hr.z"][late].min()), 2), "and",
      round(float(sol["hr.z"][late].max()), 2))

# %% [markdown]
# Read the figure as a loop, clockwise:
# 1. **Silence.** The trajectory sits on the stable lower branch; there $x - x_R < z/s$, so
#    $z$ decreases and the state slides left along the branch.
# 2. **Burst onset.** At the fold (LP, $z \approx 1.8$) the resting state collides with the
#    saddle (middle branch) and vanishes: the trajectory jumps up onto the spiking
#    oscillation.
# 3. **Burst.** While it spikes, $x$ is high on average, so $z$ increases: the state drifts
#    right along the spiking band, and the spikes slow down.
# 4. **Burst end.** Near $z \approx 2.1$ the spiking orbit touches the saddle of the middle
#    branch (a *homoclinic* orbit, where the period becomes infinite) and disappears; the
#    trajectory falls back to rest.
#
# Rest and spiking coexist between the fold and the homoclinic point: the burst is a
# hysteresis loop that the slow variable drives round. This is a *fold/homoclinic* or
# "square-wave" burster (Rinzel 1987; Izhikevich 2007, ch. 9). The trajectory overshoots
# the fold a little because $z$ is slow but not frozen.
#
# ## 4. The speed of the slow variable
# Drag `hr.r`. A slower $z$ (smaller $r$) takes longer to cross the spiking band: more
# spikes per burst. `hr.I` shifts the whole picture.

# %%
ex = nb.explore(hr, vars=["hr.x", "hr.z"], t_end=3000.0, dt=0.02)
ex

# %%
_ = ex.set({"hr.r": 0.002})

# %% tags=["nbval-check-output"]
def spikes_per_burst(r):
    s = nb.simulate(hr, 4000.0, dt=0.01, params={"hr.r": r})
    return [len(b) for b in bursts(spike_times(s.t, s["hr.x"], 1.0), gap=50.0)[1:-1]]

slow, fast_r = spikes_per_burst(0.0007), spikes_per_burst(0.002)
print("slower z gives longer bursts:", min(slow) > max(fast_r))

# %% [markdown]
# **Question.** With $r = 0.006$ and $I = 3.25$ the bursts become irregular (chaotic
# bursting, Hindmarsh & Rose 1984). Try it with the explorer: why can the number of spikes
# per burst change from burst to burst when the slow variable is not very slow?
#
# ## What you learned
# - A burster is a spiking model plus a slow variable that switches spiking on and off.
# - Freezing the slow variable gives the fast subsystem; its bifurcation diagram, with the
#   trajectory laid over it, explains the burst: onset at a fold of the rest state, end
#   at a homoclinic orbit of the spiking state.
# - The slower the slow variable, the more spikes fit into one burst.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/13_bursting.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/13_bursting.ipynb` in the address bar by `/panel-preview/render/lessons/13_bursting.ipynb`.
