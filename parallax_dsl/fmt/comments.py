"""Finds the `# …` comments of .plx source text (the grammar drops them), skipping `#` inside strings."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The grammar's string tokens (single-line; `${…}` may hold quotes but no braces) and raw strings.
_STRING = re.compile(r""""(?:[^"\\\n$]|\\.|\$(?!\{)|\$\{[^}\n]*\})*"|'(?:[^'\\\n$]|\\.|\$(?!\{)|\$\{[^}\n]*\})*'""")
_RAW_STRING = re.compile(r"""r"[^"\n]*"|r'[^'\n]*'""")
_WORD = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment: where it starts (offset, 1-based line) and its text from `#` to the end of the line."""

    pos: int
    line: int
    text: str
    own_line: bool  # nothing but white space before it on its line


def scan_comments(text: str) -> list[Comment]:
    """Every comment in `text`, in order. Unterminated strings end at the end of their line."""
    comments: list[Comment] = []
    i, n = 0, len(text)
    line = 1
    line_start = 0
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
            line_start = i
        elif ch == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            own = not text[line_start:i].strip()
            comments.append(Comment(i, line, text[i:end].rstrip(), own))
            i = end
        elif ch in "\"'":
            match = _STRING.match(text, i)
            if match:
                i = match.end()
            else:  # unterminated: skip to the end of the line
                end = text.find("\n", i)
                i = n if end < 0 else end
        elif ch.isalnum() or ch == "_":
            raw = _RAW_STRING.match(text, i) if ch == "r" else None
            if raw:
                i = raw.end()
            else:
                word = _WORD.match(text, i)
                i = word.end() if word else i + 1
        else:
            i += 1
    return comments
