# %% [markdown]
# # Lesson 14 — Noise: coloured input, irregular firing and coherence resonance
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. generate Ornstein–Uhlenbeck (coloured) noise and read its correlation time from its
#    autocorrelation;
# 2. explain why a neuron whose mean input is below threshold still fires when the input
#    fluctuates, and measure its rate;
# 3. measure the irregularity of a spike train with the coefficient of variation (CV) of
#    its interspike intervals, and compare rate and CV with the theory of the noisy
#    integrate-and-fire neuron (Siegert formula; Brunel 2000);
# 4. see *coherence resonance*: an excitable neuron fires most regularly at an
#    intermediate noise level (Pikovsky & Kurths 1997).
#
# Noise enters an equation as `sigma*xi`, where `xi` is unit white noise; nbblox integrates
# it with the Euler–Maruyama (`method="em"`) or stochastic Heun scheme, and `seed=` makes a
# run reproducible bit for bit.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
from nbblox.examples.noise import NoisyLIF, NoisyFHN, siegert_rate, lif_isi_cv, isi_cv
nb.setup_notebook()

# %% [markdown]
# ## 1. Coloured noise: the Ornstein–Uhlenbeck process
# Synaptic input is not white: it is smoothed by synaptic time constants. The
# Ornstein–Uhlenbeck (OU) process is white noise low-pass filtered with a time constant
# $\tau$:
#
# $$\dot x = \frac{\mu - x}{\tau} + \sigma\sqrt{\frac{2}{\tau}}\;\xi(t),$$
#
# with mean $\mu$, standard deviation $\sigma$ and autocorrelation
# $C(s) = \sigma^2 e^{-|s|/\tau}$ (Uhlenbeck & Ornstein 1930).

# %%
ou = nb.blox.OUNoise(name="ou", tau=10.0, sigma=1.0)
ou

# %%
run = nb.simulate(ou, 20000.0, dt=0.1, method="em", seed=1)
x = run["ou.x"] - run["ou.x"].mean()
lags = np.arange(0, 400)                       # in steps of 0.1 ms: 0-40 ms
acf = np.array([np.mean(x[: x.size - k] * x[k:]) for k in lags]) / x.var()
(hv.Curve((run.t[:5000], run["ou.x"][:5000]), "time (ms)", "x · OU noise").opts(width=450, height=250,
                                                                    title="OU noise, τ = 10 ms")
 + (hv.Curve((lags * 0.1, acf), "lag s (ms)", "autocorrelation", label="measured")
    * hv.Curve((lags * 0.1, np.exp(-lags * 0.1 / 10.0)), "lag s (ms)", "autocorrelation",
               label="exp(−s/τ)").opts(line_dash="dashed", color="black")
    ).opts(width=450, height=250, legend_position="top_right", title="autocorrelation"))

# %% tags=["nbval-check-output"]
print("standard deviation close to σ = 1:", abs(run["ou.x"].std() - 1.0) < 0.1)
print("correlation drops to 1/e near τ = 10 ms:", 8.0 < lags[np.argmax(acf < np.exp(-1))] * 0.1 < 12.0)

# %% [markdown]
# **Question.** How would you measure $\tau$ from a recording of the input? And what
# happens to the autocorrelation when $\tau \to 0$ (keeping $\sigma$)?
#
# ## 2. Noise makes a neuron fire below threshold
# A leaky integrate-and-fire neuron with white-noise input, in the form of Brunel (2000):
#
# $$\tau \dot V = \mu - V + \sigma\sqrt{\tau}\;\xi(t), \qquad
#   V > V_{th} = 20\text{ mV} \;\Rightarrow\; V \leftarrow V_r = 10\text{ mV}
#   \text{ (2 ms refractory)}.$$
#
# Without noise $V$ settles at $\mu$: with $\mu = 15$ mV it never reaches threshold. With
# noise it sometimes does. Drag `lif.sigma` from 0 up (and `lif.mu` across 20 mV):

# %%
NoisyLIF

# %%
ex = nb.explore(NoisyLIF(name="lif"), vars=["lif.V"], t_end=1000.0, dt=0.05, method="em",
                seed=1)
ex

# %%
_ = ex.set({"lif.sigma": 0.0})   # the same as dragging the slider: no noise, no spikes

# %% [markdown]
# One neuron for one second gives few spikes. For a rate, simulate many identical neurons
# (a `Population`: one compiled loop, independent noise for each):

# %%
n = 200
lifs = nb.Population(NoisyLIF, n=n, name="lif", mu=15.0, sigma=5.0)
pop = nb.simulate(lifs, 5000.0, dt=0.05, method="em", seed=2, record=["lif[0].V"], stride=20)
idx, t = pop.spikes["index"], pop.spikes["time"]
show = idx < 50
(hv.Scatter((t[show], idx[show]), "time (ms)", "neuron").opts(width=450, height=250, size=2,
                                                              title="raster, μ = 15 mV, σ = 5 mV")
 + hv.Curve((pop.t[:5000], pop["lif[0].V"][:5000]), "time (ms)", "V (mV)").opts(
     width=450, height=250, title="one neuron's voltage"))

# %% [markdown]
# **Exercise 1.** What is the firing rate (Hz) of these neurons ($\mu = 15$ mV,
# $\sigma = 5$ mV)? Use the population above: count the spikes after a short transient
# (say 200 ms) and divide by the number of neurons and the time.

# %%
my_rate = None   # replace None by your answer in Hz
### BEGIN SOLUTION
after = t > 200.0
my_rate = after.sum() / n / ((5000.0 - 200.0) / 1000.0)
### END SOLUTION
nb.lessons.check("lif_noise_rate", my_rate)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_rate here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("lif_noise_rate", my_rate)
### END HIDDEN TESTS

# %% [markdown]
# **The theory.** The time to reach threshold is a *first-passage time*. Its mean gives the
# rate (Siegert 1951; Ricciardi 1977; Brunel 2000, eq. 21):
#
# $$\frac{1}{\nu} = t_{ref} + \tau\sqrt{\pi}\int_{(V_r-\mu)/\sigma}^{(V_{th}-\mu)/\sigma}
#   e^{u^2}\bigl(1 + \operatorname{erf} u\bigr)\,du .$$
#
# Simulation and theory for several noise levels, in one run (each neuron its own $\sigma$):

# %%
sigmas = np.repeat([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0], 40)
many = nb.simulate(nb.Population(NoisyLIF, n=sigmas.size, name="lif", mu=15.0, sigma=sigmas),
                   3000.0, dt=0.05, method="em", seed=3, record=["lif[0].V"], stride=100)
late = many.spikes["time"] > 200.0
counts = np.bincount(many.spikes["index"][late], minlength=sigmas.size)
levels = np.unique(sigmas)
sim_rate = [counts[sigmas == s].mean() / 2.8 for s in levels]
grid = np.linspace(0.5, 8.0, 60)
(hv.Curve((grid, [siegert_rate(15.0, s) for s in grid]), "noise σ (mV)", "rate (Hz)",
          label="Siegert formula").opts(color="black")
 * hv.Scatter((levels, sim_rate), "noise σ (mV)", "rate (Hz)", label="simulation").opts(
     size=8, color="#D55E00")).opts(width=500, height=320, legend_position="top_left",
                                    title="μ = 15 mV: fluctuation-driven firing")

# %% tags=["nbval-check-output"]
theory = siegert_rate(15.0, 5.0)
print(f"theory at σ = 5 mV: {theory:.1f} Hz; simulation within 10 %:",
      abs(sim_rate[4] - theory) < 0.1 * theory)

# %% [markdown]
# The simulation sits slightly below the formula: with a time step of 0.05 ms, a
# trajectory can cross the threshold and come back between two steps unseen.
#
# ## 3. How irregular? The CV of interspike intervals
# A clock fires with $CV = 0$; a Poisson process has $CV = 1$.
#
# **Exercise 2.** What is the CV of the interspike intervals at $\mu = 15$ mV,
# $\sigma = 5$ mV? Take the intervals between each neuron's successive spikes in the
# population of section 2 (`idx`, `t`), pool them over neurons (the neurons are alike) and
# divide their standard deviation by their mean. (`isi_cv(times)` does the last step for
# one spike train.)

# %%
my_cv = None   # replace None by your answer (a number)
### BEGIN SOLUTION
intervals = np.concatenate([np.diff(np.sort(t[(idx == k) & (t > 200.0)])) for k in range(n)])
my_cv = intervals.std() / intervals.mean()
### END SOLUTION
nb.lessons.check("lif_noise_cv", my_cv)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_cv here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("lif_noise_cv", my_cv)
### END HIDDEN TESTS

# %% [markdown]
# **Mean-driven versus fluctuation-driven.** Keep $\sigma = 3$ mV and move the mean $\mu$
# across threshold. Below threshold the neuron waits for a lucky fluctuation: irregular
# firing, CV near 1. Above threshold it charges up deterministically and the noise only
# jitters the intervals: regular firing, small CV. The line is the first-passage theory of
# the CV (Brunel 2000, appendix; Tuckwell 1988).

# %%
mus = np.repeat([15.0, 16.0, 18.0, 20.0, 22.0, 25.0, 30.0], 25)
drive = nb.simulate(nb.Population(NoisyLIF, n=mus.size, name="lif", mu=mus, sigma=3.0),
                    4000.0, dt=0.05, method="em", seed=4, record=["lif[0].V"], stride=100)
d_idx, d_t = drive.spikes["index"], drive.spikes["time"]
cv_sim = []
for m in np.unique(mus):
    trains = [np.sort(d_t[(d_idx == k) & (d_t > 200.0)]) for k in np.flatnonzero(mus == m)]
    pooled = np.concatenate([np.diff(s) for s in trains])
    cv_sim.append(pooled.std() / pooled.mean())
mgrid = np.linspace(14.0, 30.0, 40)
(hv.Curve((mgrid, [lif_isi_cv(m, 3.0) for m in mgrid]), "mean input μ (mV)", "CV of ISIs",
          label="theory").opts(color="black")
 * hv.Scatter((np.unique(mus), cv_sim), "mean input μ (mV)", "CV of ISIs", label="simulation").opts(
     size=8, color="#D55E00")
 * hv.VLine(20.0).opts(color="gray", line_dash="dotted")).opts(
    width=500, height=320, legend_position="top_right", ylim=(0, 1.1),
    title="σ = 3 mV; threshold at 20 mV (dotted)")

# %% tags=["nbval-check-output"]
print("irregular below threshold (CV > 0.6):", cv_sim[0] > 0.6,
      "| regular far above (CV < 0.3):", cv_sim[-1] < 0.3)

# %% [markdown]
# ## 4. Coherence resonance
# An *excitable* FitzHugh–Nagumo neuron ($a > 1$: the rest state is stable, there is no
# oscillation without input) with noise on its slow variable (Pikovsky & Kurths 1997):
#
# $$\varepsilon\,\dot x = x - \tfrac{x^3}{3} - y, \qquad \dot y = x + a + D\,\xi(t),
#   \qquad \varepsilon = 0.01,\ a = 1.05 .$$
#
# Weak noise rarely kicks it over threshold: long, random waits, high CV. Strong noise
# makes the spikes themselves ragged. In between, the wait is short and the spike takes
# its deterministic time: the spike train is most regular. One neuron per noise level:

# %%
Ds = np.array([0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5])
fhn = nb.simulate(nb.Population(NoisyFHN, n=Ds.size, name="fhn", D=Ds), 1500.0, dt=0.002,
                  method="em", seed=5, stride=5)
cv_fhn = [isi_cv(nb.lessons.spike_times(fhn.t, fhn[f"fhn[{k}].x"], 0.0)) for k in range(Ds.size)]
window = fhn.t < 150.0
traces = [hv.Curve((fhn.t[window], fhn[f"fhn[{k}].x"][window]), "time (ms)", "x").opts(
              width=450, height=200, title=f"D = {Ds[k]}: CV = {cv_fhn[k]:.2f}")
          for k in (0, 3, Ds.size - 1)]
cv_plot = (hv.Curve((Ds, cv_fhn), "noise strength D", "CV of ISIs")
           * hv.Scatter((Ds, cv_fhn), "noise strength D", "CV of ISIs").opts(size=7, color="#D55E00")
           ).opts(hv.opts.Curve(color="#D55E00", line_width=2)).opts(
               logx=True, xlim=(0.015, 0.65), ylim=(0, None), xticks=[0.02, 0.05, 0.1, 0.2, 0.5],
               width=450, height=200,
               title="coherence resonance")
hv.Layout([cv_plot] + traces).cols(2)

# %% tags=["nbval-check-output"]
best = int(np.argmin(cv_fhn))
print("the most regular firing is at an intermediate noise level:", 0 < best < Ds.size - 1,
      "| its CV is below 0.3:", cv_fhn[best] < 0.3)

# %% [markdown]
# **Question.** The minimum of the CV is at an intermediate $D$. Which two time scales does
# the noise trade off? (Hint: the *activation* time, the wait for a kick over threshold,
# and the *excursion* time of the spike itself.)
#
# ## What you learned
# - OU noise is white noise filtered with a time constant; its autocorrelation decays as
#   $e^{-|s|/\tau}$.
# - Fluctuations make a neuron fire even when its mean input is below threshold; the
#   Siegert formula gives the rate of the noisy integrate-and-fire neuron.
# - Fluctuation-driven firing is irregular (CV near 1), mean-driven firing is regular.
# - In an excitable neuron, an intermediate noise level makes firing most regular:
#   coherence resonance.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/14_noise.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/14_noise.ipynb` in the address bar by `/panel-preview/render/lessons/14_noise.ipynb`.
