"""The code passes the ruff rules chosen in pyproject.toml ([tool.ruff.lint]).

Runs ruff (a `test` extra) on the whole repository in well under a second, so a
new unused import, undefined name or likely bug fails the suite with ruff's own
file:line report instead of waiting for review.
"""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                        "--output-format", "concise", str(REPO)],
                       cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"ruff check failed:\n{r.stdout}{r.stderr}"
    assert "All checks passed" in r.stdout


def test_ruff_reads_the_project_configuration():
    # an unused import in a snippet is reported under the project's rules (F401
    # selected), so the test above is not passing because no rule is active
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                        "--stdin-filename", "nbblox/_probe.py", "-"],
                       input="import os\n", cwd=REPO, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1 and "F401" in r.stdout, r.stdout + r.stderr
