# %% [markdown]
# # Lesson 12 — Learning: STDP, reward and a spiking network that classifies patterns
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. state the pair-based STDP rule and measure its learning window in a simulation;
# 2. attach a plasticity rule to a spiking projection as data (`plasticity=nb.STDP(...)`);
# 3. pause a running simulation every few milliseconds with a **callback** that reads the
#    spikes and changes weights, parameters and a reward signal;
# 4. explain how reward-modulated STDP solves the *distal reward problem* with eligibility
#    traces, and train a small network to classify noisy input patterns with it.
#
# References: Bi & Poo (1998) measured the STDP window in hippocampal cultures; Song, Miller
# & Abbott (2000) gave the trace-based rule used here; Izhikevich (2007, *Cerebral Cortex*
# 17:2443) gated it by dopamine.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
from nbblox.examples.learning import PatternTask, live_curve, noisy_patterns, stdp_window
nb.setup_notebook()

# %% [markdown]
# ## 1. Spike-timing-dependent plasticity
# Every presynaptic neuron keeps a trace $a_{pre}$ that jumps by 1 at each of its spikes and
# decays with $\tau_{pre}$; every postsynaptic neuron a trace $a_{post}$ ($\tau_{post}$).
# A **post** spike adds $A_+ a_{pre}$ to the weight (pre came first: potentiation); a
# **pre** spike adds $-A_- a_{post}$ (post came first: depression). Weights stay in
# $[w_{min}, w_{max}]$. For one pair $s$ ms apart this gives the window
# $\Delta w = A_+ e^{-s/\tau_{pre}}$ for $s > 0$ and $-A_- e^{s/\tau_{post}}$ for $s < 0$.
#
# `stdp_window` builds one pair of neurons per delay (each fires once, at a set time),
# connects them with the rule and reads the weight changes after the run.

# %%
rule = nb.STDP(tau_pre=20.0, tau_post=20.0, A_plus=0.01, A_minus=0.0105, w_max=1.0)
s, dw = stdp_window(np.linspace(-60, 60, 41), rule)
grid = np.linspace(-60, 60, 400)
(hv.Curve((grid, [rule.window(g) for g in grid]), "post - pre (ms)", "Δw").opts(color="gray")
 * hv.Scatter((s, dw)).opts(size=6, color="crimson")).opts(
    width=500, title="STDP window: simulation (dots) and formula (line)")

# %% tags=["nbval-check-output"]
print(f"largest |simulation - formula|: {np.abs(dw - [rule.window(x) for x in s]).max():.1e}")

# %% [markdown]
# ## 2. Plasticity is data on a projection
# The rule travels with the circuit (it is saved in the circuit's JSON). The weights live
# in the compiled kernel and are updated there, spike by spike; `sol.weights` holds the
# final ones.

# %%
nb.blox.LIF

# %% [markdown]
# Every neuron here is the catalog's leaky integrate-and-fire blox (equations above; a
# spike when `V` crosses its threshold, then a reset and a refractory period). Five
# presynaptic neurons with different drives project onto one postsynaptic neuron:

# %%
pre = nb.Population(nb.blox.LIF, 5, name="pre", I=np.linspace(2.0, 3.0, 5))
post = nb.Population(nb.blox.LIF, 1, name="post", I=2.1)
c = nb.Circuit([pre, post]).connect(pre, post, weight=0.5, on_pre="V += w", plasticity=rule)
saved = c.to_dict()["projections"][0]["plasticity"]   # the rule as the circuit's file holds it
for name, value in saved.items():    # A and w in the weight's unit: mV here (V += w)
    print(f"{name:>8}: {value}" + (" ms" if name.startswith("tau") else ""))

# %%
sol = nb.simulate(c, 500.0, dt=0.05, method="euler", record=[], record_weights=50.0)
hist = sol.weight_history
hv.Overlay([hv.Curve((hist["t"], hist["pre->post"][:, k]), "time (ms)", "weight w",
                     label=f"pre {k}")
            for k in range(5)]).opts(width=500, legend_position="right",
                                     title="weights under STDP")

# %% [markdown]
# ## 3. Callbacks: the simulation pauses every k milliseconds
# `callback=fn, callback_every=20.0` runs the compiled kernel for 20 ms at full speed, then
# calls `fn(state)`: `state.t`, `state.spikes` (since the last call), `state.weights`,
# `state.params`, `state.x` are live views, so writing them changes the rest of the run.
# Return nothing to continue; `state.stop()` ends the run early; an exception stops it and
# raises `nb.CallbackError`, whose `.partial` holds the run up to that point.

# %%
counts = []

def every_20ms(state):
    counts.append(state.spikes["time"].size)
    if abs(state.t - 100.0) < 1e-9:
        state.params["post.I"] = 3.0     # from now on the post neuron is driven harder

sol = nb.simulate(c, 200.0, dt=0.05, method="euler", record=["post.V"], callback=every_20ms,
                  callback_every=20.0, learn=False)
print("spikes per 20 ms:", counts)

# %% [markdown]
# ## 4. Reward-modulated STDP
# A reward usually comes *after* the activity that earned it. Izhikevich's answer: the STDP
# increments do not change the weight directly but an **eligibility trace** $c$ of each
# synapse, which decays with $\tau_c$; the weight follows $\dot w = c\,d$, where $d$ is a
# dopamine signal. A synapse that took part in the rewarded activity still has some
# eligibility when the reward arrives. `nb.RSTDP(..., tau_c=, tau_d=)` is this rule; the
# callback raises $d$ with `state.reward(amount)` or sets it with `state.set_dopamine(value)`.
#
# ## 5. A network that learns to classify patterns
# 30 input neurons fire like Poisson processes (40 Hz when active in the pattern, silent
# otherwise); three leaky integrate-and-fire output neurons inhibit each other. A trial
# shows one pattern for 100 ms; the output neuron that fires most is the network's answer.
# In the following 20 ms pause (inputs silent) the callback delivers dopamine +1 for a right
# answer and -1 for a wrong one, then rescales each output's incoming weights to their
# initial total (synaptic scaling) and starts the next trial.

# %%
task = PatternTask(seed=0)
hv.Image(task.patterns.astype(float)[::-1], bounds=(0, 0, 30, 3)).opts(
    cmap="Greys", width=500, height=200, xlabel="input neuron", ylabel="pattern",
    yticks=[(2.5, "0"), (1.5, "1"), (0.5, "2")], title="the three patterns")

# %% [markdown]
# Held-out test set: 10 copies of each pattern with every bit flipped with probability 0.1
# (a different random draw from the noisy examples used in training). Before training the
# network answers at about chance level.

# %%
X_test, y_test = noisy_patterns(task.patterns, 10, flip=0.1, seed=1)
before, _ = task.test(X_test, y_test)

# %% [markdown]
# Train for 20 epochs (60 trials, 7.2 s of simulated time). The curve below is a HoloViews
# `Buffer` stream fed from the callback: it grows while the simulation runs.

# %%
curve_plot, on_trial = live_curve("running accuracy during training")
curve_plot

# %%
curve = task.train(epochs=20, on_trial=on_trial)
after, answers = task.test(X_test, y_test)

# %%
print(f"held-out accuracy before training: {before:.2f}, after: {after:.2f} "
      f"({int(round(after * len(y_test)))}/{len(y_test)})")

# %% tags=["nbval-check-output"]
# robust statements (spike timing moves a pattern or two between numba versions and seeds)
print("trained well above chance (1/3):", after > 0.8, "| better than before:", after > before)

# %% [markdown]
# Where did the weights go? Each output neuron now listens mostly to the inputs of its own
# pattern.

# %%
W = task.weights["learn"].reshape(30, 3)
hv.Image(W.T[::-1], bounds=(0, 0, 30, 3)).opts(
    cmap="viridis", colorbar=True, width=500, height=240, xlabel="input neuron",
    ylabel="output neuron", yticks=[(2.5, "0"), (1.5, "1"), (0.5, "2")],
    title="learned weights")

# %% [markdown]
# **Exercise.** With the rule of section 1 (`A_plus = 0.01`, `tau_pre = 20` ms), a
# presynaptic spike at 10 ms is followed by a postsynaptic spike at 25 ms. By how much does
# the weight change? (Use the formula, or `stdp_window`.)

# %%
my_dw = None   # replace None by your answer
### BEGIN SOLUTION
my_dw = rule.A_plus * np.exp(-(25.0 - 10.0) / rule.tau_pre)   # pre first: potentiation
### END SOLUTION
nb.lessons.check("stdp_pair_dw", my_dw)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_dw here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("stdp_pair_dw", my_dw)
### END HIDDEN TESTS

# %% [markdown]
# **Questions.** What happens to learning with `A_minus = A_plus` (try
# `PatternTask(seed=0, rule=nb.RSTDP(A_plus=0.008, A_minus=0.008, w_max=2.0, tau_c=40.0,
# tau_d=float("inf")))`)? Why does a much longer `tau_c` (say 1000 ms) blur which trial
# earned the reward? What does synaptic scaling (`normalize=False` to switch it off)
# prevent?
#
# ## What you learned
# - STDP changes a weight by the timing of pre and post spikes; traces make it cheap and
#   event-driven.
# - Plasticity is part of the circuit; learned weights come back in `sol.weights`.
# - A callback every few milliseconds lets Python read spikes and write weights, parameters
#   and rewards without slowing every step.
# - Eligibility traces bridge the delay between activity and reward: with them a reward
#   signal alone teaches a spiking network to classify.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/12_learning.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/12_learning.ipynb` in the address bar by `/panel-preview/render/lessons/12_learning.ipynb`.
