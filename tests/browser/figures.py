"""Render HoloViews/Panel objects to PNG in headless Chromium, offline.

Each object is saved as a standalone HTML page that names BokehJS and Panel
by their CDN addresses; the browser's requests for those addresses are
answered from the installed bokeh/panel packages (Playwright routing), so
nothing leaves the machine and a page costs ~15 kB instead of 6 MB.

Used by the gallery (``python -m tests.browser.gallery OUT/``) and by tests
that look at figures.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

__all__ = ["route_cdn", "render_pngs"]


def _local(url):
    """Local file for a Bokeh or Panel CDN address, or None."""
    import bokeh
    import panel
    m = re.match(r"https://cdn\.bokeh\.org/bokeh/(?:release|dev)/(bokeh[a-z-]*?)-\d[^/]*?(\.min)?\.js", url)
    if m:
        return Path(bokeh.__file__).parent / "server/static/js" / f"{m[1]}{m[2] or ''}.js"
    m = re.match(r"https://cdn\.holoviz\.org/panel/[^/]+/dist/([^?#]*)", url)
    if m:
        return Path(panel.__file__).parent / "dist" / m[1]
    return None


def route_cdn(page):
    """Answer the page's Bokeh/Panel CDN requests from the installed packages;
    every other non-local request is aborted (and so shows up as a failure)."""
    def handle(route):
        url = route.request.url
        path = _local(url)
        if path is not None and path.is_file():
            ctype = ("text/css" if path.suffix == ".css" else
                     "application/javascript" if path.suffix == ".js" else None)
            route.fulfill(path=str(path), content_type=ctype)
        elif url.startswith(("http://127.0.0.1", "file:", "data:", "blob:")):
            route.continue_()
        else:
            route.abort()
    page.route("**/*", handle)


def render_pngs(views, outdir, page=None, settle_ms=600):
    """Save each ``{name: HoloViews or Panel object}`` as ``outdir/<name>.png``
    (the rendered figure only, not the whole page).  Returns the paths."""
    import panel as pn
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="nbblox-fig-"))
    paths = []
    own = page is None
    if own:
        import lab
        ctx = lab.chromium_page(viewport=(1400, 1000))
        page = ctx.__enter__()
    try:
        route_cdn(page)
        for name, obj in views.items():
            html = tmp / f"{name}.html"
            pn.panel(obj).save(str(html), resources="cdn", embed=False)
            page.goto(html.as_uri())
            page.locator("canvas").first.wait_for(state="attached", timeout=30_000)
            page.wait_for_timeout(settle_ms)
            root = page.locator(".bk-Column, .bk-Row, .bk-GridPlot, .bk-Figure, "
                                ".bk-panel-models-layout-Column").first
            out = outdir / f"{name}.png"
            try:
                root.screenshot(path=str(out))
            except Exception:
                page.screenshot(path=str(out), full_page=True)
            paths.append(out)
    finally:
        if own:
            ctx.__exit__(None, None, None)
    return paths
