"""Normal-form coefficients at codim-1 points, from exact (SymPy) second and
third derivatives of the vector field.

Formulas: Kuznetsov YA (2004) Elements of Applied Bifurcation Theory, 3rd ed.,
Springer, doi:10.1007/978-1-4757-3978-7 -- eq. (3.20) for the first Lyapunov
coefficient, Sec. 3.5 / 8.x for the fold coefficient ``a``.  Vectors are
normalised as in MatCont: <q, q> = 1, <p, q> = 1 with <p, q> = conj(p).q.
"""
from __future__ import annotations

import numpy as np

__all__ = ["lyapunov1", "fold_coefficient", "hopf_vectors"]


def _dot(p, q):
    return np.vdot(p, q)  # conj(p) . q


def hopf_vectors(A):
    """(omega, q, p) for the imaginary pair of A nearest the imaginary axis."""
    import scipy.linalg as sla   # on first use: ~0.2 s of imports (cold start)
    ev, vl, vr = sla.eig(A, left=True, right=True)
    pos = np.where(ev.imag > 0)[0]
    if pos.size == 0:
        return None
    i = pos[np.argmin(np.abs(ev[pos].real))]
    omega = float(ev[i].imag)
    q = vr[:, i] / np.linalg.norm(vr[:, i])
    # left eigenvector for i*omega: A^T p = -i omega p  <=>  conj(p)^T A = i omega conj(p)^T
    pl = vl[:, i]  # scipy: vl^H A = ev vl^H
    p = pl / np.conj(_dot(pl, q))
    return omega, q, p


def lyapunov1(prob, x, par):
    """First Lyapunov coefficient l1 and frequency omega at a Hopf point.

    l1 < 0: supercritical (stable cycles born); l1 > 0: subcritical.
    """
    A = prob.J(x, par)
    hv = hopf_vectors(A)
    if hv is None:
        return np.nan, np.nan
    omega, q, p = hv
    qb = np.conj(q)
    n = A.shape[0]
    try:
        h11 = np.linalg.solve(A, prob.B(x, par, q, qb))
        h20 = np.linalg.solve(2j * omega * np.eye(n) - A, prob.B(x, par, q, q))
    except np.linalg.LinAlgError:
        return np.nan, omega
    val = (_dot(p, prob.C(x, par, q, q, qb)) - 2 * _dot(p, prob.B(x, par, q, h11))
           + _dot(p, prob.B(x, par, qb, h20)))
    return float(val.real / (2 * omega)), omega


def fold_coefficient(prob, x, par):
    """Fold normal-form coefficient a = <p, B(q, q)> / 2 (0 at a cusp)."""
    A = prob.J(x, par)
    try:
        import scipy.linalg as sla
        ev, vl, vr = sla.eig(A, left=True, right=True)
    except (np.linalg.LinAlgError, ValueError):
        return np.nan
    i = int(np.argmin(np.abs(ev)))
    q = np.real(vr[:, i])
    q = q / np.linalg.norm(q)
    p = np.real(vl[:, i])
    if abs(p @ q) < 1e-14:
        return np.nan
    p = p / (p @ q)
    return float(np.real(_dot(p, prob.B(x, par, q, q))) / 2)
