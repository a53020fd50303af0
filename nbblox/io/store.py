"""save() / load(): results in netCDF-4 or zarr files that carry their own
provenance, and a loader that treats every file as untrusted.

A file is an xarray DataTree: the root group holds the result (see
:mod:`.codecs`) and the envelope attributes -- CF's ``Conventions``,
``title``, ``source``, ``history``, and ``nbblox_type``, ``nbblox_circuit``
(the circuit JSON), ``nbblox_versions``, ``nbblox_model_hash`` and
``nbblox_content_hash``; a fit keeps its simulation and its data in the
child groups ``solution`` and ``data``.

Loading never unpickles and never evaluates: the format is recognised by its
magic bytes, a zarr store's codecs must be on an allow-list (zarr can declare
a pickle codec), every JSON attribute is size-bounded and decoded into plain
values, the circuit goes through ``Circuit.from_json`` (AST-whitelisted
equations), and the content hash is recomputed on what was read.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from .codecs import CODECS, kind_of
from .pack import MAX_JSON_CHARS, FileFormatError, loads
from .provenance import content_hash, model_hash, stamp, versions

__all__ = ["save", "load", "FORMAT", "FORMAT_VERSION", "ZARR_CODECS"]

FORMAT = "nbblox.result"
FORMAT_VERSION = 1
#: global attributes the envelope adds (stripped again from a loaded sweep Dataset)
ENVELOPE = ("Conventions", "title", "source", "history", "date_created", "nbblox_format",
            "nbblox_format_version", "nbblox_type", "nbblox_versions", "nbblox_circuit",
            "nbblox_model_hash", "nbblox_stamp", "nbblox_content_hash")
#: codecs a zarr store may use: compressors, checksums and plain layouts only
#: (numcodecs also has "pickle", which would run code from the file)
ZARR_CODECS = frozenset({
    "blosc", "zstd", "zlib", "gzip", "bz2", "lz4", "lzma", "crc32", "crc32c", "adler32",
    "fletcher32", "shuffle", "bitshuffle", "delta", "bytes", "transpose",
    "sharding_indexed", "vlen-utf8", "vlen-bytes", "vlen-array", "fixedscaleoffset",
    "quantize", "bitround", "packbits", "categorize", "astype"})
_NETCDF_MAGIC = (b"\x89HDF\r\n\x1a\n", b"CDF\x01", b"CDF\x02", b"CDF\x05")
_SUFFIX = {".nc": "netcdf", ".nc4": "netcdf", ".netcdf": "netcdf", ".cdf": "netcdf",
           ".zarr": "zarr"}


def _format(path, format):
    if format is not None:
        if format not in ("netcdf", "zarr"):
            raise FileFormatError(f"format must be 'netcdf' or 'zarr', not {format!r}")
        return format
    fmt = _SUFFIX.get(Path(path).suffix.lower())
    if fmt is None:
        raise FileFormatError(f"cannot tell the format of {str(path)!r} from its name: end it "
                              "in .nc (netCDF-4) or .zarr (zarr), or pass format=")
    return fmt


# -- saving ------------------------------------------------------------------------
def _envelope(result, kind, root):
    import nbblox
    saved = getattr(result, "_saved", None) or (
        root.encoding.get("nbblox_saved") if kind == "Sweep" else None) or {}
    st = stamp(result)
    circuit = st.pop("model", None)
    text = None
    if kind != "Sweep":
        from .provenance import circuit_of
        c = circuit_of(result)
        text = c.to_json() if c is not None else None
    elif isinstance(root.attrs.get("circuit"), str):
        text = root.attrs["circuit"]
    created = saved.get("created", st["created"])
    attrs = {"Conventions": "CF-1.10",
             "title": f"nbblox {kind}" + (f" of circuit '{circuit}'" if circuit else ""),
             "source": f"nbblox {nbblox.__version__}",
             "history": (saved.get("history", "") + "\n" if saved.get("history") else "")
             + f"{st['created']} written by nbblox {nbblox.__version__}",
             "date_created": created,
             "nbblox_format": FORMAT, "nbblox_format_version": FORMAT_VERSION,
             "nbblox_type": kind,
             "nbblox_versions": json.dumps(saved.get("versions") or versions())}
    if text is not None:
        if kind != "Sweep":
            attrs["nbblox_circuit"] = text
        attrs["nbblox_model_hash"] = model_hash(text)
    st.pop("versions", None)
    st.pop("created", None)
    attrs["nbblox_stamp"] = json.dumps(st)
    return attrs


def _tree_hash(root, children):
    import hashlib
    h = hashlib.sha256(b"root " + content_hash(root).encode())
    for name in sorted(children):
        h.update(f" {name} ".encode() + content_hash(children[name]).encode())
    return h.hexdigest()


def save(result, path, format=None):
    """Write a result to a netCDF-4 (``.nc``) or zarr (``.zarr``) file.

    Parameters
    ----------
    result : Solution, Branch, FitResult, Posterior or sweep Dataset
        What :func:`nbblox.simulate`, :func:`nbblox.continuation`,
        :func:`nbblox.fit`, :func:`nbblox.posterior` or :func:`nbblox.sweep`
        returned (or a loaded one).
    path : str or path-like
        A ``.nc`` file or a ``.zarr`` directory.  An existing file is
        replaced; an existing directory only if it is an nbblox zarr store.
    format : {"netcdf", "zarr"}, optional
        Overrides the format the name suggests.

    Returns
    -------
    str
        ``path``, for chaining (``nb.load(sol.save("run.nc"))``).

    The file holds the result, the circuit JSON, the parameters, seed, method
    and step, the versions of nbblox, Python, NumPy, numba, SciPy, SymPy and
    xarray, and a SHA-256 of its content (checked by :func:`load`).

    Examples
    --------
    >>> import nbblox as nb, os, tempfile
    >>> br = nb.continuation(nb.blox.FitzHughNagumo(name="fhn"), "fhn.I", (0.0, 2.0))
    >>> back = nb.load(nb.save(br, os.path.join(tempfile.mkdtemp(), "branch.zarr")))
    >>> [p.kind for p in back.special_points], back.circuit.name
    (['H', 'H'], 'fhn')
    """
    import xarray as xr
    kind = kind_of(result)
    if kind is None:
        raise FileFormatError(f"nbblox saves a Solution, Branch, FitResult, Posterior or sweep "
                              "Dataset, "
                              f"not a {type(result).__name__}")
    fmt = _format(path, format)
    encode = CODECS[kind][0]
    root, children = encode(result)
    root = root.copy()
    root.attrs = {**root.attrs, **_envelope(result, kind, root)}
    root.attrs["nbblox_content_hash"] = _tree_hash(root, children)
    tree = xr.DataTree.from_dict({"/": root, **{f"/{k}": v for k, v in children.items()}})
    path = os.fspath(path)
    if fmt == "netcdf":
        _write_netcdf(tree, path)
    else:
        _write_zarr(tree, path)
    return path


def _write_netcdf(tree, path):
    # write next to the target, then rename: a crash never leaves half a file
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".nc", dir=folder)
    os.close(fd)
    try:
        tree.to_netcdf(tmp, engine="netcdf4")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _write_zarr(tree, path):
    if os.path.isdir(path):
        if not _is_nbblox_zarr(path):
            raise FileFormatError(f"{path!r} is a directory that is not an nbblox zarr store; "
                                  "nbblox will not replace it")
        shutil.rmtree(path)
    elif os.path.exists(path):
        raise FileFormatError(f"{path!r} exists and is not a directory")
    tree.to_zarr(path, mode="w-", zarr_format=2, consolidated=True)


def _is_nbblox_zarr(path):
    try:
        with open(os.path.join(path, ".zattrs"), encoding="utf-8") as fh:
            return json.load(fh).get("nbblox_format") == FORMAT
    except (OSError, ValueError, AttributeError):
        return False


# -- loading -----------------------------------------------------------------------
def _detect(path):
    if os.path.isdir(path):
        if not any(os.path.exists(os.path.join(path, f)) for f in (".zgroup", "zarr.json")):
            raise FileFormatError(f"{path!r} is a directory but not a zarr store")
        return "zarr"
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not any(head.startswith(m) for m in _NETCDF_MAGIC):
        raise FileFormatError(f"{path!r} is not a netCDF file or zarr store (it starts with "
                              f"{head[:4]!r}); nbblox results are .nc files or .zarr folders")
    return "netcdf"


def _codec_ids(meta):
    """Codec names a zarr v2 .zarray or v3 zarr.json array declares."""
    ids = []
    for key in ("compressor",):
        c = meta.get(key)
        if c is not None:
            ids.append(c.get("id") if isinstance(c, dict) else c)
    for key in ("filters", "codecs"):
        for c in meta.get(key) or []:
            if isinstance(c, dict):
                ids.append(c.get("id", c.get("name")))
                inner = (c.get("configuration") or {}).get("codecs")
                if inner:
                    ids += _codec_ids({"codecs": inner})
            else:
                ids.append(c)
    return ids


def check_zarr(path):
    """Refuse a zarr store whose arrays use a codec outside :data:`ZARR_CODECS`
    (e.g. numcodecs' pickle) or that contains symbolic links."""
    for folder, dirs, files in os.walk(path, followlinks=False):
        for name in dirs + files:
            if os.path.islink(os.path.join(folder, name)):
                raise FileFormatError(f"the zarr store {path!r} contains a symbolic link "
                                      f"({name}); nbblox does not follow links out of a store")
        for name in files:
            if name not in (".zarray", "zarr.json", ".zmetadata"):
                continue
            full = os.path.join(folder, name)
            if os.path.getsize(full) > MAX_JSON_CHARS:
                raise FileFormatError(f"{full}: metadata larger than {MAX_JSON_CHARS} bytes")
            with open(full, encoding="utf-8") as fh:
                meta = loads(fh.read(), full)
            metas = [meta]
            if name == ".zmetadata" and isinstance(meta, dict):
                metas = [m for k, m in (meta.get("metadata") or {}).items()
                         if k.endswith(".zarray")]
            elif name == "zarr.json" and isinstance(meta, dict):
                nested = (meta.get("consolidated_metadata") or {}).get("metadata") or {}
                metas += list(nested.values())
            for m in metas:
                if not isinstance(m, dict):
                    raise FileFormatError(f"{full}: array metadata must be an object")
                bad = [c for c in _codec_ids(m) if c not in ZARR_CODECS]
                if bad:
                    raise FileFormatError(
                        f"the zarr store {path!r} uses the codec {bad[0]!r}, which nbblox does "
                        "not open (only compression and plain layouts: a codec such as "
                        "'pickle' would run code from the file)")


def _open(path, fmt):
    import xarray as xr
    kw = dict(decode_times=False, decode_timedelta=False)
    try:
        if fmt == "zarr":
            check_zarr(path)
            tree = xr.open_datatree(path, engine="zarr", consolidated=None, **kw)
        else:
            tree = xr.open_datatree(path, engine="netcdf4", **kw)
        with tree:
            tree = tree.load()
    except FileFormatError:
        raise
    except Exception as exc:  # netCDF4/HDF5/zarr report damage in many ways
        raise FileFormatError(f"cannot read {path!r}: {type(exc).__name__}: {exc}") from None
    root = tree.to_dataset(inherit=False)
    children = {str(k): node.to_dataset(inherit=False) for k, node in tree.children.items()}
    return root, children


def load(path):
    """Read a result written by :func:`save` (or ``result.save``).

    Returns
    -------
    Solution, Branch, FitResult, Posterior or xarray.Dataset
        Equal to what was saved.  ``.circuit`` (``.nbblox.circuit`` on a sweep
        Dataset) rebuilds the model; ``Solution.rerun()`` repeats the run.

    Raises
    ------
    FileFormatError
        The file is not an nbblox result, is damaged (its content hash does not
        match), comes from a newer nbblox, or a zarr store uses a codec that
        could run code.  Nothing in the file is executed: text is data and the
        circuit JSON goes through the validating loader.

    Examples
    --------
    >>> import nbblox as nb, os, tempfile
    >>> sol = nb.simulate(nb.blox.FitzHughNagumo(name="fhn"), 20.0, dt=0.05)
    >>> back = nb.load(sol.save(os.path.join(tempfile.mkdtemp(), "run.nc")))
    >>> bool((back["fhn.V"] == sol["fhn.V"]).all()), back.info["method"]
    (True, 'rk4')
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such file: {path!r}")
    fmt = _detect(path)
    root, children = _open(path, fmt)
    attrs = root.attrs
    if attrs.get("nbblox_format") != FORMAT:
        raise FileFormatError(f"{path!r} is a {fmt} file but not an nbblox result (it has no "
                              f"nbblox_format = {FORMAT!r} attribute); open it with "
                              "xarray.open_dataset")
    try:
        version = int(attrs.get("nbblox_format_version"))
    except (TypeError, ValueError):
        raise FileFormatError(f"{path!r}: nbblox_format_version is not a number") from None
    if version > FORMAT_VERSION:
        raise FileFormatError(f"{path!r} was written by a newer nbblox (format version "
                              f"{version}; this nbblox reads {FORMAT_VERSION}): upgrade nbblox")
    kind = attrs.get("nbblox_type")
    if kind not in CODECS:
        raise FileFormatError(f"{path!r} holds an unknown result type {kind!r}")
    want = attrs.get("nbblox_content_hash")
    if want != _tree_hash(root, children):
        raise FileFormatError(f"{path!r} does not match its content hash: it was changed or "
                              "damaged after nbblox saved it")
    saved = {"versions": loads(attrs.get("nbblox_versions", "{}"), "nbblox_versions"),
             "created": str(attrs.get("date_created", "")),
             "history": str(attrs.get("history", "")),
             "content_hash": str(want), "path": path,
             "stamp": loads(attrs.get("nbblox_stamp", "{}"), "nbblox_stamp")}
    circuit = attrs.get("nbblox_circuit")
    if circuit is not None and not isinstance(circuit, str):
        raise FileFormatError(f"{path!r}: nbblox_circuit is not text")
    if kind == "Sweep":
        root = root.copy()
        root.attrs = {k: v for k, v in root.attrs.items() if k not in ENVELOPE}
        root.encoding["nbblox_saved"] = saved
        return CODECS[kind][1](root, children)
    body = root.copy()
    body.attrs = {k: v for k, v in root.attrs.items() if k not in ENVELOPE}
    result = CODECS[kind][1](body, children)
    result._saved = saved
    if circuit is not None:
        result._circuit_json = circuit
        if kind == "FitResult":
            result.solution._circuit_json = circuit
    return result
