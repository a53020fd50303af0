# %% [markdown]
# # Lesson 15 — Synapses with memory: short-term depression and facilitation
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. model a synapse driven by presynaptic spikes whose strength depends on its recent
#    history: the Tsodyks–Markram model of available resources and their utilisation;
# 2. measure a paired-pulse ratio and the response of a *depressing* synapse to a train;
# 3. explain why a depressing synapse stops transmitting the presynaptic rate at high
#    rates, and why a *facilitating* synapse prefers a band of rates;
# 4. read the EPSCs evoked by an irregular (Poisson) spike train.
#
# Synapses are not constant: after a spike, vesicles are depleted (depression) and
# residual calcium raises the release probability (facilitation). Tsodyks & Markram
# (1997) and Markram, Wang & Tsodyks (1998) captured both with two variables: the fraction
# $x$ of resources available and the utilisation $u$. Between spikes
#
# $$\dot x = \frac{1 - x}{\tau_D}, \qquad \dot u = -\frac{u}{\tau_F}, \qquad
#   \dot g = -\frac{g}{\tau_s},$$
#
# and at each presynaptic spike, in this order,
#
# $$u \leftarrow u + U(1 - u), \qquad \text{EPSC} = w\,u\,x \;\;(g \mathrel{+}= w\,u\,x),
#   \qquad x \leftarrow x - u\,x .$$

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
from nbblox.examples.synapses import (TMSynapse, TM_ON_PRE, pair, rate_sweep,
                                      epsc_amplitudes)
nb.setup_notebook()

# %% [markdown]
# ## 1. A depressing synapse
# The synapse is a blox whose states are $x$, $u$, $g$ (and a counter of released
# resources, from which we read each EPSC); the spike rule above is the connection's
# `on_pre`, applied when the presynaptic neuron fires:

# %%
TMSynapse

# %%
print(TM_ON_PRE)

# %% [markdown]
# A regular 40 Hz train (a `Pacemaker` neuron) into a depressing synapse with $U = 0.5$ and
# $\tau_D = 800$ ms (the values of Tsodyks & Markram 1997 for cortical pyramidal
# synapses), no facilitation ($\tau_F$ = 1 ms, so $u$ is back to 0 before the next spike):

# %%
train = pair(U=0.5, tau_D=800.0, tau_F=1.0, rate=40.0)
sol = nb.simulate(train, 600.0, dt=0.1, method="euler")
(hv.Curve((sol.t, sol["syn.g"]), "time (ms)", "g (EPSC)").opts(width=700, height=200,
                                                              title="postsynaptic conductance")
 + (hv.Curve((sol.t, sol["syn.x"]), "time (ms)", "fraction", label="x: resources")
    * hv.Curve((sol.t, sol["syn.u"]), "time (ms)", "fraction", label="u: utilisation").opts(
        color="#D55E00")).opts(width=700, height=200, legend_position="right",
                               title="synaptic state")).cols(1)

# %% [markdown]
# Each spike releases half of what is left, and 25 ms are far too short to recover with
# $\tau_D = 800$ ms: the EPSCs shrink spike after spike.
#
# **Exercise 1.** The *paired-pulse ratio* is the second EPSC divided by the first. What
# is it for two spikes 50 ms apart? Simulate `pair(...)` with the right rate for a short
# time and read the EPSCs with `epsc_amplitudes(sol)`.

# %%
my_ppr = None   # replace None by your answer (a number)
### BEGIN SOLUTION
two = nb.simulate(pair(U=0.5, tau_D=800.0, tau_F=1.0, rate=20.0), 60.0, dt=0.1, method="euler")
first, second = epsc_amplitudes(two)[:2]
my_ppr = second / first
### END SOLUTION
nb.lessons.check("tm_paired_pulse_ratio", my_ppr)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_ppr here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("tm_paired_pulse_ratio", my_ppr)
### END HIDDEN TESTS

# %% [markdown]
# By hand: the first spike releases $U$ and leaves $1 - U$; after $\Delta t$ the resources
# have recovered to $1 - U e^{-\Delta t/\tau_D}$, so the ratio is
# $1 - U e^{-\Delta t/\tau_D}$ (Tsodyks & Markram 1997).
#
# ## 2. Depression filters the rate
# One synapse per presynaptic rate, all in one run (`rate_sweep`: a `Population` of
# pacemakers connected one to one to a `Population` of synapses). After a few seconds each
# synapse has settled: compare its last EPSC with the first.

# %%
rates = np.array([1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0, 70.0, 100.0])
dep = nb.simulate(rate_sweep(rates, U=0.5, tau_D=800.0, tau_F=1.0), 4000.0, dt=0.1,
                  method="euler", record=[f"syn[{k}].released" for k in range(rates.size)])
steady = np.array([epsc_amplitudes(dep, f"syn[{k}]")[-1] for k in range(rates.size)])
TICKS = [1, 2, 5, 10, 20, 50, 100]
RATES = (0.8, 130.0)   # a little beyond the rates swept: the end ticks (1 Hz, 100 Hz) show
(hv.Curve((rates, steady), "presynaptic rate (Hz)", "steady-state EPSC").opts(
     logx=True, xticks=TICKS, xlim=RATES, width=430, height=280, title="EPSC per spike")
 * hv.Scatter((rates, steady), "presynaptic rate (Hz)", "steady-state EPSC").opts(size=6)
 + hv.Curve((rates, steady * rates), "presynaptic rate (Hz)", "EPSC × rate").opts(
     logx=True, xticks=TICKS, xlim=RATES, width=430, height=280, color="#D55E00",
     title="transmitted per second")
 * hv.Scatter((rates, steady * rates), "presynaptic rate (Hz)", "EPSC × rate").opts(
     size=6, color="#D55E00"))

# %% tags=["nbval-check-output"]
print("EPSC × rate grows less than 10 % from 50 to 100 Hz:",
      steady[-1] * 100.0 < 1.1 * steady[-3] * 50.0)

# %% [markdown]
# Above a few hertz the EPSC falls like $1/\text{rate}$: the postsynaptic neuron receives
# the same charge per second whatever the presynaptic rate. A depressing synapse signals
# *changes* of rate, not the rate itself (Tsodyks & Markram 1997; Abbott et al. 1997).
#
# ## 3. A facilitating synapse
# With a small $U$ and a slow decay of $u$, each spike raises the utilisation for the next:
# the EPSCs first grow. Here $U = 0.03$, $\tau_D = 130$ ms, $\tau_F = 530$ ms, values of
# the kind Markram, Wang & Tsodyks (1998) fitted to synapses from pyramidal cells onto
# interneurons. Both synapses at 20 Hz, each EPSC relative to the first:

# %%
fac = nb.simulate(pair(U=0.03, tau_D=130.0, tau_F=530.0, rate=20.0), 1000.0, dt=0.1,
                  method="euler")
a_dep = np.array(epsc_amplitudes(nb.simulate(pair(U=0.5, tau_D=800.0, tau_F=1.0, rate=20.0),
                                             1000.0, dt=0.1, method="euler")))
a_fac = np.array(epsc_amplitudes(fac))
spike_no = np.arange(1, a_fac.size + 1)
(hv.Curve((spike_no, a_dep / a_dep[0]), "spike number", "EPSC / first EPSC",
          label="depressing (U = 0.5)")
 * hv.Curve((spike_no, a_fac / a_fac[0]), "spike number", "EPSC / first EPSC",
            label="facilitating (U = 0.03)").opts(color="#D55E00")
 ).opts(hv.opts.Curve(line_width=2)).opts(width=650, height=300, legend_position="right",
                                          title="a 20 Hz train")

# %% [markdown]
# Facilitation needs spikes close enough for $u$ to build up; depression needs them
# close enough to deplete $x$. So the steady-state EPSC of a facilitating synapse is
# small at low rates (no facilitation) and at high rates (depletion), and largest in
# between.
#
# **Exercise 2.** At which presynaptic rate is the steady-state EPSC of this facilitating
# synapse largest? Use `rate_sweep(rates, U=0.03, tau_D=130.0, tau_F=530.0)` with a fine
# grid of rates, run a few seconds and compare the last EPSC of each synapse.

# %%
my_best_rate = None   # replace None by your answer in Hz
### BEGIN SOLUTION
grid = np.arange(1.0, 60.01, 0.5)
fs = nb.simulate(rate_sweep(grid, U=0.03, tau_D=130.0, tau_F=530.0), 3000.0, dt=0.1,
                 method="euler", record=[f"syn[{k}].released" for k in range(grid.size)])
last = [epsc_amplitudes(fs, f"syn[{k}]")[-1] for k in range(grid.size)]
my_best_rate = grid[int(np.argmax(last))]
### END SOLUTION
nb.lessons.check("tm_best_rate", my_best_rate)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_best_rate here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("tm_best_rate", my_best_rate)
### END HIDDEN TESTS

# %% [markdown]
# Tsodyks, Pawelzik & Markram (1998) estimate this *peak frequency* as
# $1/\sqrt{U\,\tau_D\,\tau_F}$:

# %%
rates_f = np.array([2.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 60.0, 80.0])
fsw = nb.simulate(rate_sweep(rates_f, U=0.03, tau_D=130.0, tau_F=530.0), 3000.0, dt=0.1,
                  method="euler", record=[f"syn[{k}].released" for k in range(rates_f.size)])
steady_f = [epsc_amplitudes(fsw, f"syn[{k}]")[-1] for k in range(rates_f.size)]
estimate = 1000.0 / np.sqrt(0.03 * 130.0 * 530.0)
(hv.Curve((rates_f, steady_f), "presynaptic rate (Hz)", "steady-state EPSC").opts(
     logx=True, xticks=TICKS, xlim=(1.6, 100.0), color="#D55E00", line_width=2)
 * hv.Scatter((rates_f, steady_f), "presynaptic rate (Hz)", "steady-state EPSC").opts(
     size=6, color="#D55E00")
 * hv.VLine(estimate).opts(color="gray", line_dash="dashed")
 ).opts(width=550, height=300, title=f"facilitating synapse; dashed: 1/sqrt(U tau_D tau_F) = {estimate:.0f} Hz")

# %% tags=["nbval-check-output"]
print("the largest steady-state EPSC is at 15-30 Hz:", 15.0 <= rates_f[int(np.argmax(steady_f))] <= 30.0)

# %% [markdown]
# ## 4. Explore
# Drag the rate of the train and the synapse's parameters: lower `syn.U` and raise
# `syn.tau_F` to turn depression into facilitation.

# %%
ex = nb.explore(pair(U=0.5, tau_D=800.0, tau_F=1.0, rate=20.0), vars=["syn.g", "syn.x", "syn.u"],
                t_end=1000.0, dt=0.1, method="euler")
ex

# %%
_ = ex.set({"syn.U": 0.1, "syn.tau_F": 500.0, "syn.tau_D": 150.0})   # as if dragged

# %% [markdown]
# ## 5. An irregular train
# Real spike trains are irregular. With a Poisson train (`nb.blox.PoissonSource`, 20 Hz)
# each EPSC depends on the intervals before it: after a long pause the resources have
# recovered and the EPSC is large, after a short one it is small.

# %%
src = nb.blox.PoissonSource(name="pre", rate=20.0)
syn = TMSynapse(name="syn", U=0.5, tau_D=800.0, tau_F=1.0)
poisson = nb.Circuit([src, syn]).connect(src, syn, on_pre=TM_ON_PRE, weight=1.0)
ps = nb.simulate(poisson, 20000.0, dt=0.1, method="euler", seed=1)
spikes = np.sort(ps.spikes["time"])
amps = np.array(epsc_amplitudes(ps))
hv.Scatter((np.diff(spikes), amps[1:]), "interval before the spike (ms)", "EPSC").opts(
    width=550, height=300, size=4, alpha=0.6, logx=True, xticks=[0.1, 1, 10, 100, 1000],
    title="Poisson train at 20 Hz")

# %% tags=["nbval-check-output"]
short = np.diff(spikes) < 20.0
print("EPSCs after short intervals are smaller:", amps[1:][short].mean() < amps[1:][~short].mean())

# %% [markdown]
# **Question.** The catalog also has `nb.blox.TsodyksMarkram`, the *mean-field* version of
# this synapse for rate models: the presynaptic spikes are replaced by a rate $r(t)$. In
# what situation is that a good approximation, and what does it lose?
#
# ## What you learned
# - A Tsodyks–Markram synapse has two variables: resources $x$ (depleted by release,
#   recovering with $\tau_D$) and utilisation $u$ (raised by each spike, decaying with
#   $\tau_F$); each EPSC is $u\,x$.
# - Depressing synapses (large $U$) transmit rate *changes*: their steady-state output per
#   second saturates. Facilitating synapses (small $U$, slow $\tau_F$) prefer a band of
#   rates around $1/\sqrt{U\tau_D\tau_F}$.
# - Under an irregular train each EPSC reflects the recent intervals: synapses have memory.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/15_synapses.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/15_synapses.ipynb` in the address bar by `/panel-preview/render/lessons/15_synapses.ipynb`.
