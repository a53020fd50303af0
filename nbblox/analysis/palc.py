"""Pseudo-arclength continuation engine for G(y) = 0, y in R^(m+1), G in R^m.

Used for equilibria (y = (x, p)) and codim-2 curves (extended systems).
Tangent predictor, Newton corrector on the arclength hyperplane, step-size
control from the Newton iteration count, and localisation of test-function
zeros by the Illinois method along the arc.  Every loop is capped.
"""
from __future__ import annotations

import numpy as np

__all__ = ["PALC"]


class PALC:
    def __init__(self, G, DG, tol=1e-9, maxiter=10):
        self.G, self.DG, self.tol, self.maxiter = G, DG, tol, maxiter

    def bordered(self, y, t):
        return np.vstack([self.DG(y), t[None, :]])

    def solve(self, A, b):
        try:
            return np.linalg.solve(A, b)
        except np.linalg.LinAlgError:  # exactly singular (e.g. at a branch point)
            return np.linalg.lstsq(A, b, rcond=None)[0]

    def tangent(self, y, t_prev):
        """Unit tangent at y, oriented along t_prev; also the bordered matrix."""
        A = self.bordered(y, t_prev)
        rhs = np.zeros(y.size)
        rhs[-1] = 1.0
        t = self.solve(A, rhs)
        nt = np.linalg.norm(t)
        if not np.isfinite(nt) or nt == 0:
            return t_prev, A
        t = t / nt
        if t @ t_prev < 0:
            t = -t
        return t, A

    def correct(self, y_pred, t_ref, y_anchor=None):
        """Newton on {G(y) = 0, t_ref.(y - y_pred) = 0}.  Returns (y, ok, iterations)."""
        y = y_pred.copy()
        scale = 1.0 + np.linalg.norm(y_pred)
        for it in range(1, self.maxiter + 1):
            g = self.G(y)
            if not np.all(np.isfinite(g)):
                return y, False, it
            r = np.append(g, t_ref @ (y - y_pred))
            A = self.bordered(y, t_ref)
            dy = self.solve(A, -r)
            y = y + dy
            if not np.all(np.isfinite(y)):
                return y, False, it
            if np.linalg.norm(dy) < self.tol * scale:
                g = self.G(y)
                return y, bool(np.linalg.norm(g) < 1e3 * self.tol * scale), it
        g = self.G(y)
        ok = np.linalg.norm(g) < 1e2 * self.tol * scale
        return y, bool(ok), self.maxiter

    def accept(self, y):
        """Hook: called with every accepted point (cycles update their phase reference)."""

    def step(self, y, t, ds, ds_min):
        """One predictor-corrector step with halving on failure.
        Returns (y_new, t_new, ds_used, iterations) or None."""
        h = ds
        while abs(h) >= ds_min:
            y_new, ok, it = self.correct(y + h * t, t)
            # also refuse a jump back along the branch or a huge move
            if ok and np.linalg.norm(y_new - y) < 3 * abs(h) and (y_new - y) @ t > 0:
                t_new, _ = self.tangent(y_new, t)
                if t_new @ t > 0.5 or abs(h) <= 4 * ds_min:
                    return y_new, t_new, h, it
            h = h / 2
        return None

    def locate(self, y0, t0, h, test, g0, g1, tol=1e-10, maxiter=40):
        """Zero of ``test(y, t)`` on the arc from y0 (s = 0) to s = h.

        Illinois method in the arclength s; each evaluation corrects the
        predictor y0 + s t0 back onto the branch.  Returns (y, t) or None.
        """
        a, b, ga, gb = 0.0, h, g0, g1
        best = None
        side = 0
        for _ in range(maxiter):
            s = b - gb * (b - a) / (gb - ga) if gb != ga else 0.5 * (a + b)
            if not (min(a, b) < s < max(a, b)):
                s = 0.5 * (a + b)
            y, ok, _ = self.correct(y0 + s * t0, t0)
            if not ok:
                return best
            t, _ = self.tangent(y, t0)
            g = test(y, t)
            best = (y, t)
            if g == 0 or abs(b - a) < tol * (1 + abs(h)) or not np.isfinite(g):
                return best
            if np.sign(g) == np.sign(gb):
                b, gb = s, g
                if side == 1:
                    ga /= 2
                side = 1
            else:
                a, ga = s, g
                if side == -1:
                    gb /= 2
                side = -1
            if abs(b - a) < tol * (1 + abs(h)):
                return best
        return best
