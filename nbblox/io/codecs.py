"""Result objects <-> xarray Datasets (the content of a saved file).

Each result type has an ``encode`` (object -> root Dataset and child groups)
and a ``decode`` (Datasets -> an object equal to the original).  The main
arrays get named dimensions and CF attributes (``time`` in ms, parameter
``units``); everything else (final state, weights, special points, method
extras) goes through :mod:`.pack` -- JSON for structure, one variable per
array.  Provenance (circuit JSON, versions, hashes) is added by
:mod:`.store`, not here.
"""
from __future__ import annotations

import numpy as np

from .pack import FileFormatError, pack, unpack

__all__ = ["CODECS", "kind_of"]


# -- arrays <-> variables --------------------------------------------------------
def _vars(arrays):
    """Packed arrays as variables: own dims ``<name>_d<k>``; complex arrays get a
    trailing ``<name>_reim`` (real, imaginary) axis (netCDF has no complex type)."""
    out = {}
    for name, a in arrays.items():
        a = np.asarray(a)
        if a.dtype.kind == "c":
            a = np.stack([a.real, a.imag], axis=-1)
            dims = tuple(f"{name}_d{k}" for k in range(a.ndim - 1)) + (f"{name}_reim",)
        else:
            dims = tuple(f"{name}_d{k}" for k in range(a.ndim))
        out[name] = (dims, a)
    return out


def _arrays(ds, prefix):
    out = {}
    for name, var in ds.data_vars.items():
        if not str(name).startswith(prefix + "_"):
            continue
        a = np.asarray(var.values)
        if var.dims and str(var.dims[-1]).endswith("_reim"):
            if a.shape[-1] != 2:
                raise FileFormatError(f"variable {name!r}: a complex array needs a final "
                                      "axis of length 2")
            a = a[..., 0] + 1j * a[..., 1]
        out[str(name)] = a
    return out


def _fields(ds, attr="nbblox_fields", prefix="field"):
    if attr not in ds.attrs:
        raise FileFormatError(f"the file lacks the attribute {attr!r}")
    return unpack(ds.attrs[attr], _arrays(ds, prefix), f"attribute {attr!r}")


def _strings(a):
    return [str(s) for s in np.asarray(a).tolist()]


def _need(ds, *names):
    for n in names:
        if n not in ds.variables:
            raise FileFormatError(f"the file lacks the variable {n!r}")


# -- Solution ---------------------------------------------------------------------
def _units(sol, names):
    system = sol.system
    if system is None:
        known = getattr(sol, "_parameter_units", {})
        return [known.get(n, "") for n in names]
    out = []
    for n in names:
        try:
            out.append(system.parameter_info(n).unit or "")
        except Exception:  # a name the circuit no longer resolves: leave it unitless
            out.append("")
    return out


def encode_solution(sol):
    import xarray as xr
    pnames = list(sol.params)
    state_names = (list(sol.system.state_names) if sol.system is not None
                   else getattr(sol, "_state_names", None))
    fields = {"final_state": sol.final_state, "state_names": state_names,
              "info": sol.info, "weights": sol.weights, "weight_history": sol.weight_history,
              "start": sol.start}
    text, arrays = pack(fields, "field")
    spikes = sol.spikes
    data = {
        "trace": (("variable", "time"), np.asarray(sol.values, dtype=np.float64),
                  {"long_name": "recorded state"}),
        "parameter_value": ("parameter", np.array([sol.params[k] for k in pnames],
                                                  dtype=np.float64),
                            {"long_name": "parameter value used in the run"}),
        "spike_time": ("spike", np.asarray(spikes["time"], dtype=np.float64),
                       {"units": "ms", "long_name": "spike time"}),
        "spike_index": ("spike", np.asarray(spikes["index"], dtype=np.int64),
                        {"long_name": "neuron index within its blox or population"}),
        "spike_blox": ("spike", np.asarray(spikes["blox"]).astype(str),
                       {"long_name": "blox or population that spiked"}),
        **_vars(arrays)}
    coords = {"time": ("time", np.asarray(sol.t, dtype=np.float64),
                       {"units": "ms", "standard_name": "time", "long_name": "time"}),
              "variable": ("variable", np.array(sol.names, dtype=str)),
              "parameter": ("parameter", np.array(pnames, dtype=str)),
              "parameter_units": ("parameter", np.array(_units(sol, pnames), dtype=str))}
    if sol.sensitivities is not None:
        data["sensitivity"] = (("variable", "sensitivity_wrt", "time"),
                               np.asarray(sol.sensitivities, dtype=np.float64),
                               {"long_name": "forward sensitivity d(state)/d(parameter)"})
        coords["sensitivity_wrt"] = ("sensitivity_wrt",
                                     np.array(sol.sensitivity_names, dtype=str))
    ds = xr.Dataset(data, coords=coords, attrs={"nbblox_fields": text})
    return ds, {}


def decode_solution(ds, children=None):
    from ..sim.solution import Solution
    _need(ds, "trace", "time", "variable", "parameter", "parameter_value", "spike_time",
          "spike_index", "spike_blox")
    f = _fields(ds)
    pnames = _strings(ds["parameter"].values)
    spikes = {"index": np.asarray(ds["spike_index"].values, dtype=np.int64),
              "time": np.asarray(ds["spike_time"].values, dtype=np.float64),
              "blox": np.asarray(ds["spike_blox"].values).astype(str)}
    if spikes["blox"].size == 0:
        spikes["blox"] = np.zeros(0, dtype="<U1")
    sol = Solution(np.asarray(ds["time"].values, dtype=np.float64),
                   _strings(ds["variable"].values),
                   np.asarray(ds["trace"].values, dtype=np.float64),
                   final_state=f.get("final_state"),
                   params=dict(zip(pnames, np.asarray(ds["parameter_value"].values).tolist())),
                   info=f.get("info") or {}, spikes=spikes)
    if "sensitivity" in ds:
        sol.sensitivities = np.asarray(ds["sensitivity"].values, dtype=np.float64)
        sol.sensitivity_names = _strings(ds["sensitivity_wrt"].values)
    sol.weights = f.get("weights") or {}
    sol.weight_history = f.get("weight_history")
    sol.start = f.get("start")
    sol._state_names = f.get("state_names")
    if "parameter_units" in ds.coords:
        sol._parameter_units = dict(zip(pnames, _strings(ds["parameter_units"].values)))
    return sol


# -- Branch (continuation) ----------------------------------------------------------
_POINT_FIELDS = ("kind", "param_value", "state", "lyapunov", "eigenvalues", "param_names",
                 "x", "params", "index", "frequency", "normal_form", "data")


def encode_branch(br):
    import xarray as xr
    points = [{f: getattr(p, f) for f in _POINT_FIELDS} for p in br.special_points]
    fields = {"kind": br.kind, "param_names": br.param_names, "reason": br.reason,
              "special_points": points, "eigenvalues": br.eigenvalues, "period": br.period,
              "min": br.min, "max": br.max, "multipliers": br.multipliers,
              "profiles": br.profiles, "extra": br.extra}
    text, arrays = pack(fields, "field")
    pv = br.param_values
    pdims = ("point",) if pv.ndim == 1 else ("point", "continued")
    data = {"param_value": (pdims, pv, {"long_name": "continuation parameter value"}),
            "state_value": (("point", "state"), br.X, {"long_name": "state on the branch"}),
            "stable": ("point", br.stable), **_vars(arrays)}
    coords = {"state": ("state", np.array(br.state_names, dtype=str))}
    if pv.ndim == 2:
        coords["continued"] = ("continued", np.array(br.param_names, dtype=str))
    return xr.Dataset(data, coords=coords, attrs={"nbblox_fields": text}), {}


def decode_branch(ds, children=None):
    from ..analysis.branch import Branch, SpecialPoint
    _need(ds, "param_value", "state_value", "stable", "state")
    f = _fields(ds)
    points = []
    for p in f.get("special_points") or []:
        if not isinstance(p, dict) or not set(p) <= set(_POINT_FIELDS):
            raise FileFormatError("a special point in the file has unknown fields")
        points.append(SpecialPoint(**p))
    extra = dict(f.get("extra") or {})
    for k in ("period", "min", "max", "multipliers", "profiles"):
        if f.get(k) is not None:
            extra[k] = f[k]
    return Branch(f["kind"], f["param_names"], np.asarray(ds["param_value"].values),
                  np.asarray(ds["state_value"].values), _strings(ds["state"].values),
                  np.asarray(ds["stable"].values, dtype=bool), points, f["reason"],
                  eigenvalues=f.get("eigenvalues"), **extra)


# -- FitResult ----------------------------------------------------------------------
def encode_fit(fit):
    import xarray as xr
    names = list(fit.names)
    fields = {"loss": fit.loss, "success": fit.success, "message": fit.message,
              "method": fit.optimizer, "nfev": fit.nfev, "extra": fit.extra}
    # own prefix: the root's dimensions must not clash with the solution group's
    text, arrays = pack(fields, "fit")
    est = lambda d: np.array([d[n] for n in names], dtype=np.float64)   # noqa: E731
    data = {"estimate": ("fitted", est(fit.params)),
            "stderr": ("fitted", est(fit.stderr),
                       {"long_name": "standard error from the Fisher information"}),
            "start": ("fitted", est(fit.start)),
            "lower_bound": ("fitted", np.array([fit.bounds[n][0] for n in names])),
            "upper_bound": ("fitted", np.array([fit.bounds[n][1] for n in names])),
            "covariance": (("fitted", "fitted_"), fit.covariance),
            "loss_history": ("evaluation", fit.loss_history),
            **_vars(arrays)}
    ds = xr.Dataset(data, coords={"fitted": ("fitted", np.array(names, dtype=str))},
                    attrs={"nbblox_fields": text})
    obs = fit.data
    data_ds = xr.Dataset({"observed": (("variable", "time"), np.asarray(obs.values, float))},
                         coords={"time": ("time", np.asarray(obs.t, float),
                                          {"units": "ms", "standard_name": "time"}),
                                 "variable": ("variable", np.array(obs.names, dtype=str))})
    sol_ds, _ = encode_solution(fit.solution)
    return ds, {"solution": sol_ds, "data": data_ds}


def decode_fit(ds, children):
    from ..fit.data import Observations
    from ..fit.result import FitResult
    _need(ds, "estimate", "start", "lower_bound", "upper_bound", "covariance",
          "loss_history", "fitted")
    if "solution" not in children or "data" not in children:
        raise FileFormatError("a saved fit needs the groups 'solution' and 'data'")
    names = _strings(ds["fitted"].values)
    f = _fields(ds, prefix="fit")
    d = children["data"]
    _need(d, "observed", "time", "variable")
    obs = Observations(np.asarray(d["time"].values, dtype=np.float64),
                       _strings(d["variable"].values),
                       np.asarray(d["observed"].values, dtype=np.float64))
    bounds = list(zip(ds["lower_bound"].values.tolist(), ds["upper_bound"].values.tolist()))
    return FitResult(names, ds["estimate"].values, ds["covariance"].values, f["loss"],
                     ds["loss_history"].values, f["success"], f["message"], f["method"],
                     f["nfev"], ds["start"].values, bounds, decode_solution(children["solution"]),
                     obs, f.get("extra"))


# -- Posterior (nb.posterior) ----------------------------------------------------------
def encode_posterior(post):
    import xarray as xr
    text, arrays = pack({"info": post.info, "run": post.run}, "field")
    names = np.array(post.names, dtype=str)
    ds = xr.Dataset({"samples": (("chain", "draw", "parameter"),
                                 np.asarray(post.chains, dtype=np.float64),
                                 {"long_name": "posterior sample (after burn-in and thinning)"}),
                     "log_prob": (("chain", "draw"), np.asarray(post.log_prob, np.float64),
                                  {"long_name": "log-posterior of the sample"}),
                     "acceptance": ("chain", np.asarray(post.acceptance, np.float64),
                                    {"long_name": "acceptance fraction of the walker"}),
                     "autocorr": ("parameter", np.asarray(post.autocorr, np.float64),
                                  {"long_name": "integrated autocorrelation time (steps)"}),
                     **_vars(arrays)},
                    coords={"parameter": ("parameter", names)}, attrs={"nbblox_fields": text})
    children = {}
    if post.data is not None:
        t, vnames, values = post.data
        children["data"] = xr.Dataset(
            {"observed": (("variable", "time"), np.asarray(values, dtype=np.float64))},
            coords={"time": ("time", np.asarray(t, dtype=np.float64),
                             {"units": "ms", "standard_name": "time"}),
                    "variable": ("variable", np.array(vnames, dtype=str))})
    return ds, children


def decode_posterior(ds, children):
    from ..fit.posterior import Posterior
    _need(ds, "samples", "log_prob", "acceptance", "autocorr", "parameter")
    f = _fields(ds)
    if not isinstance(f, dict) or not isinstance(f.get("info"), dict):
        raise FileFormatError("a saved posterior needs its run information")
    data = None
    if "data" in (children or {}):
        d = children["data"]
        _need(d, "observed", "time", "variable")
        data = (np.asarray(d["time"].values, dtype=np.float64), _strings(d["variable"].values),
                np.asarray(d["observed"].values, dtype=np.float64))
    return Posterior(_strings(ds["parameter"].values),
                     np.asarray(ds["samples"].values, dtype=np.float64),
                     np.asarray(ds["log_prob"].values, dtype=np.float64),
                     np.asarray(ds["acceptance"].values, dtype=np.float64),
                     np.asarray(ds["autocorr"].values, dtype=np.float64), f["info"],
                     run=f.get("run") or {}, data=data)


# -- sweep Dataset --------------------------------------------------------------------
def encode_sweep(ds):
    for name, var in ds.variables.items():
        if var.dtype.kind not in "biufUS":
            raise FileFormatError(f"sweep variable {name!r} holds {var.dtype} values; only "
                                  "numbers, booleans and text can be saved")
    return ds, {}


def decode_sweep(ds, children=None):
    return ds


def kind_of(obj):
    """The result type name a file stores for ``obj`` (or None)."""
    name = type(obj).__name__
    if name in ("Solution", "Branch", "FitResult", "Posterior"):
        return name
    if name == "Dataset" and type(obj).__module__.startswith("xarray"):
        return "Sweep"
    return None


#: result type -> (encode, decode)
CODECS = {"Solution": (encode_solution, decode_solution),
          "Branch": (encode_branch, decode_branch),
          "FitResult": (encode_fit, decode_fit),
          "Posterior": (encode_posterior, decode_posterior),
          "Sweep": (encode_sweep, decode_sweep)}
