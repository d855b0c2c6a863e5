"""Lays a .plx parse tree out canonically, keeping every comment.

The formatter works on Lark's concrete tree (not the AST) so that it keeps the order of items, the literal text of
numbers, durations and strings, and explicit parentheses. Only white space, optional separators (`,` `;`), trailing
commas and the quote style of strings change; comments are placed by line:

- own-line comments before an item stay before it; a comment after an item on its last line stays a trailing comment;
- a comment on the line of an opening `{` stays after the `{`;
- a comment inside a map literal, a step's clause list or an agent's settings breaks that construct over lines so the
  comment keeps its place; a comment anywhere else inside an item (say, in the middle of a call's arguments) is moved
  to its own line just before that item.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from lark import Token, Tree

from parallax_dsl.fmt.comments import Comment, scan_comments
from parallax_dsl.fmt.doc import BREAK_PARENT, HARDLINE, LINE, SOFTLINE, Doc, Group, IfBreak, Nest, join

# Words that can continue an expression: an item starting with one needs the separator after the previous item.
_OPERATOR_WORDS = frozenset({"and", "or", "in", "not", "with"})
_OPERATOR_STARTS = frozenset("-+([{.?=!<>*/%")

_BINARY_WORDS = {"coalesce": "??", "or_op": "or", "and_op": "and", "in_op": "in", "not_in_op": "not in"}
_LEFT_CHAINS = frozenset({"binary", "coalesce", "or_op", "and_op"})
_POSTFIX = frozenset({"field", "index", "call"})
_TERMINATED = frozenset(
    {
        "import_decl",
        "setting",
        "policy_default",
        "let_stmt",
        "fanout_stmt",
        "step_stmt",
        "race_stmt",
        "use_stmt",
        "output_stmt",
        "escalate_stmt",
        "fail_stmt",
        "test_input",
        "test_agent",
        "expect_stmt",
    }
)


@dataclass
class _Item:
    """One entry of a sequence (statement, setting, field, map entry, arm, clause) and how to print it."""

    start: int
    end: int
    line: int
    end_line: int
    render: Callable[[], Doc]
    terminator: str = ""  # the separator this item may be followed by (`;` or `,`), used only when needed
    blank_before: bool | None = None  # force (True) or forbid (False) a blank line before it


def _kids(tree: Tree[Any]) -> list[Any]:
    return tree.children


def _first_text(doc: Doc) -> str:
    """The first non-empty text a document prints (flat layout)."""
    stack: list[Doc] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if node:
                return node
        elif isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, Nest | Group):
            stack.append(node.doc)
        elif isinstance(node, IfBreak):
            stack.append(node.flat)
    return ""


def _last_text(doc: Doc) -> str:
    """The last non-empty text a document prints (comments included)."""
    stack: list[Doc] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if node:
                return node
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, Nest | Group):
            stack.append(node.doc)
        elif isinstance(node, IfBreak):
            stack.append(node.broken)
    return ""


def _is_risky(text: str) -> bool:
    """Whether an item starting with `text` could be read as the continuation of the previous item."""
    if not text:
        return False
    if text[0] in _OPERATOR_STARTS:
        return True
    word = text.split(" ", 1)[0].split("(", 1)[0]
    return word in _OPERATOR_WORDS


def normalize_string(token: str) -> str:
    """Double quotes unless that would need escaping; raw strings stay raw; escapes stay as written."""
    raw = token.startswith("r")
    body = token[1:] if raw else token
    if body[0] == '"':
        return token
    inner = body[1:-1]
    if '"' in inner:
        return token
    if raw:
        return 'r"' + inner + '"'
    if "${" in inner and "\\" in inner:
        return token
    # `\'` is not needed inside double quotes; every other escape is kept exactly.
    out: list[str] = []
    i = 0
    while i < len(inner):
        ch = inner[i]
        if ch == "\\" and i + 1 < len(inner):
            out.append("'" if inner[i + 1] == "'" else inner[i : i + 2])
            i += 2
            continue
        out.append(ch)
        i += 1
    return '"' + "".join(out) + '"'


class TreePrinter:
    """Builds the document of one parse tree. `always_separate` keeps every optional separator (a safe fallback)."""

    def __init__(self, text: str, *, always_separate: bool = False) -> None:
        self.text = text
        self.comments: list[Comment] = scan_comments(text)
        self._positions = [c.pos for c in self.comments]
        self._used = [False] * len(self.comments)
        self.always_separate = always_separate

    # ------------------------------------------------------------ comments
    def take(self, lo: int, hi: int, line: int | None = None) -> list[Comment]:
        """Unplaced comments starting in [lo, hi) (only those on `line` when given); they count as placed."""
        found: list[Comment] = []
        index = bisect.bisect_left(self._positions, lo)
        while index < len(self.comments) and self.comments[index].pos < hi:
            comment = self.comments[index]
            if not self._used[index] and (line is None or comment.line == line):
                self._used[index] = True
                found.append(comment)
            index += 1
        return found

    def leftover(self) -> list[Comment]:
        return [c for c, used in zip(self.comments, self._used, strict=True) if not used]

    def _line_of(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def _find(self, char: str, start: int) -> int:
        """Offset of `char`, the first thing after `start` other than white space and comments."""
        i = start
        while i < len(self.text):
            ch = self.text[i]
            if ch == "#":
                end = self.text.find("\n", i)
                i = len(self.text) if end < 0 else end
            elif ch.isspace():
                i += 1
            elif ch == char:
                return i
            else:
                break
        raise ValueError(f"expected {char!r} at offset {i}")

    # ------------------------------------------------------------ sequences
    def sequence(
        self,
        items: Sequence[_Item],
        lo: int,
        hi: int,
        open_line: int,
        *,
        hard: bool,
        flat_comma: bool = False,
        blank_lines: bool = True,
    ) -> tuple[Doc, list[Doc]]:
        """Items with their comments: (what follows the opening line, the body lines joined by separators).

        `hard`: one item per line always (blocks); otherwise the separators are `Line`s of the enclosing group.
        `flat_comma`: a flat layout separates items with `,` (maps); otherwise flat items are separated by spaces.
        """
        after_open: list[Doc] = []
        entries: list[tuple[bool, Doc]] = []  # (blank line before, doc)
        separator: Doc = HARDLINE if hard else LINE
        blank: Doc = HARDLINE if hard else IfBreak(SOFTLINE)
        prev_line = open_line
        cursor = lo

        def add(line: int, doc: Doc, forced: bool | None = None, *, first: bool = False) -> None:
            nonlocal prev_line
            want = blank_lines and line - prev_line > 1 and bool(entries)
            if first and forced is not None and entries:
                want = forced
            entries.append((want, doc))
            prev_line = max(prev_line, line)

        for index, item in enumerate(items):
            leading = self.take(cursor, item.start)
            if index == 0 and leading and leading[0].line == open_line and not leading[0].own_line:
                after_open = ["  ", leading[0].text, BREAK_PARENT]
                leading = leading[1:]
            doc = item.render()
            hoisted = self.take(item.start, item.end)
            next_start = items[index + 1].start if index + 1 < len(items) else hi
            trailing = self.take(item.end, next_start, line=item.end_line)
            pieces: list[tuple[int, Doc]] = [(c.line, [c.text, BREAK_PARENT]) for c in leading]
            pieces.extend((item.line, [c.text, BREAK_PARENT]) for c in hoisted)
            parts: list[Doc] = [doc]
            if index + 1 < len(items):
                parts.append(self._terminator(item, items[index + 1], flat_comma))
            after: list[tuple[int, Doc]] = []
            if trailing and _last_text(doc).startswith("#"):
                # The item already ends with a comment of its own: this one goes on the next line.
                after.append((trailing[0].line, [trailing[0].text, BREAK_PARENT]))
            elif trailing:
                parts.extend(["  ", trailing[0].text, BREAK_PARENT])
            pieces.append((item.line, parts))
            pieces.extend(after)
            for number, (line, piece) in enumerate(pieces):
                add(line, piece, item.blank_before, first=number == 0)
            prev_line = max(prev_line, item.end_line)
            cursor = item.end
        for comment in self.take(cursor, hi):
            if not entries and comment.line == open_line and not comment.own_line and not after_open:
                after_open = ["  ", comment.text, BREAK_PARENT]
                continue
            add(comment.line, [comment.text, BREAK_PARENT])
        body: list[Doc] = []
        for index, (want_blank, doc) in enumerate(entries):
            if index:
                if want_blank:
                    body.append(blank)
                body.append(separator)
            body.append(doc)
        return after_open, body

    def _terminator(self, item: _Item, following: _Item, flat_comma: bool) -> Doc:
        if not item.terminator:
            return ""
        risky = self.always_separate or _is_risky(_first_text(following.render()))
        broken = item.terminator if risky else ""
        flat = "," if flat_comma else broken
        return broken if broken == flat else IfBreak(broken, flat)

    def braces(self, after_open: Doc, body: list[Doc]) -> Doc:
        """`{ … }` that is always broken over lines (blocks, pattern bodies)."""
        if not body:
            return ["{", after_open, HARDLINE, "}"] if after_open else "{}"
        return ["{", after_open, Nest(1, [HARDLINE, body]), HARDLINE, "}"]

    def group_braces(self, after_open: Doc, body: list[Doc]) -> Doc:
        """`{ a, b }` when it fits, one item per line otherwise."""
        if not body:
            return ["{", after_open, HARDLINE, "}"] if after_open else "{}"
        return Group(["{", after_open, Nest(1, [LINE, body]), LINE, "}"])

    def braced_sequence(
        self,
        tree: Tree[Any],
        items: Sequence[_Item],
        *,
        open_at: int,
        hard: bool = True,
        flat_comma: bool = False,
    ) -> Doc:
        """A `{ … }` whose opening brace is the first thing at or after `open_at` and whose `}` ends `tree`."""
        brace = self._find("{", open_at)
        close = tree.meta.end_pos - 1
        after_open, body = self.sequence(
            items, brace + 1, close, self._line_of(brace), hard=hard, flat_comma=flat_comma
        )
        return self.braces(after_open, body) if hard else self.group_braces(after_open, body)

    def _prefixed(self, prefix: str, node: Any, *, expression: bool = False) -> Doc:
        return [prefix, self.expr(node) if expression else self.node(node)]

    def item(self, node: Any, render: Callable[[], Doc] | None = None, terminator: str | None = None) -> _Item:
        meta = node.meta
        if terminator is None:
            terminator = (";" if node.data in _TERMINATED else "") if isinstance(node, Tree) else ""
        cached: list[Doc] = []

        def once() -> Doc:
            if not cached:
                cached.append(render() if render is not None else self.node(node))
            return cached[0]

        end, end_line = self._content_end(node)
        return _Item(meta.start_pos, end, meta.line, end_line, once, terminator)

    def _content_end(self, node: Any) -> tuple[int, int]:
        """Where `node` ends, not counting an optional `;` or `,` after it (comments before that belong outside)."""
        if isinstance(node, Token):
            return node.end_pos or 0, node.end_line or 1
        meta = node.meta
        if self.text[meta.end_pos - 1] not in ";,":
            return meta.end_pos, meta.end_line
        for child in reversed(_kids(node)):
            if child is not None:
                return self._content_end(child)
        word_end = meta.start_pos
        while word_end < len(self.text) and (self.text[word_end].isalnum() or self.text[word_end] == "_"):
            word_end += 1
        return word_end, meta.line

    # ------------------------------------------------------------ file
    def file(self, tree: Tree[Any]) -> Doc:
        items: list[_Item] = []
        previous: str | None = None
        for child in _kids(tree):
            made = self.item(child)
            if previous is not None and (previous != "import_decl" or child.data != "import_decl"):
                made.blank_before = True
            previous = child.data
            items.append(made)
        after_open, body = self.sequence(items, 0, len(self.text), 0, hard=True)
        return [after_open, body, HARDLINE] if body else ""

    # ------------------------------------------------------------ dispatch
    def node(self, node: Any) -> Doc:
        if isinstance(node, Token):
            return self.token(node)
        if node.data in _LEFT_CHAINS:
            return self._chain(node)
        if node.data in _POSTFIX:
            return self._postfix(node)
        method: Callable[[Tree[Any]], Doc] | None = getattr(self, "n_" + node.data, None)
        if method is None:
            raise NotImplementedError(f"no layout for {node.data}")
        return method(node)

    def token(self, token: Token) -> Doc:
        if token.type in ("STRING", "RAW_STRING"):
            return normalize_string(str(token))
        return str(token)

    # ------------------------------------------------------------ declarations
    def n_import_decl(self, tree: Tree[Any]) -> Doc:
        return ["import ", self.token(_kids(tree)[0])]

    def n_pattern_decl(self, tree: Tree[Any]) -> Doc:
        name, *members = _kids(tree)
        items = [self.item(m) for m in members]
        return ["pattern ", str(name), " ", self.braced_sequence(tree, items, open_at=name.end_pos)]

    def n_setting(self, tree: Tree[Any]) -> Doc:
        name, value = _kids(tree)
        return [str(name), " ", self.node(value)]

    def n_range(self, tree: Tree[Any]) -> Doc:
        return [self.node(_kids(tree)[0]), "..", self.node(_kids(tree)[1])]

    def n_policy_default(self, tree: Tree[Any]) -> Doc:
        return self.node(_kids(tree)[0])

    def n_input_decl(self, tree: Tree[Any]) -> Doc:
        items = [self.item(f, terminator=",") for f in _kids(tree)]
        return ["input ", self.braced_sequence(tree, items, open_at=tree.meta.start_pos + len("input"))]

    def n_input_field(self, tree: Tree[Any]) -> Doc:
        name, type_expr, *default = _kids(tree)
        doc: list[Doc] = [str(name), ": ", self.node(type_expr)]
        if default:
            doc.extend([" = ", self.expr(default[0])])
        return doc

    def n_type_expr(self, tree: Tree[Any]) -> Doc:
        name, *args = _kids(tree)
        if not args:
            return str(name)
        return [str(name), "[", join(", ", [self.node(a) for a in args]), "]"]

    def n_agents_decl(self, tree: Tree[Any]) -> Doc:
        name, *settings = _kids(tree)
        items = [self.item(s) for s in settings]
        return ["agents ", str(name), " ", self.braced_sequence(tree, items, open_at=name.end_pos)]

    # ------------------------------------------------------------ statements
    def n_block(self, tree: Tree[Any]) -> Doc:
        items = [self.item(s) for s in _kids(tree)]
        return self.braced_sequence(tree, items, open_at=tree.meta.start_pos)

    def n_let_stmt(self, tree: Tree[Any]) -> Doc:
        name, value = _kids(tree)
        return ["let ", str(name), " = ", self.expr(value)]

    def _step(self, tree: Tree[Any], kind: str) -> Doc:
        name, call, *rest = _kids(tree)
        head: Doc = [kind, " ", str(name), " = ", self.node(call)]
        items: list[_Item] = []
        if kind == "race":
            until, *rest = rest
            items.append(self.item(until, partial(self._prefixed, "until ", until, expression=True), ""))
        items.extend(self.item(c, terminator="") for c in rest)
        if not items:
            return head
        after_open, body = self.sequence(
            items, call.meta.end_pos, self._content_end(tree)[0], call.meta.end_line, hard=False, blank_lines=False
        )
        return Group([head, after_open, Nest(1, [LINE, body])])

    def n_fanout_stmt(self, tree: Tree[Any]) -> Doc:
        return self._step(tree, "fanout")

    def n_step_stmt(self, tree: Tree[Any]) -> Doc:
        return self._step(tree, "step")

    def n_race_stmt(self, tree: Tree[Any]) -> Doc:
        return self._step(tree, "race")

    def n_agent_call(self, tree: Tree[Any]) -> Doc:
        group, action, args = _kids(tree)
        return [str(group), ".", str(action), "(", self.arguments(args), ")"]

    def n_over_clause(self, tree: Tree[Any]) -> Doc:
        binder, items = _kids(tree)
        return ["for ", str(binder), " in ", self.expr(items)]

    def n_timeout_clause(self, tree: Tree[Any]) -> Doc:
        return ["timeout ", self.expr(_kids(tree)[0])]

    def n_retries_clause(self, tree: Tree[Any]) -> Doc:
        doc: list[Doc] = ["retries ", self.expr(_kids(tree)[0])]
        if len(_kids(tree)) > 1 and _kids(tree)[1] is not None:
            doc.extend([" backoff ", self.expr(_kids(tree)[1])])
        return doc

    def n_verify_clause(self, tree: Tree[Any]) -> Doc:
        kind, target, *options = _kids(tree)
        doc: list[Doc] = ["verify ", str(kind)]
        if target is not None:
            doc.extend([" ", self.node(target)])
        for option in options:
            doc.extend([" ", self.node(option)])
        return doc

    def n_verify_target_name(self, tree: Tree[Any]) -> Doc:
        return str(_kids(tree)[0])

    def n_verify_option(self, tree: Tree[Any]) -> Doc:
        name, value = _kids(tree)
        return [str(name), " ", self.expr(value)]

    def n_policy_clause(self, tree: Tree[Any]) -> Doc:
        return ["policy", *[[" ", self.node(part)] for part in _kids(tree)]]

    def n_policy_accept(self, tree: Tree[Any]) -> Doc:
        return ["accept ", self.expr(_kids(tree)[0])]

    def n_policy_retry(self, tree: Tree[Any]) -> Doc:
        return ["retry below ", self.expr(_kids(tree)[0])]

    def n_policy_escalate(self, tree: Tree[Any]) -> Doc:
        value, target = _kids(tree)
        doc: list[Doc] = ["escalate below ", self.expr(value)]
        if target is not None:
            doc.extend([" to ", str(target)])
        return doc

    def n_use_stmt(self, tree: Tree[Any]) -> Doc:
        name, target, args = _kids(tree)
        return ["use ", str(name), " = ", self.node(target), "(", self.arguments(args), ")"]

    def n_qualified_name(self, tree: Tree[Any]) -> Doc:
        return ".".join(str(part) for part in _kids(tree))

    def n_uncertain_stmt(self, tree: Tree[Any]) -> Doc:
        subject, bands, *arms = _kids(tree)
        doc: list[Doc] = ["uncertain ", self.expr(subject)]
        open_at = subject.meta.end_pos if isinstance(subject, Tree) else subject.end_pos
        if bands is not None:
            doc.extend([" bands(", self.arguments(_kids(bands)[0]), ")"])
            open_at = bands.meta.end_pos
        items = [self.item(arm, terminator=",") for arm in arms]
        doc.extend([" ", self.braced_sequence(tree, items, open_at=open_at)])
        return doc

    def _arm(self, label: Any, body: Any, *, statement: bool) -> Doc:
        label_doc: Doc = "else" if isinstance(label, Tree) and label.data == "else_label" else self.expr(label)
        value = self.node(body) if statement else self.expr(body)
        return [label_doc, " => ", value]

    def n_uncertain_arm(self, tree: Tree[Any]) -> Doc:
        return self._arm(_kids(tree)[0], _kids(tree)[1], statement=True)

    def n_match_arm(self, tree: Tree[Any]) -> Doc:
        return self._arm(_kids(tree)[0], _kids(tree)[1], statement=True)

    def n_match_expr_arm(self, tree: Tree[Any]) -> Doc:
        return self._arm(_kids(tree)[0], _kids(tree)[1], statement=False)

    def _match(self, tree: Tree[Any]) -> Doc:
        subject, *arms = _kids(tree)
        doc: list[Doc] = ["match "]
        open_at = tree.meta.start_pos + len("match")
        if subject is not None:
            doc.extend([self.expr(subject), " "])
            open_at = subject.meta.end_pos if isinstance(subject, Tree) else subject.end_pos
        items = [self.item(arm, terminator=",") for arm in arms]
        doc.append(self.braced_sequence(tree, items, open_at=open_at))
        return doc

    def n_match_stmt(self, tree: Tree[Any]) -> Doc:
        return self._match(tree)

    def n_if_stmt(self, tree: Tree[Any]) -> Doc:
        *pairs, otherwise = _kids(tree)
        doc: list[Doc] = []
        for i in range(0, len(pairs), 2):
            doc.extend([" else if " if i else "if ", self.expr(pairs[i]), " ", self.node(pairs[i + 1])])
        if otherwise is not None:
            doc.extend([" else ", self.node(otherwise)])
        return doc

    def n_output_stmt(self, tree: Tree[Any]) -> Doc:
        return ["output ", self.expr(_kids(tree)[0])]

    def n_escalate_stmt(self, tree: Tree[Any]) -> Doc:
        target, reason = _kids(tree)
        doc: list[Doc] = ["escalate"]
        if target is not None:
            doc.extend([" to ", str(target)])
        if reason is not None:
            doc.extend([" ", self.token(reason)])
        return doc

    def n_fail_stmt(self, tree: Tree[Any]) -> Doc:
        return ["fail ", self.token(_kids(tree)[0])]

    # ------------------------------------------------------------ tests
    def n_test_decl(self, tree: Tree[Any]) -> Doc:
        name, target, *members = _kids(tree)
        items = [self.item(m) for m in members]
        return [
            "test ",
            self.token(name),
            " for ",
            self.node(target),
            " ",
            self.braced_sequence(tree, items, open_at=target.meta.end_pos),
        ]

    def n_test_input(self, tree: Tree[Any]) -> Doc:
        return ["input ", self.expr(_kids(tree)[0])]

    def n_test_agent(self, tree: Tree[Any]) -> Doc:
        name, settings, *responses = _kids(tree)
        head: list[Doc] = ["agent ", str(name)]
        after = name.end_pos
        head_line = name.end_line
        if settings is not None:
            items = [self.item(s) for s in _kids(settings)]
            head.extend([" ", self.braced_sequence(settings, items, open_at=name.end_pos, hard=False)])
            after = settings.meta.end_pos
            head_line = settings.meta.end_line
        made: list[_Item] = []
        for index, response in enumerate(responses):
            prefix = "then " if index else ""
            made.append(self.item(response, partial(self._prefixed, prefix, response), ""))
        after_open, body = self.sequence(
            made, after, self._content_end(tree)[0], head_line, hard=False, blank_lines=False
        )
        return Group([head, after_open, Nest(1, [LINE, body])])

    def n_answers(self, tree: Tree[Any]) -> Doc:
        value, *options = _kids(tree)
        return ["answers ", self.expr(value), *[[" ", self.node(o)] for o in options]]

    def n_fails(self, tree: Tree[Any]) -> Doc:
        reason, *options = _kids(tree)
        doc: list[Doc] = ["fails"]
        if reason is not None:
            doc.extend([" ", self.token(reason)])
        doc.extend([" ", self.node(o)] for o in options)
        return doc

    def n_answer_option(self, tree: Tree[Any]) -> Doc:
        name, value = _kids(tree)
        return [str(name), " ", self.expr(value)]

    def n_expect_stmt(self, tree: Tree[Any]) -> Doc:
        condition, modifier = _kids(tree)
        doc: list[Doc] = ["expect ", self.expr(condition)]
        if modifier is not None and modifier.data == "expect_within":
            doc.extend([" within ", self.expr(_kids(modifier)[0])])
        elif modifier is not None:
            doc.append(" matches snapshot")
        return doc

    # ------------------------------------------------------------ expressions
    def arguments(self, args: Any) -> Doc:
        if args is None:
            return ""
        return join(", ", [self.expr(a) for a in _kids(args)])

    def expr(self, node: Any) -> Doc:
        if isinstance(node, Token):
            return self.token(node)
        data = node.data
        if data in _LEFT_CHAINS:
            return self._chain(node)
        if data in _POSTFIX:
            return self._postfix(node)
        return self.node(node)

    def _chain(self, tree: Tree[Any]) -> Doc:
        """A left-associative operator chain `a + b - c …`, without recursing down its left spine."""
        parts: list[tuple[str, Any]] = []
        node: Any = tree
        while isinstance(node, Tree) and node.data in _LEFT_CHAINS:
            if node.data == "binary":
                left, op, right = _kids(node)
                parts.append((str(op), right))
            else:
                left, right = _kids(node)
                parts.append((_BINARY_WORDS[node.data], right))
            node = left
        doc: list[Doc] = [self.expr(node)]
        for op, right in reversed(parts):
            doc.extend([" ", op, " ", self.expr(right)])
        return doc

    def _postfix(self, tree: Tree[Any]) -> Doc:
        """`a.b[c](d)…` without recursing down the chain."""
        parts: list[Tree[Any]] = []
        node: Any = tree
        while isinstance(node, Tree) and node.data in _POSTFIX:
            parts.append(node)
            node = _kids(node)[0]
        doc: list[Doc] = [self.expr(node)]
        for part in reversed(parts):
            if part.data == "field":
                doc.extend([".", str(_kids(part)[1])])
            elif part.data == "index":
                doc.extend(["[", self.expr(_kids(part)[1]), "]"])
            else:
                doc.extend(["(", self.arguments(_kids(part)[1]), ")"])
        return doc

    def n_named_argument(self, tree: Tree[Any]) -> Doc:
        name, value = _kids(tree)
        return [str(name), ": ", self.expr(value)]

    def n_with_confidence(self, tree: Tree[Any]) -> Doc:
        return [self.expr(_kids(tree)[0]), " with confidence ", self.expr(_kids(tree)[1])]

    def n_if_expr(self, tree: Tree[Any]) -> Doc:
        cond, then, otherwise = _kids(tree)
        return ["if ", self.expr(cond), " then ", self.expr(then), " else ", self.expr(otherwise)]

    def n_match_expr(self, tree: Tree[Any]) -> Doc:
        return self._match(tree)

    def n_compare(self, tree: Tree[Any]) -> Doc:
        left, op, right = _kids(tree)
        return [self.expr(left), " ", str(op), " ", self.expr(right)]

    def n_in_op(self, tree: Tree[Any]) -> Doc:
        return [self.expr(_kids(tree)[0]), " in ", self.expr(_kids(tree)[1])]

    def n_not_in_op(self, tree: Tree[Any]) -> Doc:
        return [self.expr(_kids(tree)[0]), " not in ", self.expr(_kids(tree)[1])]

    def n_not_op(self, tree: Tree[Any]) -> Doc:
        return ["not ", self.expr(_kids(tree)[0])]

    def n_negate(self, tree: Tree[Any]) -> Doc:
        op, operand = _kids(tree)
        return [str(op), self.expr(operand)]

    def n_name(self, tree: Tree[Any]) -> Doc:
        return str(_kids(tree)[0])

    def n_number(self, tree: Tree[Any]) -> Doc:
        return str(_kids(tree)[0])

    def n_duration(self, tree: Tree[Any]) -> Doc:
        return str(_kids(tree)[0])

    def n_string(self, tree: Tree[Any]) -> Doc:
        return self.token(_kids(tree)[0])

    def n_raw_string(self, tree: Tree[Any]) -> Doc:
        return self.token(_kids(tree)[0])

    def n_true(self, tree: Tree[Any]) -> Doc:
        return "true"

    def n_false(self, tree: Tree[Any]) -> Doc:
        return "false"

    def n_null(self, tree: Tree[Any]) -> Doc:
        return "null"

    def n_list_literal(self, tree: Tree[Any]) -> Doc:
        items = [c for c in _kids(tree) if c is not None]
        return ["[", join(", ", [self.expr(i) for i in items]), "]"]

    def n_paren(self, tree: Tree[Any]) -> Doc:
        return ["(", self.expr(_kids(tree)[0]), ")"]

    def n_map_literal(self, tree: Tree[Any]) -> Doc:
        items = [self.item(e, terminator=",") for e in _kids(tree)]
        return self.braced_sequence(tree, items, open_at=tree.meta.start_pos, hard=False, flat_comma=True)

    def n_map_entry(self, tree: Tree[Any]) -> Doc:
        key, value = _kids(tree)
        return [self.token(key), ": ", self.expr(value)]
