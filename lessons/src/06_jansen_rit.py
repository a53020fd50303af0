# %% [markdown]
# # Lesson 6 — Jansen–Rit: EEG rhythms from a cortical column
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. describe the three populations of the Jansen–Rit column (1995) and its EEG output;
# 2. measure the frequency of its rhythm and name the EEG band it falls in;
# 3. see how the rhythm depends on the input rate $p$ and the synaptic gains.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
nb.setup_notebook()

# %% [markdown]
# ## 1. The column
# Pyramidal cells, excitatory and inhibitory interneurons. Each synapse is a second-order
# filter; the EEG is the pyramidal membrane potential $y_1 - y_2$ (mV). Rates are in
# 1/ms here: the paper's $p = 220$ pulses/s is `p = 0.22`.

# %%
jr = nb.blox.JansenRit(name="jr")
jr

# %%
sol = nb.simulate(jr, 3000.0, dt=0.1)
t = sol.t
eeg = sol["jr.y1"] - sol["jr.y2"]
hv.Curve((t, eeg), "time (ms)", "EEG (mV)").opts(width=700, height=250)

# %% [markdown]
# ## 2. Its frequency
# **Exercise.** What is the dominant frequency (Hz) of the EEG at the standard input?
# Count the oscillations in the plot for a first guess, then estimate it from the power
# spectrum: `nb.spectrum` takes a solution or a `{name: trace}` dict with its step `dt`
# (time in ms, frequency in Hz), and `discard=` drops the transient at the start (take
# the first second). Its result's `.peak_frequency(name)` finds the largest peak
# (`help(nb.spectrum)` for the rest).

# %%
my_frequency = None   # replace None by your answer in Hz
### BEGIN SOLUTION
my_frequency = nb.spectrum({"EEG": eeg}, dt=sol.info["dt"], discard=1000.0).peak_frequency("EEG")
### END SOLUTION
nb.lessons.check("jr_alpha_Hz", my_frequency)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_frequency here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("jr_alpha_Hz", my_frequency)
### END HIDDEN TESTS

# %% [markdown]
# The spectrum itself, with the EEG in mV:

# %%
sp = nb.spectrum({"EEG": eeg}, dt=sol.info["dt"], discard=1000.0, units="mV")
sp.plot()

# %% tags=["nbval-check-output"]
f_alpha = sp.peak_frequency("EEG")
print(f"dominant frequency: {f_alpha:.1f} Hz")
print("in the alpha band (8-12 Hz):", 8 <= f_alpha <= 12)
print(f"share of the power in 8-12 Hz: {sp.band_power('EEG', (8, 12), relative=True):.0%}")

# %% [markdown]
# The peaks at about 21 and 32 Hz are harmonics: the rhythm is not a pure sine.
# A finer resolution needs longer segments (`resolution=0.5` uses 2 s segments, so
# fewer of them are averaged and the estimate is noisier); `method="multitaper"`
# averages over tapers instead.

# %% [markdown]
# ## 3. Rhythm versus input
# Sweep the input rate and measure the amplitude of $y_1$. The rhythm grows to a maximum
# in a middle range of input and fades away at high input, where the column saturates
# (Grimbert & Faugeras 2006). Near $p = 0$ the column is not quiet either: look at what it
# does there with the explorer below.

# %%
ps = np.linspace(0.0, 0.4, 41)
res = nb.sweep(jr, {"jr.p": ps}, t_end=3000.0, dt=0.1, record=["jr.y1", "jr.y2"],
               measure="amplitude", transient=1000.0)
amp = res["amplitude"].sel(variable="jr.y1")
hv.Curve((ps * 1000, amp.values), "input p (pulses/s)", "amplitude of y1 (mV)").opts(width=500)

# %% tags=["nbval-check-output"]
a = dict(zip(np.round(ps * 1000).astype(int), amp.values))
print("amplitude of y1 (mV) at p = 100, 220, 400 pulses/s:",
      [round(float(a[p]), 1) for p in (100, 220, 400)])

# %% [markdown]
# ## 4. Explore
# Drag `jr.p`, `jr.A` and `jr.B`: more inhibition (B) or excitation (A) changes the
# rhythm's shape and frequency.

# %%
ex = nb.explore(jr, vars=["jr.y1", "jr.y2"], t_end=2000.0, dt=0.1)
ex

# %%
_ = ex.set({"jr.p": 0.12})

# %% [markdown]
# ## What you learned
# - A cortical column of three populations produces an alpha rhythm near 10 Hz.
# - The rhythm exists in a window of input rates: below it the column rests, above it
#   it saturates.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/06_jansen_rit.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/06_jansen_rit.ipynb` in the address bar by `/panel-preview/render/lessons/06_jansen_rit.ipynb`.
