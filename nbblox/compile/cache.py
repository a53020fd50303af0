"""Disk cache of generated kernel modules.

Each module is written once to ``<cache>/kernels/k_<sha256 of source>.py``
and imported from there, so numba's own ``cache=True`` can store the machine
code next to it: a fresh Python process that generates the same source loads
compiled kernels instead of compiling (seconds -> tenths of a second).
The directory is ``$NBBLOX_CACHE_DIR`` or the user cache directory.

numba reads its cache index and data with :mod:`pickle`, so whoever can write
the cache directory can run code in every later run.  The directory must
therefore be private: owned by this user and not writable by group or others
(a configured one that is not is refused with a message; the fallback under the
system temporary folder is replaced by a fresh private one).  Before a module
is imported its numba files are vetted without unpickling them: any file not
owned by this user, truncated, or naming a global outside what numba's kernels
need is deleted, and numba recompiles -- a corrupted cache costs one compile,
never a failing run.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
from pathlib import Path

__all__ = ["cache_dir", "load_module", "cached_source"]

_lock = threading.Lock()
_loaded = {}


def _foreign(path):
    """Why ``path`` is not private to this user (None if it is, or not POSIX)."""
    if not hasattr(os, "getuid"):
        return None
    st = os.lstat(path)
    if st.st_uid != os.getuid():
        return f"it is owned by user id {st.st_uid}, not {os.getuid()}"
    if st.st_mode & 0o022:
        return f"other users can write to it (mode {st.st_mode & 0o777:o})"
    return None


def _private(path):
    """Make ``path`` (mode 700 when new); refuse it if another user can write it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for p in (path.parent, path, path / "__pycache__"):
        if p.exists():
            why = _foreign(p)
            if why:
                return f"{p}: {why}"
    probe = path / ".write-test"
    probe.write_text("ok")
    probe.unlink()
    return None


_private_tmp = None


def cache_dir():
    """Private writable directory for generated kernels (created if missing).

    Examples
    --------
    >>> cache_dir().name
    'kernels'
    """
    global _private_tmp
    configured = os.environ.get("NBBLOX_CACHE_DIR")
    base = configured
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
        base = os.path.join(xdg, "nbblox")
    path = Path(base) / "kernels"
    try:
        why = _private(path)
    except OSError:
        why, configured = "not writable", None
    if why is None:
        return path
    if configured:
        from ..exceptions import CompileError
        raise CompileError(f"the kernel cache {why}; nbblox will not load compiled code from "
                           "it. Make it private (chmod go-w) or point NBBLOX_CACHE_DIR at a "
                           "folder of your own")
    # the shared temporary folder: our own subfolder, if nobody else made or can write it
    uid = os.getuid() if hasattr(os, "getuid") else "u"
    path = Path(tempfile.gettempdir()) / f"nbblox-{uid}" / "kernels"
    try:
        if _private(path) is None:
            return path
    except OSError:
        pass
    if _private_tmp is None:
        _private_tmp = Path(tempfile.mkdtemp(prefix="nbblox-")) / "kernels"
        _private_tmp.mkdir(mode=0o700)
    return _private_tmp


#: what numba's index and data pickles of our kernels may name (anything else is not ours)
_NUMBA_GLOBALS = {("builtins", "object"), ("copyreg", "_reconstructor"), ("numpy", "dtype"),
                  # parallel (prange) kernels: re-registers the parfor gufuncs on load
                  ("numba.core.typed_passes", "_reload_parfors")}
_NUMBA_MODULES = ("numba.core.types.", "numba.core.typing.templates", "numba.core.funcdesc",
                  "numba.core.environment")
_TEXT_OPS = {"SHORT_BINUNICODE", "BINUNICODE", "UNICODE", "BINUNICODE8", "SHORT_BINSTRING",
             "BINSTRING", "STRING"}


def _pickle_globals(data):
    """The (module, name) pairs a pickle would import, read without unpickling it
    (pickletools walks the opcodes; a truncated stream raises ValueError)."""
    import pickletools
    found, memo, texts, last = set(), {}, [], None
    for op, arg, _ in pickletools.genops(data):
        n = op.name
        if n in _TEXT_OPS:
            last = arg
            texts.append(arg)
            continue
        if n == "MEMOIZE":
            memo[len(memo)] = last
            continue
        if n in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[arg] = last
            continue
        if n in ("BINGET", "LONG_BINGET", "GET"):
            last = memo.get(arg)
            texts.append(last)
            continue
        if n == "STACK_GLOBAL":
            found.add((texts[-2] if len(texts) > 1 else None, texts[-1] if texts else None))
        elif n in ("GLOBAL", "INST"):
            found.add(tuple(str(arg).split(" ", 1)))
        last = None
    return found


def _numba_file_ok(path):
    """True if a numba cache file is this user's, complete, and names only what
    numba's own kernel pickles name."""
    if _foreign(path):
        return False
    data = path.read_bytes()
    try:
        if path.suffix == ".nbi":       # a version string, then the index pickle
            import io
            import pickletools
            buf = io.BytesIO(data)
            head = list(pickletools.genops(buf))
            if not head or head[-1][0].name != "STOP" or \
                    not all(op.name in _TEXT_OPS | {"PROTO", "FRAME", "MEMOIZE", "STOP"}
                            for op, _, _ in head):
                return False
            data = buf.read()
        names = _pickle_globals(data)
    except Exception:                    # truncated or not a pickle at all
        return False
    return bool(data) and all(g in _NUMBA_GLOBALS or (isinstance(g[0], str) and
                                                     g[0].startswith(_NUMBA_MODULES))
                              for g in names)


def _vet_numba_cache(folder, digest):
    """Delete every numba cache file of module ``k_<digest>`` that is not fit to
    load; numba then compiles afresh (and rewrites it)."""
    cache = folder / "__pycache__"
    if not cache.is_dir():
        return
    files = sorted(cache.glob(f"k_{digest}.*.nb[ic]"))
    bad = {f for f in files if not _numba_file_ok(f)}
    for f in bad:
        # an index without its data (or the reverse) is useless: drop the function's set
        stem = f.name.split(".py")[0]
        for g in files:
            if g.name.startswith(stem + ".py"):
                try:
                    g.unlink()
                except OSError:
                    pass


def load_module(source):
    """Import generated ``source`` as a module (one per distinct source)."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:24]
    with _lock:
        mod = _loaded.get(digest)
        if mod is not None:
            return mod
        folder = cache_dir()
        path = folder / f"k_{digest}.py"
        if not path.exists() or path.read_text() != source:
            # write then rename, so a parallel process never imports half a file
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                fh.write(source)
            os.replace(tmp, path)
        _vet_numba_cache(folder, digest)
        name = f"nbblox_kernels.k_{digest}"
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        _loaded[digest] = mod
        return mod


def _codegen_version(here=None):
    """Hash of the modules whose logic shapes generated text (every module of
    ``here``, the compile package, and the model's expression modules): a
    change to any of them invalidates every cached source."""
    here = Path(__file__).resolve().parent if here is None else Path(here)
    h = hashlib.sha256()
    for f in sorted(here.glob("*.py")) + [here.parent / "model" / n
                                          for n in ("functions.py", "symbolic.py", "equations.py",
                                                    "expression.py")]:
        h.update(f.read_bytes())
    return h.hexdigest()


_VERSION = None


def cached_source(key, make):
    """Generated source for a layout structure ``key``, from disk if a previous
    process made it, else ``make()`` (which runs SymPy: the slow part of a
    cold start).  ``key`` must capture everything the text depends on."""
    global _VERSION
    if _VERSION is None:
        _VERSION = _codegen_version()
    h = hashlib.sha256((_VERSION + repr(key)).encode()).hexdigest()[:24]
    folder = cache_dir()
    ref = folder / f"src_{h}.ref"
    try:
        digest = ref.read_text().strip()
        src = (folder / f"k_{digest}.py").read_text()
        if hashlib.sha256(src.encode()).hexdigest()[:24] == digest:
            return src
    except OSError:
        pass
    src = make()
    digest = hashlib.sha256(src.encode()).hexdigest()[:24]
    path = folder / f"k_{digest}.py"
    try:
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                fh.write(src)
            os.replace(tmp, path)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            fh.write(digest)
        os.replace(tmp, ref)
    except OSError:  # a read-only cache only costs speed
        pass
    return src
