"""The shell serves its modules without comments, and nothing else about them changes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from webapp.pwa.js_comments import strip_comments

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "webapp" / "static" / "js"
# Every token but the comments, from a real JavaScript parser (acorn, pinned in package-lock.json).
TOKENS = """
const { tokenizer } = await import(process.argv[1]);
const { readFileSync } = await import('node:fs');
const files = JSON.parse(readFileSync(0, 'utf8'));
const tokens = (code) => [...tokenizer(code, { ecmaVersion: 'latest', sourceType: 'module' })]
  .map((t) => [t.type.label, t.value === undefined ? null : String(t.value)]);
console.log(JSON.stringify(files.map(([a, b]) => JSON.stringify(tokens(a)) === JSON.stringify(tokens(b)))));
"""


@pytest.mark.parametrize(
    "source, expected",
    [
        ("a = 1; // note\nb = 2;", "a = 1;\nb = 2;"),
        ("  // a line of its own\nx();", "\nx();"),
        (
            "/**\n * Doc.\n * @param {string} s\n */\nexport function f(s) {}",
            "\n\n\n\nexport function f(s) {}",
        ),
        ("const url = 'http://example.test/a'; // here", "const url = 'http://example.test/a';"),
        ('const s = "/* not a comment */";', 'const s = "/* not a comment */";'),
        (
            "const t = `// kept ${a /* gone */ + `/* kept */ ${b}`} // kept`;",
            "const t = `// kept ${a  + `/* kept */ ${b}`} // kept`;",
        ),
        ("const o = `${ { a: 1 }.a } // kept`;", "const o = `${ { a: 1 }.a } // kept`;"),
        ("const r = /\\/\\/[/*]x/g; // gone", "const r = /\\/\\/[/*]x/g;"),
        ("if (a) return /a\\/b/.test(s);", "if (a) return /a\\/b/.test(s);"),
        ("const half = total / 2 / count; // division", "const half = total / 2 / count;"),
        ("const q = 'it\\'s // not a comment';", "const q = 'it\\'s // not a comment';"),
        ("a/**/b", "a b"),
    ],
)
def test_comments_go_and_code_strings_templates_and_regular_expressions_stay(source, expected):
    assert strip_comments(source) == expected


def test_every_line_stays_on_its_line():
    source = (JS / "db-push.js").read_text()
    stripped = strip_comments(source)
    assert stripped.count("\n") == source.count("\n")
    assert len(stripped) < 0.9 * len(source)  # the comments really went


def test_every_module_the_shell_serves_has_the_same_tokens_as_its_source():
    node = shutil.which("node")
    acorn = ROOT / "node_modules" / "acorn" / "dist" / "acorn.mjs"
    assert node, "Node.js is needed: make node installs it"
    assert acorn.is_file(), "acorn is needed: make typecheck-js (npm ci) installs it"
    modules = sorted(JS.rglob("*.js"))
    pairs = [[path.read_text(), strip_comments(path.read_text())] for path in modules]
    run = subprocess.run(
        [node, "--input-type=module", "-e", TOKENS, acorn.as_uri()],
        input=json.dumps(pairs),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    same = json.loads(run.stdout)
    assert [str(path.relative_to(JS)) for path, ok in zip(modules, same, strict=True) if not ok] == []


def test_the_shell_serves_the_stripped_module(app):
    body = (
        app.test_client()
        .get("/static/js/db-push.js", headers={"Accept-Encoding": "identity"})
        .get_data(as_text=True)
    )
    assert body == strip_comments((JS / "db-push.js").read_text())
    assert "@param" not in body
