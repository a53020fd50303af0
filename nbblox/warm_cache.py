"""``python -m nbblox.warm_cache``: compile the kernels the lessons use, so a
Binder image (binder/postBuild) or a classroom machine starts warm."""
from __future__ import annotations

import time

__all__ = ["warm"]


def warm(verbose=True, names=None):
    """Compile and briefly run every continuous catalog blox on its own (or
    the catalog entries ``names``).

    Returns the list of (name, seconds, error-or-None).
    """
    import nbblox as nb
    out = []
    for name, btype in nb.blox.CATALOG.items():
        if names is not None and name not in names:
            continue
        t0 = time.perf_counter()
        err = None
        try:
            system = nb.compile(btype(name="x"))
            # RK4 refuses noise: a noisy blox is warmed with both stochastic schemes
            for method in (("em", "heun") if system.layout.has_noise else ("rk4",)):
                nb.simulate(system, 1.0, dt=0.01, method=method, seed=0)  # result unused
        except nb.NbbloxError as exc:   # e.g. blox that need inputs or events
            err = str(exc).splitlines()[0]
        except Exception as exc:  # noqa: BLE001 - warming must never break a build
            err = f"{type(exc).__name__}: {exc}"
        out.append((name, time.perf_counter() - t0, err))
        if verbose:
            print(f"{name:28s} {out[-1][1]:6.2f} s" + (f"  (skipped: {err[:60]})" if err else ""))
    return out


if __name__ == "__main__":
    warm()
