"""A small TextMate grammar tokenizer for tests, following vscode-textmate's line-by-line algorithm.

Supported: `match`; `begin`/`end` (`end` may use `\\N` back-references to groups of `begin`); `name` and
`contentName`; `captures`/`beginCaptures`/`endCaptures` with `name` (which may use `$N`) and nested `patterns`;
`patterns`; `include` of `#repository` items, `$self` and `$base`; `applyEndPatternLast`.

Regexes are compiled with Python `re`, so a grammar tested here must stay in the common subset of Oniguruma and
Python (no possessive quantifiers, `\\G`, `\\h`, `\\A`/`\\z`, `(?x)` comments or named back-references).
`while` rules, injections and includes of other grammars are rejected with `GrammarError`.

As in vscode-textmate, each line is scanned with a trailing "\\n", so `$` and `(?=$)` behave as in VS Code; at
each position the rule whose match starts first wins, ties going to the `end` pattern (unless
`applyEndPatternLast`) and then to the earlier rule in the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_CAPTURE_REF = re.compile(r"\$(\d+)|\$\{(\d+):/(downcase|upcase)\}")
_BACKREF = re.compile(r"\\(\d+)")
_MAX_STALLS = 50  # zero-width steps in a row at one position before the grammar is declared to loop

Run = tuple[int, int, tuple[str, ...]]


class GrammarError(Exception):
    """The grammar uses something this tokenizer does not support, is malformed, or loops without progress."""


@dataclass(frozen=True)
class Token:
    """A run of text on one line with its scopes, outermost first (the grammar's scopeName first)."""

    line: int
    start: int
    end: int
    text: str
    scopes: tuple[str, ...]

    @property
    def scope(self) -> str:
        """The scopes as one space-separated string."""
        return " ".join(self.scopes)


@dataclass(eq=False)
class _Capture:
    name: str | None
    holder: _Rule | None  # a container of the capture's `patterns`, if it has any


@dataclass(eq=False)
class _Rule:
    """A compiled rule; one with neither `match` nor `begin` is a container of `patterns`."""

    where: str
    name: str | None = None
    content_name: str | None = None
    match: re.Pattern[str] | None = None
    begin: re.Pattern[str] | None = None
    end_source: str = ""
    end: re.Pattern[str] | None = None  # None when `end` has back-references (compiled per begin match)
    captures: dict[int, _Capture] = field(default_factory=dict)
    begin_captures: dict[int, _Capture] = field(default_factory=dict)
    end_captures: dict[int, _Capture] = field(default_factory=dict)
    patterns: list[Any] = field(default_factory=list)  # _Rule or _Include
    apply_end_last: bool = False


@dataclass(frozen=True)
class _Include:
    target: str
    where: str


@dataclass
class _Frame:
    rule: _Rule
    end: re.Pattern[str] | None
    scopes: tuple[str, ...]  # of the begin and end tokens: parent content + name
    content: tuple[str, ...]  # of the text in between: scopes + contentName


def _compile(source: str, where: str) -> re.Pattern[str]:
    if not isinstance(source, str):
        raise GrammarError(f"{where}: a regex must be a string, not {source!r}")
    try:
        return re.compile(source)
    except re.error as exc:
        raise GrammarError(f"{where}: {exc} in {source!r}") from exc


def _substitute(name: str, m: re.Match[str]) -> str:
    """Replace `$N` / `${N:/downcase}` in a scope name with the text of group N."""

    def repl(ref: re.Match[str]) -> str:
        index = int(ref.group(1) or ref.group(2))
        text = (m.group(index) if index <= m.re.groups else None) or ""
        if ref.group(3) == "downcase":
            return text.lower()
        if ref.group(3) == "upcase":
            return text.upper()
        return text

    return _CAPTURE_REF.sub(repl, name)


class Grammar:
    """A compiled TextMate grammar, from the parsed JSON of a `.tmLanguage.json` file."""

    def __init__(self, raw: dict[str, Any]) -> None:
        if "injections" in raw or "injectionSelector" in raw:
            raise GrammarError("injections are not supported")
        self.scope_name: str = raw["scopeName"]
        self._repository: dict[str, Any] = raw.get("repository", {})
        self._repo_rules: dict[str, _Rule] = {}
        self.root = self._compile_rule({"patterns": raw.get("patterns", [])}, "$self")
        self._flat: dict[int, list[_Rule]] = {}

    # ------------------------------------------------------------------ compilation
    def _compile_rule(self, raw: dict[str, Any], where: str) -> _Rule:
        if "while" in raw:
            raise GrammarError(f"{where}: `while` rules are not supported")
        rule = _Rule(where=where, name=raw.get("name"), content_name=raw.get("contentName"))
        if "match" in raw:
            rule.match = _compile(raw["match"], where)
            rule.captures = self._captures(raw.get("captures", {}), where)
        elif "begin" in raw:
            if "end" not in raw:
                raise GrammarError(f"{where}: `begin` without `end`")
            rule.begin = _compile(raw["begin"], where)
            rule.end_source = raw["end"]
            if not _BACKREF.search(rule.end_source):
                rule.end = _compile(rule.end_source, f"{where} end")
            both = raw.get("captures", {})
            rule.begin_captures = self._captures(raw.get("beginCaptures", both), where)
            rule.end_captures = self._captures(raw.get("endCaptures", both), where)
            rule.apply_end_last = bool(raw.get("applyEndPatternLast"))
        elif "end" in raw:
            raise GrammarError(f"{where}: `end` without `begin`")
        rule.patterns = self._patterns(raw.get("patterns", []), where)
        return rule

    def _captures(self, raw: dict[str, Any], where: str) -> dict[int, _Capture]:
        out: dict[int, _Capture] = {}
        for index, spec in raw.items():
            here = f"{where} capture {index}"
            holder = _Rule(where=here, patterns=self._patterns(spec["patterns"], here)) if "patterns" in spec else None
            out[int(index)] = _Capture(spec.get("name"), holder)
        return out

    def _patterns(self, raws: list[dict[str, Any]], where: str) -> list[Any]:
        out: list[Any] = []
        for i, raw in enumerate(raws):
            here = f"{where}[{i}]"
            if "include" in raw:
                target = raw["include"]
                if not (target in ("$self", "$base") or target.startswith("#")):
                    raise GrammarError(f"{here}: include of another grammar ({target!r}) is not supported")
                if target.startswith("#") and target[1:] not in self._repository:
                    raise GrammarError(f"{here}: include of unknown repository item {target!r}")
                out.append(_Include(target, here))
            else:
                out.append(self._compile_rule(raw, here))
        return out

    def _target(self, include: _Include) -> _Rule:
        if include.target in ("$self", "$base"):
            return self.root
        name = include.target[1:]
        if name not in self._repo_rules:
            self._repo_rules[name] = self._compile_rule(self._repository[name], include.target)
        return self._repo_rules[name]

    def rules_of(self, rule: _Rule) -> list[_Rule]:
        """The `match`/`begin` rules tried inside `rule`, includes and containers flattened, in order."""
        key = id(rule)
        if key not in self._flat:
            self._flat[key] = self._flatten(rule.patterns, frozenset({key}))
        return self._flat[key]

    def _flatten(self, entries: list[Any], visiting: frozenset[int]) -> list[_Rule]:
        flat: list[_Rule] = []
        for entry in entries:
            rule = self._target(entry) if isinstance(entry, _Include) else entry
            if rule.match is not None or rule.begin is not None:
                flat.append(rule)
            elif id(rule) not in visiting:  # a container included again inside itself adds nothing
                flat.extend(self._flatten(rule.patterns, visiting | {id(rule)}))
        return flat

    # ------------------------------------------------------------------ tokenizing
    def tokenize(self, text: str) -> list[list[Token]]:
        """The tokens of every line of `text` (split on "\\n"), carrying the rule stack across lines."""
        return self.tokenize_with_state(text)[0]

    def tokenize_with_state(self, text: str) -> tuple[list[list[Token]], list[str]]:
        """The tokens of every line, and where the begin/end rules still open after the last line come from."""
        stack = [_Frame(self.root, None, (self.scope_name,), (self.scope_name,))]
        lines: list[list[Token]] = []
        for line_no, line in enumerate(text.split("\n")):
            runs: list[Run] = []
            self._scan(line_no, line + "\n", 0, len(line) + 1, stack, runs)
            lines.append(_tokens(line_no, line, runs))
        return lines, [frame.rule.where for frame in stack[1:]]

    def _scan(self, line_no: int, text: str, pos: int, limit: int, stack: list[_Frame], out: list[Run]) -> None:
        """Tokenize text[pos:limit] starting with `stack` (updated in place), appending runs to `out`."""
        stalls = 0
        while pos < limit:
            frame = stack[-1]
            found = self._next_match(frame, text, pos, limit)
            if found is None:
                out.append((pos, limit, frame.content))
                return
            is_end, rule, m = found
            start, end = m.span()
            if start > pos:
                out.append((pos, start, frame.content))
            stalls = stalls + 1 if end == pos else 0
            if stalls > _MAX_STALLS:
                raise GrammarError(f"line {line_no + 1}, column {pos + 1}: the grammar loops without progress")
            if is_end:
                self._emit(line_no, text, m, frame.rule.end_captures, frame.scopes, out)
                stack.pop()
            elif rule.match is not None:
                if start == end:
                    raise GrammarError(f"{rule.where}: `match` matched the empty string on line {line_no + 1}")
                scopes = frame.content + ((_substitute(rule.name, m),) if rule.name else ())
                self._emit(line_no, text, m, rule.captures, scopes, out)
            else:
                scopes = frame.content + ((_substitute(rule.name, m),) if rule.name else ())
                self._emit(line_no, text, m, rule.begin_captures, scopes, out)
                content = scopes + ((_substitute(rule.content_name, m),) if rule.content_name else ())
                stack.append(_Frame(rule, self._end_regex(rule, m), scopes, content))
            pos = end

    def _end_regex(self, rule: _Rule, begin: re.Match[str]) -> re.Pattern[str]:
        if rule.end is not None:
            return rule.end
        source = _BACKREF.sub(lambda r: re.escape(begin.group(int(r.group(1))) or ""), rule.end_source)
        return _compile(source, f"{rule.where} end")

    def _next_match(self, frame: _Frame, text: str, pos: int, limit: int) -> tuple[bool, _Rule, re.Match[str]] | None:
        candidates: list[tuple[bool, _Rule, re.Pattern[str]]] = []
        for rule in self.rules_of(frame.rule):
            regex = rule.match if rule.match is not None else rule.begin
            assert regex is not None
            candidates.append((False, rule, regex))
        if frame.end is not None:
            end = (True, frame.rule, frame.end)
            if frame.rule.apply_end_last:
                candidates.append(end)
            else:
                candidates.insert(0, end)
        best: tuple[bool, _Rule, re.Match[str]] | None = None
        for is_end, rule, regex in candidates:
            m = regex.search(text, pos, limit)
            if m is not None and (best is None or m.start() < best[2].start()):
                best = (is_end, rule, m)
                if m.start() == pos:
                    break
        return best

    def _emit(
        self,
        line_no: int,
        text: str,
        m: re.Match[str],
        captures: dict[int, _Capture],
        scopes: tuple[str, ...],
        out: list[Run],
    ) -> None:
        """Append the runs of a begin/end/match `m`: `scopes` plus the names of the captures covering each char."""
        start, end = m.span()
        if start == end:
            return
        per_char = [scopes] * (end - start)
        for index in sorted(captures):
            if index > m.re.groups:
                continue
            c_start, c_end = m.span(index)
            if c_start < 0 or c_start == c_end:
                continue
            capture = captures[index]
            if capture.name:
                name = _substitute(capture.name, m)
                for i in range(c_start - start, c_end - start):
                    per_char[i] = (*per_char[i], name)
            if capture.holder is not None:
                # Like vscode-textmate: tokenize the captured text (the line cut after it) with the patterns.
                base = per_char[c_start - start]
                sub: list[Run] = []
                frame = _Frame(capture.holder, None, base, base)
                self._scan(line_no, text[:c_end], c_start, c_end, [frame], sub)
                for s, e, sub_scopes in sub:
                    for i in range(s - start, e - start):
                        per_char[i] = sub_scopes
        run_start = 0
        for i in range(1, len(per_char) + 1):
            if i == len(per_char) or per_char[i] != per_char[run_start]:
                out.append((start + run_start, start + i, per_char[run_start]))
                run_start = i


def _tokens(line_no: int, line: str, runs: list[Run]) -> list[Token]:
    """Tokens of the runs without the artificial trailing newline (like VS Code, equal neighbours stay apart)."""
    tokens: list[Token] = []
    for start, run_end, scopes in runs:
        end = min(run_end, len(line))
        if start < end:
            tokens.append(Token(line_no, start, end, line[start:end], scopes))
    return tokens
