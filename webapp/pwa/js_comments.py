"""The app's own scripts without their comments, as the phone downloads them.

The modules are written for the people who read them: comments that say why, and JSDoc
types that the type check reads (make lint). A phone needs none of it, and on the first
download it is about a fifth of the bytes. There is no build step (no bundler), so the shell
drops the comments as it reads each module, once per process; what is served is what is
hashed (pwa/shell.py).

Only comments go. Every line stays where it was (a comment over several lines leaves its
line breaks), so a line number in a phone's error report points into the source as written.
The scanner knows JavaScript's strings, template literals (with ``${}`` inside them, nested)
and regular-expression literals, which may hold ``//`` or ``/*`` without being comments.
"""

from __future__ import annotations

# After one of these (or at the start), a "/" begins a regular expression, not a division.
_BEFORE_REGEX = set("(,=:[!&|?{};+-*%<>~^")
_KEYWORDS_BEFORE_REGEX = {
    "return",
    "typeof",
    "case",
    "do",
    "else",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "await",
    "yield",
    "instanceof",
}


def _regex_may_start(code: str, out: list[str]) -> bool:
    """Whether a "/" here starts a regular expression, judged by what came before it."""
    before = "".join(out[-40:]).rstrip()
    if not before:
        return True
    if before[-1] in _BEFORE_REGEX:
        return True
    word = ""
    for char in reversed(before):
        if not (char.isalnum() or char in "_$"):
            break
        word = char + word
    return word in _KEYWORDS_BEFORE_REGEX


def strip_comments(source: str) -> str:
    """``source`` with every comment removed and every line kept (see the module docstring)."""
    out: list[str] = []
    i, n = 0, len(source)
    # A stack of open template literals; each entry counts the "{" open inside its current ${...}.
    templates: list[int] = []
    in_template_text = False

    def drop_trailing_blanks() -> None:
        while out and out[-1] in (" ", "\t"):
            out.pop()

    while i < n:
        char = source[i]
        if in_template_text:
            if char == "\\":
                out.append(source[i : i + 2])
                i += 2
            elif char == "`":
                out.append(char)
                templates.pop()
                in_template_text = False
                i += 1
            elif source.startswith("${", i):
                out.append("${")
                templates[-1] = 0
                in_template_text = False
                i += 2
            else:
                out.append(char)
                i += 1
            continue
        if char in "'\"":
            end = i + 1
            while end < n and source[end] != char:
                end += 2 if source[end] == "\\" else 1
            out.append(source[i : end + 1])
            i = end + 1
        elif char == "`":
            out.append(char)
            templates.append(0)
            in_template_text = True
            i += 1
        elif char == "{" and templates:
            templates[-1] += 1
            out.append(char)
            i += 1
        elif char == "}" and templates and templates[-1] == 0:
            out.append(char)  # the end of a ${...}: back in the template's text
            in_template_text = True
            i += 1
        elif char == "}" and templates:
            templates[-1] -= 1
            out.append(char)
            i += 1
        elif source.startswith("//", i):
            end = source.find("\n", i)
            drop_trailing_blanks()  # the comment's indentation, or the space before it
            i = n if end == -1 else end
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end == -1 else end + 2
            breaks = source.count("\n", i, end)
            drop_trailing_blanks()
            out.append("\n" * breaks if breaks else " ")
            i = end
        elif char == "/" and _regex_may_start(source, out):
            end, in_class = i + 1, False
            while end < n and (in_class or source[end] != "/") and source[end] != "\n":
                if source[end] == "\\":
                    end += 1
                elif source[end] == "[":
                    in_class = True
                elif source[end] == "]":
                    in_class = False
                end += 1
            out.append(source[i : end + 1])
            i = end + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)
