"""Whole-brain structural connectomes read from an installed package.

The data come from the ``tvb-data`` package on PyPI (install it with
``pip install "nbblox[connectome]"`` or ``pip install tvb-data``); nothing is
downloaded at run time.  tvb-data is distributed by the TVB team under the
GPL v3; nbblox only reads its files when the user has installed it and does
not copy them.  Cite: Sanz Leon P. et al. (2013) The Virtual Brain: a
simulator of primate brain network dynamics. Front. Neuroinform. 7:10,
doi:10.3389/fninf.2013.00010 (the 76-region set derives from the CoCoMac
macaque database mapped onto human regions: Kötter R. (2004)
Neuroinformatics 2:127-144, doi:10.1385/NI:2:2:127).

Orientation: TVB files store ``weights[target, source]`` (a region sums its
row).  :class:`Connectome` transposes them into nbblox's convention, the one
:meth:`nbblox.Circuit.from_adjacency` takes: ``weights[i, j]`` is the
connection FROM region ``i`` TO region ``j`` (rows are sources).

A whole-brain network, by hand or with :meth:`Connectome.to_circuit`::

    cx = nb.data.connectome("tvb76").normalized("max")
    nodes = [nb.blox.WilsonCowan(name=lb) for lb in cx.labels]
    c = nb.Circuit.from_adjacency(nodes, 0.2 * cx.weights,
                                  delays=cx.delays(speed=3.0))   # ms, speed in mm/ms
    res = nb.sweep(c, {"coupling": np.linspace(0, 1, 11)}, t_end=..., dt=...)

Delayed circuits compile with history buffers; ``speed=None`` in
``to_circuit`` (or no ``delays=``) gives instantaneous coupling.
"""
from __future__ import annotations

import bz2
import io
import re
import zipfile
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from .._text import counted
from ..exceptions import NbbloxError, ParameterError, suggest

__all__ = ["connectome", "Connectome", "CONNECTOMES"]

# name -> (package, file inside it, description)
CONNECTOMES = {
    "tvb76": ("tvb_data.connectivity", "connectivity_76.zip",
              "76 regions (38 per hemisphere), CoCoMac-derived, TVB default"),
    "tvb66": ("tvb_data.connectivity", "connectivity_66.zip",
              "66 regions (Hagmann et al. 2008 parcellation)"),
    "tvb68": ("tvb_data.connectivity", "connectivity_68.zip",
              "68 regions (Desikan-Killiany cortical parcellation)"),
    "tvb96": ("tvb_data.connectivity", "connectivity_96.zip", "96 regions"),
    "tvb192": ("tvb_data.connectivity", "connectivity_192.zip", "192 regions"),
}


@dataclass
class Connectome:
    """A structural connectome.

    Attributes
    ----------
    name : str
    weights : ndarray (n, n)
        Connection strengths, ``weights[i, j]`` from region i to region j
        (arbitrary units, as in the source).
    tract_lengths : ndarray (n, n)
        Fibre lengths in mm, same orientation.
    labels : list of str
        Region labels.
    centres : ndarray (n, 3)
        Region centres (mm).
    areas : ndarray (n,) or None
    cortical : ndarray (n,) of bool or None
    orientations : ndarray (n, 3) or None
        Average unit normal of each region (for dipole lead fields).
    """

    name: str
    weights: np.ndarray
    tract_lengths: np.ndarray
    labels: list
    centres: np.ndarray
    areas: np.ndarray = None
    cortical: np.ndarray = None
    info: dict = field(default_factory=dict)
    orientations: np.ndarray = None

    @property
    def n_regions(self):
        return len(self.labels)

    def delays(self, speed=3.0):
        """Conduction delays in ms: ``tract_lengths / speed`` (speed in mm/ms
        = m/s; 3 m/s is TVB's default)."""
        speed = float(speed)
        if not np.isfinite(speed) or speed <= 0:
            raise ParameterError(f"conduction speed must be > 0 mm/ms, got {speed}")
        return self.tract_lengths / speed

    def normalized(self, how="max"):
        """Copy with weights scaled: ``"max"`` (largest = 1) or ``"sum"``
        (each target's incoming weights sum to 1 -- columns)."""
        w = self.weights.astype(float).copy()
        if how == "max":
            w /= w.max()
        elif how == "sum":
            s = w.sum(axis=0)
            w = np.divide(w, s, out=np.zeros_like(w), where=s > 0)
        else:
            raise ParameterError(f"normalized(how=...) takes 'max' or 'sum', not {how!r}")
        return Connectome(self.name, w, self.tract_lengths.copy(), list(self.labels),
                          self.centres.copy(), self.areas, self.cortical, dict(self.info),
                          self.orientations)

    def to_circuit(self, blox_type, *, speed=None, coupling="additive", strength=1.0,
                   normalize=None, self_connections=False, name=None, **params):
        """A Circuit of one ``blox_type`` per region wired by these weights.

        ``speed`` (mm/ms) turns tract lengths into delays; without it the
        connections are instantaneous.  ``coupling`` ("additive" or
        "diffusive"), ``strength`` (global coupling, scales every weight) and
        ``normalize`` are those of :meth:`nbblox.Circuit.from_adjacency`; a
        number for ``coupling`` is read as the strength (the older spelling).

        Examples
        --------
        >>> import numpy as np, nbblox as nb
        >>> cx = Connectome("toy", np.array([[0, 1.0], [0.5, 0]]), np.full((2, 2), 30.0),
        ...                 ["a", "b"], np.zeros((2, 3)))
        >>> c = cx.to_circuit(nb.blox.WilsonCowan, strength=0.1, speed=None)
        >>> sorted((k.src, k.dst, k.weight) for k in c.connections)
        [('a', 'b', 0.1), ('b', 'a', 0.05)]
        """
        from ..model.circuit import Circuit
        if not isinstance(coupling, str):     # to_circuit(..., coupling=0.1): a strength
            coupling, strength = "additive", coupling
        names = [_ident(lb, i) for i, lb in enumerate(self.labels)]
        blox = [blox_type(name=nm, **params) for nm in names]
        W = self.weights.astype(float)
        if not self_connections:
            W = W - np.diag(np.diag(W))
        delays = None if speed is None else self.delays(speed)
        return Circuit.from_adjacency(blox, W, delays, coupling=coupling, strength=strength,
                                      normalize=normalize, name=name or self.name)

    def __repr__(self):
        return (f"<Connectome '{self.name}': {counted(self.n_regions, 'region')}, "
                f"{counted(int(np.count_nonzero(self.weights)), 'connection')}>")


def _ident(label, i):
    """A blox name from a region label (letters, digits, underscore)."""
    s = "".join(ch if ch.isalnum() else "_" for ch in str(label))
    if not s or not (s[0].isalpha() or s[0] == "_"):
        s = f"r{i}_{s}"
    return s


def _read(zf, stem):
    names = {n.rsplit("/", 1)[-1]: n for n in zf.namelist()}
    if f"{stem}.txt" in names:
        return zf.read(names[f"{stem}.txt"]).decode("utf-8", "replace")
    if f"{stem}.txt.bz2" in names:
        return bz2.decompress(zf.read(names[f"{stem}.txt.bz2"])).decode("utf-8", "replace")
    return None


def _matrix(text, what, name):
    try:
        arr = np.loadtxt(io.StringIO(text), dtype=np.float64, ndmin=2)
    except ValueError as exc:
        raise NbbloxError(f"connectome '{name}': cannot read {what}: {exc}") from None
    return arr


def load_zip(source, name="connectome"):
    """Read a TVB-format connectivity zip (a path or file object)."""
    with zipfile.ZipFile(source) as zf:
        w_txt, t_txt, c_txt = (_read(zf, s) for s in ("weights", "tract_lengths", "centres"))
        if w_txt is None or c_txt is None:
            raise NbbloxError(f"connectome '{name}': the archive lacks weights or centres")
        weights = _matrix(w_txt, "weights", name)
        labels, centres = [], []
        for line in c_txt.splitlines():
            parts = line.split()
            if len(parts) >= 4:  # "label x y z" (one archive adds a trailing column)
                try:
                    xyz = [float(v) for v in parts[1:4]]
                except ValueError:
                    raise NbbloxError(f"connectome '{name}': bad centres line "
                                      f"{line.strip()!r}") from None
                labels.append(parts[0])
                centres.append(xyz)
        centres = np.array(centres, dtype=np.float64).reshape(-1, 3)
        n = len(labels)
        if weights.shape != (n, n):
            raise NbbloxError(f"connectome '{name}': weights are {weights.shape} but there "
                              f"are {n} region centres")
        if t_txt is not None:
            lengths = _matrix(t_txt, "tract lengths", name)
        else:  # TVB's rule when lengths are missing: Euclidean distance of centres
            lengths = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
        if lengths.shape != (n, n):
            raise NbbloxError(f"connectome '{name}': tract lengths are {lengths.shape}, "
                              f"expected {(n, n)}")
        a_txt, k_txt, i_txt, o_txt = (_read(zf, s) for s in ("areas", "cortical", "info",
                                                             "average_orientations"))
    areas = _matrix(a_txt, "areas", name).ravel() if a_txt else None
    cortical = (_matrix(k_txt, "cortical", name).ravel() > 0) if k_txt else None
    orientations = _matrix(o_txt, "orientations", name) if o_txt else None
    if orientations is not None and orientations.shape != (n, 3):
        orientations = None  # malformed: leave it out rather than misalign regions
    info = dict(re.findall(r'(\w+)\s*=\s*"([^"]*)"', i_txt or ""))
    if not (np.all(np.isfinite(weights)) and np.all(np.isfinite(lengths))):
        raise NbbloxError(f"connectome '{name}': weights or tract lengths hold NaN or inf")
    # TVB stores [target, source]; nbblox wants [source, target]
    return Connectome(name, np.ascontiguousarray(weights.T), np.ascontiguousarray(lengths.T),
                      labels, centres, areas, cortical, info, orientations)


def connectome(name="tvb76"):
    """A whole-brain connectome from an installed data package.

    Parameters
    ----------
    name : str
        One of ``CONNECTOMES``: ``"tvb76"`` (default), ``"tvb66"``,
        ``"tvb68"``, ``"tvb96"``, ``"tvb192"`` (from ``tvb-data``), or the
        path of a TVB-format connectivity ``.zip``.

    Returns
    -------
    Connectome

    Examples
    --------
    >>> import nbblox as nb
    >>> cx = nb.data.connectome("tvb76")      # doctest: +SKIP
    >>> cx.weights.shape, cx.labels[:2]       # doctest: +SKIP
    ((76, 76), ['rA1', 'rA2'])
    """
    if isinstance(name, str) and name.endswith(".zip"):
        return load_zip(name, name=name.rsplit("/", 1)[-1][:-4])
    if name not in CONNECTOMES:
        raise ParameterError(f"unknown connectome {name!r}; available: "
                             f"{', '.join(CONNECTOMES)} (or a path to a TVB .zip)."
                             + suggest(str(name), list(CONNECTOMES)))
    package, filename, _ = CONNECTOMES[name]
    try:
        ref = resources.files(package).joinpath(filename)
    except ModuleNotFoundError:
        raise NbbloxError(
            f"connectome {name!r} comes from the 'tvb-data' package, which is not "
            "installed; install it with: pip install tvb-data  (or pip install "
            "'nbblox[connectome]'). nbblox never downloads data at run time.") from None
    if not ref.is_file():
        raise NbbloxError(f"the installed tvb-data has no {filename}; "
                          "reinstall it with: pip install --force-reinstall tvb-data")
    with ref.open("rb") as fh:
        return load_zip(io.BytesIO(fh.read()), name=name)
