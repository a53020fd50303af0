"""``nbblox serve PATH``: serve notebooks, scripts, circuit JSON files or a
folder of them as Panel apps, in this process (Panel's own server).

* a notebook that marks something ``.servable()`` (a dashboard), or a ``.py``
  file, is run per browser session exactly as ``panel serve`` would;
* any other notebook (a lesson) becomes a page: its Markdown with rendered
  maths, the output of each cell, answer boxes for its exercises
  (:mod:`nbblox.ui.lesson_page`);
* a circuit ``.json`` is read once, validated and size-limited by
  ``Circuit.from_json`` (equations re-parsed by the safe parser, nothing
  executed), compiled once, and every session gets its own dashboard;
* a folder becomes a gallery: every notebook (and circuit JSON) in it, with
  an index page at ``/`` listing their titles.

The server binds 127.0.0.1 unless ``--address`` says otherwise, only
accepts websocket connections from the origins it serves on plus those
passed with ``--allow-websocket-origin``, and signs session ids (a link with a
chosen ``bokeh-session-id`` is refused).  SIGTERM stops it like Ctrl-C:
running simulations are cancelled and the temporary index page removed.
"""
from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import sys
import tempfile
from pathlib import Path

__all__ = ["main", "collect_apps", "notebook_title", "websocket_origins"]

_SLUG = re.compile(r"[^A-Za-z0-9_-]+")
_MAX_JSON = 1_000_000
_SKIP_DIRS = {".ipynb_checkpoints", "__pycache__", ".git"}


def _slug(path):
    return _SLUG.sub("_", Path(path).stem).strip("_") or "app"


def notebook_title(path):
    """First Markdown heading of a notebook (or its file name).

    Examples
    --------
    >>> notebook_title("no/such/lesson_01.ipynb")
    'lesson_01'
    """
    try:
        with open(path, encoding="utf-8") as fh:
            nb = json.load(fh)
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                src = "".join(cell.get("source", []))
                for line in src.splitlines():
                    if line.startswith("#"):
                        return line.lstrip("#").strip()
    except (OSError, ValueError, AttributeError):
        pass
    return Path(path).stem


def _marks_servable(path):
    """True if a notebook marks what to serve (``.servable()``): then Panel's
    own handler serves exactly that (a dashboard); otherwise the whole notebook
    becomes a page (:mod:`nbblox.ui.lesson_page`)."""
    from .lesson_page import read_cells
    try:
        return any(kind == "code" and ".servable(" in src for kind, src in read_cells(path))
    except (OSError, ValueError):
        return True


def _student_twin(f, root):
    """A lesson's student edition (``lessons/student/NN.ipynb``) whose instructor
    edition (``lessons/NN.ipynb``) is served too: a gallery lists the lesson once."""
    return (f.parent != root and f.parent.name == "student"
            and (f.parent.parent / f.name).is_file())


def _json_app(path):
    """(factory, title) for a circuit JSON: validated now, one dashboard per session."""
    from ..compile import compile as nb_compile
    from ..exceptions import CircuitError
    from ..model.circuit import Circuit, read_circuit_file
    text = read_circuit_file(path)
    if len(text) > _MAX_JSON:
        raise CircuitError(f"{path}: {len(text)} bytes is more than the {_MAX_JSON} bytes a "
                           "served circuit may have")
    circuit = Circuit.from_json(text)
    nb_compile(circuit)            # compile (and fill the kernel cache) before the first visitor

    def app():
        from .dashboard import dashboard
        # re-read per session from the validated text: no state is shared
        return dashboard(Circuit.from_json(text)).template()
    return app, f"nbblox: {circuit.name}"


def collect_apps(path):
    """``({slug: file path or factory}, {slug: title})`` for PATH.

    Examples
    --------
    >>> collect_apps("no/such/file.ipynb")
    Traceback (most recent call last):
    ...
    SystemExit: error: no/such/file.ipynb does not exist
    """
    p = Path(path)
    if not p.exists():
        raise SystemExit(f"error: {path} does not exist")
    apps, titles = {}, {}

    def add(f):
        slug = _slug(f)
        while slug in apps:
            slug += "_"
        if f.suffix == ".json":
            apps[slug], titles[slug] = _json_app(f)
        elif f.suffix == ".ipynb" and not _marks_servable(f):
            from .lesson_page import lesson_app
            apps[slug], titles[slug] = lesson_app(f)
        else:
            apps[slug] = str(f.resolve())
            titles[slug] = notebook_title(f) if f.suffix == ".ipynb" else f.stem
        return slug

    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.suffix in (".ipynb", ".json")
                       and f.is_file() and not (_SKIP_DIRS & set(f.relative_to(p).parts))
                       and not _student_twin(f, p))
        if not files:
            raise SystemExit(f"error: no notebooks or circuit JSON files in {path}")
        for f in files:
            add(f)
    elif p.suffix in (".ipynb", ".py", ".json"):
        add(p)
    else:
        raise SystemExit(f"error: {path}: serve a notebook (.ipynb), a script (.py), a "
                         "circuit (.json) or a folder of notebooks")
    return apps, titles


def websocket_origins(address, port, extra=None):
    """Origins allowed to open the app's websocket: the served host:port
    (both spellings of loopback) plus ``--allow-websocket-origin`` values."""
    hosts = {address}
    if address in ("127.0.0.1", "localhost", "0.0.0.0", "::"):
        hosts |= {"127.0.0.1", "localhost"}
    if address in ("0.0.0.0", "::"):
        hosts.add(socket.gethostname())
        hosts.discard(address)
    return sorted(f"{h}:{port}" for h in hosts) + list(extra or [])


_INDEX = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>nbblox gallery</title><style>
body {{ font-family: system-ui, sans-serif; max-width: 760px; margin: 2em auto; color: #222; }}
li {{ margin: .5em 0; }} a {{ font-size: 1.1em; }} small {{ color: #777; }}
</style></head><body><h1>nbblox gallery</h1><p>{n} dashboards in <code>{folder}</code></p>
<ul>{items}</ul></body></html>"""


def _index_template(apps, titles, folder):
    """A Tornado template (the server's ``index=``) listing the gallery's apps."""
    items = "".join(f'<li><a class="nbblox-app" href="./{html.escape(s)}">{html.escape(titles[s])}'
                    f'</a> <small>/{html.escape(s)}</small></li>' for s in apps)
    # the folder's own name only: the page is public, the server's file layout is not
    text = _INDEX.format(n=len(apps), folder=html.escape(Path(folder).resolve().name or "."),
                         items=items)
    # the page is static: escape Tornado's template syntax so titles are shown verbatim
    for tag in ("{{", "{%", "{#"):
        text = text.replace(tag, tag + "!")
    fd, name = tempfile.mkstemp(prefix="nbblox-index-", suffix=".html")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return name


def _signed_sessions():
    """Bokeh server options that sign session ids: a link carrying a chosen
    ``bokeh-session-id`` cannot attach to (or plant) someone's session.  The key
    is ``$BOKEH_SECRET_KEY`` (several server processes must share it) or a
    fresh random one per server."""
    from bokeh.util.token import generate_secret_key
    key = os.environ.get("BOKEH_SECRET_KEY") or generate_secret_key()
    return {"sign_sessions": True, "secret_key": key}


def _free_port(address):
    with socket.socket() as s:
        s.bind((address if address not in ("", "0.0.0.0") else "127.0.0.1", 0))
        return s.getsockname()[1]


def _system_malloc_exec():
    """``(executable, argv, env)`` that restarts this ``nbblox serve`` process
    under glibc's allocator (``PYTHONMALLOC=malloc``), or None to go on as is.

    Why: a served session's objects are freed when it closes, but CPython's
    own small-object arenas stay mapped while any object in them lives, so
    the heap trim after the last session gave back ~6 of ~70 MB; with every
    allocation in glibc's heap the trim returns it (measured: 411 -> 345 MB,
    warm 338).  Only for the command itself on Linux, and never when
    ``PYTHONMALLOC`` is already set: ``PYTHONMALLOC=pymalloc nbblox serve``
    keeps CPython's allocator.  (Not when ``main`` is called from Python: a
    process that imported other things is not restarted.)

    Examples
    --------
    >>> _system_malloc_exec() is None      # a doctest run is not the command
    True
    """
    if sys.platform != "linux" or "PYTHONMALLOC" in os.environ or sys.argv[1:2] != ["serve"]:
        return None
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if not ((spec is not None and spec.name in ("nbblox.__main__", "nbblox.cli"))
            or Path(sys.argv[0]).name == "nbblox"):
        return None
    return (sys.executable, [sys.executable, "-m", "nbblox", *sys.argv[1:]],
            dict(os.environ, PYTHONMALLOC="malloc"))


def main(args):
    """Run ``nbblox serve`` for an argparse Namespace (path, port, address,
    allow_websocket_origin, show); blocks until interrupted."""
    restart = _system_malloc_exec()
    if restart is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(*restart)          # same process id: service managers and tests keep it
    import logging
    import panel as pn
    apps, titles = collect_apps(args.path)
    # one line per dashboard session opened/closed: what an operator watches
    dlog = logging.getLogger("nbblox.dashboard")
    if not dlog.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s nbblox: %(message)s"))
        dlog.addHandler(handler)
        dlog.setLevel(logging.INFO)
        # NBBLOX_DEBUG=1: every slider request and published run, for diagnosing sessions
        if os.environ.get("NBBLOX_DEBUG"):
            elog = logging.getLogger("nbblox.explore")
            elog.addHandler(handler)
            elog.setLevel(logging.DEBUG)
    address = args.address or "127.0.0.1"
    port = int(args.port) if args.port else _free_port(address)
    origins = websocket_origins(address, port, args.allow_websocket_origin)
    kw = {}
    if Path(args.path).is_dir():
        kw["index"] = _index_template(apps, titles, args.path)
    # closed sessions are discarded once unused for --unused-session-lifetime
    # (15 s); look for them every 3 s at most (Bokeh's default is 17 s) so a
    # busy server gives memory back sooner
    lifetime = int(getattr(args, "unused_session_lifetime", 15000) or 15000)
    if lifetime < 100:
        raise SystemExit(f"nbblox serve: --unused-session-lifetime must be at least 100 ms, "
                         f"got {lifetime}")
    server = pn.serve(apps, port=port, address=address, websocket_origin=origins,
                      show=False, start=False, title=titles, **_signed_sessions(),
                      check_unused_sessions_milliseconds=min(3000, lifetime),
                      unused_session_lifetime_milliseconds=lifetime, **kw)
    host = "127.0.0.1" if address in ("0.0.0.0", "::") else address
    base = f"http://{host}:{port}"
    first = f"{base}/" if len(apps) > 1 else f"{base}/{next(iter(apps))}"
    for slug in apps:
        print(f"nbblox serve: {titles[slug]} -> {base}/{slug}", flush=True)
    print(f"nbblox serve: open {first}  (Ctrl-C stops the server)", flush=True)
    if args.show:
        server.io_loop.add_callback(server.show, "/" if len(apps) > 1 else f"/{next(iter(apps))}")
    # SIGTERM (a service manager, `kill`) stops like Ctrl-C: the temporary index page is
    # removed and running simulations are cancelled instead of holding the process
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        server.start()
        server.io_loop.start()
    except KeyboardInterrupt:
        print("nbblox serve: stopped", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous)
        from .explore.explorer import cancel_all
        cancel_all()
        server.stop()
        if "index" in kw:
            os.unlink(kw["index"])
    return 0


def _terminate(signum, frame):
    raise KeyboardInterrupt
