"""The circuit builder's ES module type-checks: TypeScript's ``tsc`` over its JSDoc
types (``// @ts-check``, strict; settings in widgets/tsconfig.json), and the module
stays plain JavaScript (issue 22 item 7).

tsc is the version pinned in .ci/node/package.json (``npm ci --prefix .ci/node``, which
.ci/run does).  Without it the test skips locally and fails under ``CI=true``.  A
control run on a copy with an unknown op proves the check would catch one.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from nbblox.ui.builder.assets import widget_asset

ROOT = Path(__file__).resolve().parents[2]
WIDGETS = ROOT / "widgets"
PINNED_TSC = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "tsc"


def _tsc():
    """The pinned tsc, or a skip (a failure under CI=true) saying how to get it."""
    if not (WIDGETS / "tsconfig.json").exists():
        pytest.skip("not a source checkout: widgets/tsconfig.json is not installed")
    if PINNED_TSC.exists() and shutil.which("node"):
        return str(PINNED_TSC)
    reason = "tsc is not installed: run `npm ci --prefix .ci/node` (needs node and npm)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the builder's type check cannot run in CI: {reason}")
    pytest.skip(reason)


def _check(tsc, config):
    r = subprocess.run([tsc, "-p", str(config), "--pretty", "false"], capture_output=True,
                       text=True, timeout=300)
    return r.returncode, (r.stdout + r.stderr).strip()


def test_the_builder_module_type_checks():
    rc, out = _check(_tsc(), WIDGETS / "tsconfig.json")
    assert rc == 0, f"tsc found type errors in widgets/circuit_builder.js:\n{out}"


def test_the_check_catches_an_op_the_types_do_not_know(tmp_path):
    """Control: the same settings on a copy whose applyOps has an extra case."""
    tsc = _tsc()
    js = widget_asset("circuit_builder.js").read_text(encoding="utf-8")
    bad = js.replace('case "add_type":', 'case "add_types": break;\n      case "add_type":', 1)
    assert bad != js
    (tmp_path / "circuit_builder.js").write_text(bad, encoding="utf-8")
    (tmp_path / "tsconfig.json").write_text(
        (WIDGETS / "tsconfig.json").read_text(encoding="utf-8"), encoding="utf-8")
    rc, out = _check(tsc, tmp_path / "tsconfig.json")
    assert rc != 0 and '"add_types"' in out, out


def test_the_module_checks_itself_and_is_plain_javascript(tmp_path):
    """``// @ts-check`` opens the file, and types live in JSDoc comments only: anywidget
    and Panel load the file as it is, with no build step.  node parses it as an ES module
    (a TypeScript annotation is a syntax error there)."""
    js = widget_asset("circuit_builder.js").read_text(encoding="utf-8")
    assert js.startswith("// @ts-check\n")
    _tsc()                                  # node is there when tsc is
    module = tmp_path / "circuit_builder.mjs"
    module.write_text(js, encoding="utf-8")
    r = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
