# %% [markdown]
# # Lesson 2 — Hodgkin–Huxley: currents, spikes and rheobase
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. simulate the Hodgkin–Huxley (1952) squid-axon model and measure its firing rate;
# 2. explain a spike through its gating variables $m$, $h$, $n$ and its sodium and potassium currents;
# 3. measure the *rheobase* (the smallest current that makes the neuron fire repetitively)
#    and an f–I curve;
# 4. see how temperature changes the rates.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
from nbblox.lessons import spike_times, firing_rate
nb.setup_notebook()

# %% [markdown]
# ## 1. The model
# Four states: the membrane potential $V$ (mV) and three gating variables. Each gate
# opens and closes with voltage-dependent rates $\alpha(V)$ and $\beta(V)$ (1/ms).

# %%
hh = nb.blox.HodgkinHuxley(name="hh")
hh

# %% [markdown]
# ## 2. A train of spikes
# Inject $I = 10$ µA/cm² for one second.

# %%
sol = nb.simulate(hh, 1000.0, dt=0.01, params={"hh.I": 10.0})
sol.plot(vars=["hh.V"]).opts(title="HH at I = 10 µA/cm²")

# %% [markdown]
# **Exercise 1.** How fast does it fire (Hz)? `spike_times(sol.t, sol["hh.V"])` gives the
# times at which $V$ crosses 0 mV upwards. Ignore the first 100 ms.

# %%
my_rate = None   # replace None by your answer in Hz
### BEGIN SOLUTION
late = spike_times(sol.t, sol["hh.V"])
late = late[late > 100.0]
my_rate = 1000.0 / np.mean(np.diff(late))       # 1 / mean interspike interval
### END SOLUTION
nb.lessons.check("hh_rate_10", my_rate)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_rate here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("hh_rate_10", my_rate)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Inside one spike: gates and currents
# Zoom into one spike. Sodium activation $m$ is fast and opens first; inactivation $h$
# and potassium activation $n$ are slower and end the spike.

# %%
win = (sol.t > 200) & (sol.t < 220)
t = sol.t[win]
curves = [hv.Curve((t, sol[f"hh.{g}"][win]), "time (ms)", "gate", label=g) for g in "mhn"]
hv.Overlay(curves).opts(width=600, height=250, title="gating variables (open fraction)",
                         legend_position="right")

# %% [markdown]
# The currents follow from the states and the parameters:
# $I_{Na} = g_{Na} m^3 h (V - E_{Na})$ and $I_K = g_K n^4 (V - E_K)$.

# %%
P = {k: v for k, v in hh.params.items()}
V, m, h, n = (sol[f"hh.{s}"][win] for s in "Vmhn")
I_Na = P["g_Na"] * m**3 * h * (V - P["E_Na"])
I_K = P["g_K"] * n**4 * (V - P["E_K"])
(hv.Curve((t, I_Na), "time (ms)", "current (µA/cm²)", label="Na⁺ current")
 * hv.Curve((t, I_K), "time (ms)", "current (µA/cm²)", label="K⁺ current")).opts(
    width=600, height=250, title="ionic currents in one spike", legend_position="right")

# %% [markdown]
# **Question.** Which current is inward (negative) during the upstroke? Why does the
# spike end even though the current is still injected?

# %% [markdown]
# ## 4. Rheobase and the f–I curve
# Step the current and measure the rate. Parameters change without recompiling, so the
# loop is fast.

# %%
system = nb.compile(hh)
currents = np.arange(0.0, 30.1, 1.0)
rates = []
for I in currents:
    s = nb.simulate(system, 600.0, dt=0.02, params={"hh.I": I}, record=["hh.V"])
    rates.append(firing_rate(s, "hh.V", t_min=100.0))
hv.Curve((currents, rates), "I (µA/cm²)", "rate (Hz)").opts(width=500,
                                                              title="f-I curve")

# %% tags=["nbval-check-output"]
first = int(np.argmax(np.array(rates) > 0))
print(f"first current that fires on this grid: {currents[first]:.0f} µA/cm²; "
      f"rate there above 40 Hz: {rates[first] > 40}")

# %% [markdown]
# The rate does not start from zero: the HH neuron jumps to about 50 Hz. This is the
# signature of a *class II* neuron (a Hopf bifurcation, lesson 3).
#
# **Exercise 2.** Find the rheobase: the smallest current (to 0.1 µA/cm²) that gives
# repetitive firing (at least 5 spikes in 300 ms, starting from rest).

# %%
my_rheobase = None   # replace None by your answer in uA/cm^2
### BEGIN SOLUTION
def fires(I):       # at least 5 spikes in 300 ms, from rest
    s = nb.simulate(system, 300.0, dt=0.02, params={"hh.I": I}, record=["hh.V"])
    return spike_times(s.t, s["hh.V"]).size >= 5
lo, hi = 0.0, float(currents[first])   # silent at lo, firing at hi
while hi - lo > 0.05:
    mid = 0.5 * (lo + hi)
    lo, hi = (lo, mid) if fires(mid) else (mid, hi)
my_rheobase = hi
### END SOLUTION
nb.lessons.check("hh_rheobase", my_rheobase)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_rheobase here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("hh_rheobase", my_rheobase)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Temperature
# Hodgkin and Huxley measured at 6.3 °C. Rates scale by $3^{(T-6.3)/10}$ ($Q_{10} = 3$).
# Drag `hh.T` and `hh.I` and watch the spike train change.

# %%
ex = nb.explore(hh, vars=["hh.V"], t_end=200.0)
ex

# %%
_ = ex.set({"hh.I": 10.0, "hh.T": 16.3})

# %% tags=["nbval-check-output"]
warm = nb.simulate(system, 500.0, dt=0.01, params={"hh.I": 10.0, "hh.T": 16.3})
cold = nb.simulate(system, 500.0, dt=0.01, params={"hh.I": 10.0, "hh.T": 6.3})
print("faster when warmer:", firing_rate(warm, "hh.V", 100) > firing_rate(cold, "hh.V", 100))

# %% [markdown]
# ## What you learned
# - A spike is a race between fast sodium activation and slower inactivation and
#   potassium activation.
# - The HH neuron has a rheobase near 6 µA/cm² and starts firing at a high rate
#   (class II excitability).
# - Temperature speeds every gate up by a factor 3 per 10 °C.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/02_hodgkin_huxley.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/02_hodgkin_huxley.ipynb` in the address bar by `/panel-preview/render/lessons/02_hodgkin_huxley.ipynb`.
