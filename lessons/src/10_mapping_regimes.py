# %% [markdown]
# # Lesson 10 — Mapping a model's regimes: sweeps and two-parameter diagrams
#
# *Runs top to bottom in about ? s*
#
# **Learning goals.** After this lesson you can
# 1. run a model at thousands of parameter values at once with `nb.sweep`;
# 2. draw a regime map (rest / oscillation) from a brute-force sweep;
# 3. continue a Hopf point in two parameters (`nb.continuation2`) and see that the curve
#    bounds the oscillating region exactly;
# 4. recognise a cusp (where two folds meet) in a two-parameter diagram.

# %%
import numpy as np
import holoviews as hv
import nbblox as nb
nb.setup_notebook()

# %% [markdown]
# ## 1. A brute-force map of FitzHugh–Nagumo
# Sweep the current $I$ and the recovery offset $a$ on a 40 × 30 grid and measure the
# amplitude of $V$ after a transient.

# %%
fhn = nb.blox.FitzHughNagumo(name="fhn")
fhn

# %%
res = nb.sweep(fhn, {"fhn.I": np.linspace(0.0, 2.0, 40), "fhn.a": np.linspace(0.3, 1.0, 30)},
               t_end=400.0, dt=0.05, record=["fhn.V"], measure="amplitude", transient=200.0)
amp = res["amplitude"].sel(variable="fhn.V")   # an xarray.DataArray: one value per (I, a)
I_grid, a_grid = amp["fhn.I"].values, amp["fhn.a"].values
print(f"amplitude of V at {amp.size} parameter pairs ({I_grid.size} currents I from "
      f"{I_grid[0]:g} to {I_grid[-1]:g} × {a_grid.size} offsets a from {a_grid[0]:g} to "
      f"{a_grid[-1]:g}): up to {float(amp.max()):.2f}")

# %% tags=["nbval-check-output"]
print("oscillating (amplitude > 1):", int((amp.values > 1.0).sum()), "of", amp.size, "parameter pairs")

# %%
I_dim = hv.Dimension("fhn.I", label="input current I")
a_dim = hv.Dimension("fhn.a", label="recovery offset a")
heat = hv.Image((amp["fhn.I"].values, amp["fhn.a"].values, amp.transpose("fhn.a", "fhn.I").values),
                [I_dim, a_dim], hv.Dimension("amplitude", label="amplitude of V")).opts(
    width=540, height=350, colorbar=True, cmap="viridis",
    title="FitzHugh–Nagumo: oscillation amplitude over (I, a)")
heat

# %% [markdown]
# ## 2. The same boundary, exactly: a Hopf curve
# Find a Hopf point in $I$, then follow it as $a$ changes too.

# %%
br = nb.continuation(fhn, "fhn.I", (0.0, 2.0))
hopf = [sp for sp in br.special_points if sp.kind == "H"][0]
curve = nb.continuation2(fhn, hopf, ("fhn.I", "fhn.a"),
                         bounds={"fhn.I": (0.0, 2.0), "fhn.a": (0.3, 1.0)})
pv = np.asarray(curve.param_values)
(heat * hv.Curve((pv[:, 0], pv[:, 1]), I_dim, a_dim, label="Hopf curve").opts(
    color="white", line_width=3)).opts(title="the sweep's boundary and the Hopf curve",
                                       legend_position="bottom_right")

# %% [markdown]
# **Question.** Where do the sweep's oscillating cells and the Hopf curve disagree, and
# why? (Hint: the grid resolution, and the transient.)
#
# Check a point of the map by hand: set `fhn.a` and drag `fhn.I` across the boundary; the
# bifurcation view shows where the Hopf point lies for the current `a`.

# %%
ex = nb.explore(fhn, vars=["fhn.V"], t_end=400.0, dt=0.05,
                views=("timeseries", "bifurcation"), bifurcation=("fhn.I", (0.0, 2.0)))
ex.set({"fhn.a": 0.5, "fhn.I": 0.3})
ex

# %% [markdown]
# **Exercise.** At `a = 0.5`, at which current $I$ does FitzHugh–Nagumo start to oscillate
# (the lower Hopf point)? Read it from the Hopf curve or continue in $I$ with
# `params={"fhn.a": 0.5}`.

# %%
my_hopf_I = None   # replace None by your answer
### BEGIN SOLUTION
br_a05 = nb.continuation(fhn, "fhn.I", (0.0, 2.0), params={"fhn.a": 0.5})
my_hopf_I = [sp.param_value for sp in br_a05.special_points if sp.kind == "H"][0]
### END SOLUTION
nb.lessons.check("fhn_hopf_I_a05", my_hopf_I)

# %%
# Graded (1 point): when your notebook is collected, a hidden test checks my_hopf_I here.
### BEGIN HIDDEN TESTS
assert nb.lessons.check("fhn_hopf_I_a05", my_hopf_I)
### END HIDDEN TESTS

# %% [markdown]
#
# ## 3. Folds that meet: a cusp in Wilson–Cowan
# With strong self-excitation, Wilson–Cowan has bistable ranges bounded by pairs of folds.
# Continue one fold in the drive $P$ and the coupling $c_1$: the two folds meet at a cusp.

# %%
wc = nb.blox.WilsonCowan(name="wc", c1=24.0)
wbr = nb.continuation(wc, "wc.P", (-2.0, 3.0), params={"wc.P": -2.0})
wbr.plot()

# %% tags=["nbval-check-output"]
print("folds (LP) along the branch at P =",
      ", ".join(f"{sp.param_value:.2f}" for sp in wbr.special_points if sp.kind == "LP"))
others = [sp.kind for sp in wbr.special_points if sp.kind != "LP"]
if others:
    print("other special points:", ", ".join(others))

# %%
fold = [sp for sp in wbr.special_points if sp.kind == "LP"][0]
fcurve = nb.continuation2(wc, fold, ("wc.P", "wc.c1"),
                          bounds={"wc.P": (-2.0, 3.0), "wc.c1": (10.0, 30.0)})
fv = np.asarray(fcurve.param_values)
cusps = [sp for sp in fcurve.special_points if sp.kind == "CP"]
P_dim = hv.Dimension("wc.P", label="P · external drive to E")
c1_dim = hv.Dimension("wc.c1", label="c1 · E → E coupling")
plot = hv.Curve((fv[:, 0], fv[:, 1]), P_dim, c1_dim, label="fold curve").opts(
    width=450, padding=0.08, title="Wilson–Cowan 'wc': the fold curve in (P, c1)")
if cusps:
    plot = (plot * hv.Scatter([tuple(np.atleast_1d(c.param_value)[:2]) for c in cusps],
                              P_dim, c1_dim, label="cusp").opts(size=10, color="red")
            ).opts(legend_position="bottom_left")
plot

# %% tags=["nbval-check-output"]
for c in cusps:
    P_cusp, c1_cusp = np.atleast_1d(c.param_value)[:2]
    print(f"cusp (CP) on the fold curve at P = {P_cusp:.1f}, c1 = {c1_cusp:.1f}")
if not cusps:
    print("no cusp (CP) on the fold curve in this window")

# %% [markdown]
# Inside the fold curve the model is bistable; outside it has a single state. At the cusp
# the bistable region closes.
#
# ## What you learned
# - Sweeps give a quick, brute-force map of regimes.
# - Continuation gives the exact boundaries: Hopf curves for oscillations, fold curves for
#   bistability, meeting at codimension-two points such as a cusp.

# %% [markdown]
# **See it as a dashboard.** In a terminal: `nbblox serve lessons/10_mapping_regimes.ipynb`. On Binder (no second port), replace `/lab/tree/lessons/10_mapping_regimes.ipynb` in the address bar by `/panel-preview/render/lessons/10_mapping_regimes.ipynb`.
