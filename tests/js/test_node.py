"""The JavaScript unit tests of tests/js/ (node --test), run as part of the suite."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_phones_own_checks_pass_under_node():
    tests = sorted(str(path) for path in HERE.glob("*.test.mjs"))
    run = subprocess.run(["node", "--test", *tests], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
