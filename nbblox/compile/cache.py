"""Disk cache of generated kernel modules.

Each module is written once to ``<cache>/kernels/k_<sha256 of source>.py``
and imported from there, so numba's own ``cache=True`` can store the machine
code next to it: a fresh Python process that generates the same source loads
compiled kernels instead of compiling (seconds -> tenths of a second).
The directory is ``$NBBLOX_CACHE_DIR`` or the user cache directory.
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


def cache_dir():
    """Writable directory for generated kernels (created if missing)."""
    base = os.environ.get("NBBLOX_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
        base = os.path.join(xdg, "nbblox")
    path = Path(base) / "kernels"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError:
        path = Path(tempfile.gettempdir()) / f"nbblox-{os.getuid() if hasattr(os, 'getuid') else 'u'}" / "kernels"
        path.mkdir(parents=True, exist_ok=True)
    return path


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
        name = f"nbblox_kernels.k_{digest}"
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        _loaded[digest] = mod
        return mod


def _codegen_version():
    """Hash of the modules whose logic shapes generated text: a change to any
    of them invalidates every cached source."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(here.glob("*.py")) + [here.parent / "model" / n
                                          for n in ("functions.py", "symbolic.py", "equations.py")]:
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
