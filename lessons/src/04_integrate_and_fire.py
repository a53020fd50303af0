# %% [markdown]
# # Lesson 4 — The integrate-and-fire family: LIF, QIF and Izhikevich firing patterns
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. explain how an integrate-and-fire model replaces the spike by a threshold and a reset;
# 2. compute the firing rate of a leaky integrate-and-fire (LIF) neuron and check it
#    against the formula;
# 3. compare LIF and QIF onsets (class I behaviour of the QIF);
# 4. reproduce Izhikevich's (2003) firing patterns by changing four parameters.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
nb.setup_notebook()

# %% [markdown]
# ## 1. Leaky integrate-and-fire
# Below threshold the membrane is a leaky capacitor. When $V$ reaches $V_{th}$ a spike is
# recorded and $V$ is reset; during a refractory period it stays at the reset value.

# %%
lif = nb.blox.LIF(name="lif", I=2.5)
lif

# %%
sol = nb.simulate(lif, 200.0, dt=0.01, method="euler")
sol.plot() * hv.HLine(lif.params["V_th"]).opts(color="gray", line_dash="dashed")

# %% [markdown]
# **Exercise.** Between spikes the voltage relaxes towards $E_L + RI$. Solve for the time
# to go from $V_{reset}$ to $V_{th}$ and add the refractory period: the interval is
# $t_{ref} + \tau_m \ln\frac{RI - (V_{reset} - E_L)}{RI - (V_{th} - E_L)}$. What is the
# firing rate (Hz) at $I = 2.5$ nA?

# %%
my_lif_rate = None   # replace None by your answer in Hz
### BEGIN SOLUTION
P = lif.params                       # E_L, V_th, V_reset, R, tau_m
RI = P["R"] * 2.5
interval = nb.blox.LIF.refractory + P["tau_m"] * np.log(
    (RI - (P["V_reset"] - P["E_L"])) / (RI - (P["V_th"] - P["E_L"])))
my_lif_rate = 1000.0 / interval      # ms -> Hz
### END SOLUTION
nb.lessons.check("lif_rate", my_lif_rate)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_lif_rate here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("lif_rate", my_lif_rate)
### END HIDDEN TESTS

# %% [markdown]
# Compare with the simulation: the first spike times, and the rate from their intervals.

# %% tags=["nbval-check-output"]
print("spike times (ms):", np.round(sol.spikes["time"][:5], 1))
print(f"rate from the simulated intervals: {1000.0 / np.mean(np.diff(sol.spikes['time'])):.1f} Hz")

# %% [markdown]
# ## 2. f–I curves: LIF versus QIF
# A population of neurons with different currents is one `nb.Population`: one compiled
# loop, one parameter array.

# %%
currents = np.linspace(0.0, 5.0, 51)
pop = nb.Population(nb.blox.LIF, n=currents.size, name="lif", I=currents)
sol = nb.simulate(pop, 1000.0, dt=0.05, method="euler", record=["lif.V"], stride=100)
rate_lif = np.bincount(sol.spikes["index"], minlength=currents.size) / 1.0
hv.Curve((currents, rate_lif), "I (nA)", "rate (Hz)").opts(width=450, title="LIF f-I")

# %%
etas = np.linspace(-1.0, 2.0, 61)
qpop = nb.Population(nb.blox.QIF, n=etas.size, name="q", eta=etas)
qsol = nb.simulate(qpop, 2000.0, dt=0.005, method="euler", record=["q.V"], stride=1000)
rate_qif = np.bincount(qsol.spikes["index"], minlength=etas.size) / 2.0
hv.Curve((etas, rate_qif), "η (excitability)", "rate (Hz)").opts(width=450, title="QIF f-I")

# %% tags=["nbval-check-output"]
print(f"LIF fires from I = {currents[np.argmax(rate_lif > 0)]:.1f} nA,"
      f" QIF from η = {etas[np.argmax(rate_qif > 0)]:.2f}")

# %% [markdown]
# The QIF rate grows like $\sqrt{\eta}$ from zero: a saddle-node onset (class I, lesson 3).
# The LIF rate also starts at zero, but with a logarithmic, much steeper onset.
#
# ## 3. Izhikevich's simple model: many cells, four parameters
# $\dot V = 0.04V^2 + 5V + 140 - u + I$, $\dot u = a(bV - u)$, and after a spike
# ($V \ge 30$ mV) $V \leftarrow c$, $u \leftarrow u + d$.

# %%
patterns = ["regular_spiking", "intrinsically_bursting", "chattering", "fast_spiking",
            "low_threshold_spiking", "resonator"]
plots = []
for name in patterns:
    cell = nb.blox.Izhikevich(name="iz", preset=name, I=10.0)
    s = nb.simulate(cell, 200.0, dt=0.05, method="euler")
    title = name.replace("_", " ")                      # "regular spiking", not the key
    plots.append(hv.Curve((s.t, s["iz.V"]), "time (ms)", "V (mV)").opts(title=title, width=300,
                                                                        height=180))
hv.Layout(plots).cols(3)

# %% tags=["nbval-check-output"]
counts = {}
for name in patterns:
    s = nb.simulate(nb.blox.Izhikevich(name="iz", preset=name, I=10.0), 200.0, dt=0.05,
                    method="euler")
    counts[name] = len(s.spikes["time"])
more = {k: counts[k] > counts["regular_spiking"] for k in ("chattering", "fast_spiking")}
print(f"more spikes than regular spiking: chattering {more['chattering']},"
      f" fast spiking {more['fast_spiking']}")

# %% [markdown]
# **Question.** Regular spiking neurons *adapt*: their intervals lengthen. Which parameter
# produces adaptation, and how? (Look at $d$.) Try it with the explorer:

# %%
ex = nb.explore(nb.blox.Izhikevich(name="iz"), vars=["iz.V"], t_end=300.0, dt=0.05,
                method="euler")
ex

# %%
_ = ex.set({"iz.d": 2.0, "iz.c": -50.0})

# %% [markdown]
# ## What you learned
# - Threshold + reset turns a linear (LIF) or quadratic (QIF) equation into a spiking neuron.
# - The LIF interval has a closed form; populations give f–I curves in one run.
# - Izhikevich's model reproduces cortical firing classes with four parameters.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/04_integrate_and_fire.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/04_integrate_and_fire.ipynb` in the address bar by `/panel-preview/render/lessons/04_integrate_and_fire.ipynb`.
