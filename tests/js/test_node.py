"""The JavaScript unit tests of tests/js/ (node --test), run as part of the suite."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_the_phones_own_checks_pass_under_node():
    # Not a skip: a run without Node.js would pass while proving nothing (make test installs it).
    assert shutil.which("node"), "Node.js is needed for the phone's own checks: make node installs it"
    tests = sorted(str(path) for path in HERE.glob("*.test.mjs"))
    run = subprocess.run(["node", "--test", *tests], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
