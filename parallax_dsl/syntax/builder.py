"""Turns Lark's parse tree into the typed AST (non-recursive, so deeply nested input cannot overflow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lark import Token, Tree
from lark.exceptions import GrammarError, VisitError
from lark.tree import Meta

from parallax_dsl import ast
from parallax_dsl.diagnostics.model import Diagnostic, Severity, Span

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "$": "$", "0": "\0"}
_DURATION_UNITS = {"ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class _Range:
    """A `lo..hi` setting value before it is folded into its Setting."""

    def __init__(self, low: ast.Expr, high: ast.Expr) -> None:
        self.low = low
        self.high = high


class _Else:
    def __init__(self, span: Span) -> None:
        self.span = span


class _Policy:
    def __init__(self, kind: str, value: ast.Expr, target: Token | None, span: Span) -> None:
        self.kind = kind
        self.value = value
        self.target = target
        self.span = span


# Step clauses are folded into AgentStep fields.
class _Clause:
    def __init__(self, kind: str, values: tuple[Any, ...], span: Span) -> None:
        self.kind = kind
        self.values = values
        self.span = span


class _Modifier:
    def __init__(self, within: ast.Expr | None, snapshot: bool) -> None:
        self.within = within
        self.snapshot = snapshot


def _is_token(value: object, *types: str) -> bool:
    return isinstance(value, Token) and (not types or value.type in types)


InterpolationParser = Callable[[str, int, int, int], "ast.Expr | None"]


_NO_HANDLER: Any = object()


class AstBuilder:
    """Lark tree → AST. Collects its own diagnostics (bad escapes, bad interpolations) instead of raising.

    Each rule's method gets `(meta, children)` with the children already transformed, like a Lark
    `Transformer_NonRecursive` under `@v_args(meta=True)`, but dispatched through a per-class table: Lark's
    `v_args` wrapper re-wraps the method (functools.update_wrapper) on every attribute access, which was a fifth
    of the tree → AST time, and it also slowed every `self.span(…)` call inside the methods.
    """

    _handlers: dict[str, Callable[..., Any] | None]

    def __init__(self, path: str, parse_interpolation: InterpolationParser | None = None) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self._parse_interpolation = parse_interpolation

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}

    @classmethod
    def _handler(cls, rule: str) -> Callable[..., Any] | None:
        """The method for `rule` (None: keep the node as a Tree, as Lark's `__default__` does)."""
        found = getattr(cls, rule, None)
        handler = found if callable(found) else None
        cls._handlers[rule] = handler
        return handler

    def transform(self, tree: Tree[Token]) -> Any:
        """Bottom-up over the tree without recursion, so deeply nested input cannot overflow the stack."""
        reverse_postorder: list[Any] = []
        pending: list[Any] = [tree]
        while pending:
            node = pending.pop()
            reverse_postorder.append(node)
            if isinstance(node, Tree):
                pending.extend(node.children)
        handlers = self._handlers
        stack: list[Any] = []
        for node in reversed(reverse_postorder):
            if not isinstance(node, Tree):
                stack.append(node)
                continue
            size = len(node.children)
            if size:
                children = stack[-size:]
                del stack[-size:]
            else:
                children = []
            rule = node.data
            handler = handlers.get(rule, _NO_HANDLER)
            if handler is _NO_HANDLER:
                handler = self._handler(rule)
            if handler is None:
                stack.append(Tree(rule, children, node.meta))
                continue
            try:
                stack.append(handler(self, node.meta, children))
            except GrammarError:
                raise
            except Exception as exc:
                # Wrapped as Lark's own transformers wrap it, so callers see the same exception.
                raise VisitError(rule, node, exc)  # type: ignore[no-untyped-call]  # noqa: B904
        (result,) = stack
        return result

    # ------------------------------------------------------------ spans
    def span(self, meta: Meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.path, 1, 1, 1, 1, 0, 0)
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)

    def tspan(self, token: Token) -> Span:
        return Span(
            self.path,
            token.line or 1,
            token.column or 1,
            token.end_line or token.line or 1,
            token.end_column or token.column or 1,
            token.start_pos or 0,
            token.end_pos or 0,
        )

    def _error(self, code: str, name: str, message: str, span: Span, help: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, name, Severity.ERROR, message, span, help=help))

    # ------------------------------------------------------------ file level
    def start(self, meta: Meta, children: list[Any]) -> ast.Module:
        imports = tuple(c for c in children if isinstance(c, ast.ImportDecl))
        patterns = tuple(c for c in children if isinstance(c, ast.PatternDecl))
        tests = tuple(c for c in children if isinstance(c, ast.TestDecl))
        return ast.Module(self.path, imports, patterns, tests, self.span(meta))

    def import_decl(self, meta: Meta, children: list[Any]) -> ast.ImportDecl:
        literal = self.string_token(children[0])
        return ast.ImportDecl(literal.text, self.span(meta))

    def pattern_decl(self, meta: Meta, children: list[Any]) -> ast.PatternDecl:
        name, *items = children
        settings = tuple(i for i in items if isinstance(i, ast.Setting))
        policies = [i for i in items if isinstance(i, ast.PolicyClause)]
        inputs = tuple(i for i in items if isinstance(i, ast.InputDecl))
        agents = tuple(i for i in items if isinstance(i, ast.AgentsDecl))
        body = tuple(
            i for i in items if not isinstance(i, ast.Setting | ast.PolicyClause | ast.InputDecl | ast.AgentsDecl)
        )
        return ast.PatternDecl(
            str(name),
            self.tspan(name),
            settings,
            policies[0] if policies else None,
            inputs,
            agents,
            body,
            self.span(meta),
        )

    def setting(self, meta: Meta, children: list[Any]) -> ast.Setting:
        name, value = children
        if isinstance(value, _Range):
            return ast.Setting(str(name), self.tspan(name), value.low, value.high, self.span(meta))
        return ast.Setting(str(name), self.tspan(name), value, None, self.span(meta))

    def range(self, meta: Meta, children: list[Any]) -> _Range:
        return _Range(children[0], children[1])

    def policy_default(self, meta: Meta, children: list[Any]) -> ast.PolicyClause:
        clause: ast.PolicyClause = children[0]
        return clause

    def input_decl(self, meta: Meta, children: list[Any]) -> ast.InputDecl:
        return ast.InputDecl(tuple(children), self.span(meta))

    def input_field(self, meta: Meta, children: list[Any]) -> ast.InputField:
        name, type_expr, *rest = children
        return ast.InputField(str(name), self.tspan(name), type_expr, rest[0] if rest else None, self.span(meta))

    def type_expr(self, meta: Meta, children: list[Any]) -> ast.TypeExpr:
        name, *args = children
        return ast.TypeExpr(str(name), tuple(args), self.span(meta))

    def agents_decl(self, meta: Meta, children: list[Any]) -> ast.AgentsDecl:
        name, *settings = children
        return ast.AgentsDecl(str(name), self.tspan(name), tuple(settings), self.span(meta))

    # ------------------------------------------------------------ statements
    def block(self, meta: Meta, children: list[Any]) -> tuple[ast.Statement, ...]:
        return tuple(children)

    def _body(self, value: Any) -> tuple[ast.Statement, ...]:
        return value if isinstance(value, tuple) else (value,)

    def let_stmt(self, meta: Meta, children: list[Any]) -> ast.LetStmt:
        name, value = children
        return ast.LetStmt(str(name), self.tspan(name), value, self.span(meta))

    def agent_call(self, meta: Meta, children: list[Any]) -> ast.AgentCall:
        group, action, args = children
        return ast.AgentCall(
            str(group), self.tspan(group), str(action), self.tspan(action), args or (), self.span(meta)
        )

    def _agent_step(
        self, kind: ast.StepKind, meta: Meta, name: Token, call: ast.AgentCall, until: Any, clauses: list[Any]
    ) -> ast.AgentStep:
        fields: dict[str, Any] = {
            "over": None,
            "timeout": None,
            "retries": None,
            "backoff": None,
            "policy": None,
        }
        verifies: list[ast.VerifyClause] = []
        for clause in clauses:
            if isinstance(clause, ast.VerifyClause):
                verifies.append(clause)
            elif isinstance(clause, ast.PolicyClause):
                self._set_once(fields, "policy", clause, clause.span, "policy")
            elif isinstance(clause, ast.OverClause):
                self._set_once(fields, "over", clause, clause.span, "for … in")
            elif isinstance(clause, _Clause) and clause.kind == "timeout":
                self._set_once(fields, "timeout", clause.values[0], clause.span, "timeout")
            elif isinstance(clause, _Clause) and clause.kind == "retries":
                self._set_once(fields, "retries", clause.values[0], clause.span, "retries")
                fields["backoff"] = clause.values[1]
        return ast.AgentStep(
            kind,
            str(name),
            self.tspan(name),
            call,
            until,
            fields["over"],
            fields["timeout"],
            fields["retries"],
            fields["backoff"],
            tuple(verifies),
            fields["policy"],
            self.span(meta),
        )

    def _set_once(self, fields: dict[str, Any], key: str, value: Any, span: Span, label: str) -> None:
        if fields[key] is not None:
            self._error(
                "PLX010",
                "duplicate-clause",
                f"this step already has a `{label}` clause",
                span,
                help=f"keep one `{label}` clause per step",
            )
            return
        fields[key] = value

    def fanout_stmt(self, meta: Meta, children: list[Any]) -> ast.AgentStep:
        name, call, *clauses = children
        return self._agent_step("fanout", meta, name, call, None, clauses)

    def step_stmt(self, meta: Meta, children: list[Any]) -> ast.AgentStep:
        name, call, *clauses = children
        return self._agent_step("step", meta, name, call, None, clauses)

    def race_stmt(self, meta: Meta, children: list[Any]) -> ast.AgentStep:
        name, call, until, *clauses = children
        return self._agent_step("race", meta, name, call, until, clauses)

    def over_clause(self, meta: Meta, children: list[Any]) -> ast.OverClause:
        binder, items = children
        return ast.OverClause(str(binder), self.tspan(binder), items, self.span(meta))

    def timeout_clause(self, meta: Meta, children: list[Any]) -> _Clause:
        return _Clause("timeout", (children[0],), self.span(meta))

    def retries_clause(self, meta: Meta, children: list[Any]) -> _Clause:
        return _Clause("retries", (children[0], children[1] if len(children) > 1 else None), self.span(meta))

    def verify_clause(self, meta: Meta, children: list[Any]) -> ast.VerifyClause:
        kind, target, *options = children
        if _is_token(target, "STRING", "RAW_STRING"):
            target = self.string_token(target)
        return ast.VerifyClause(str(kind), self.tspan(kind), target, tuple(options), self.span(meta))

    def verify_target_name(self, meta: Meta, children: list[Any]) -> ast.Name:
        return ast.Name(str(children[0]), self.tspan(children[0]))

    def verify_option(self, meta: Meta, children: list[Any]) -> ast.Setting:
        name, value = children
        return ast.Setting(str(name), self.tspan(name), value, None, self.span(meta))

    def policy_clause(self, meta: Meta, children: list[Any]) -> ast.PolicyClause:
        parts: dict[str, _Policy] = {}
        for part in children:
            if part.kind in parts:
                self._error(
                    "PLX010",
                    "duplicate-clause",
                    f"this policy already says `{part.kind}`",
                    part.span,
                    help="each of accept, retry below and escalate below may appear once",
                )
                continue
            parts[part.kind] = part
        escalate = parts.get("escalate")
        target = escalate.target if escalate else None
        return ast.PolicyClause(
            parts["accept"].value if "accept" in parts else None,
            parts["retry"].value if "retry" in parts else None,
            escalate.value if escalate else None,
            str(target) if target is not None else None,
            self.tspan(target) if target is not None else None,
            self.span(meta),
        )

    def policy_accept(self, meta: Meta, children: list[Any]) -> _Policy:
        return _Policy("accept", children[0], None, self.span(meta))

    def policy_retry(self, meta: Meta, children: list[Any]) -> _Policy:
        return _Policy("retry", children[0], None, self.span(meta))

    def policy_escalate(self, meta: Meta, children: list[Any]) -> _Policy:
        return _Policy("escalate", children[0], children[1], self.span(meta))

    def use_stmt(self, meta: Meta, children: list[Any]) -> ast.UseStmt:
        name, (target, target_span), args = children
        return ast.UseStmt(str(name), self.tspan(name), target, target_span, args or (), self.span(meta))

    def qualified_name(self, meta: Meta, children: list[Any]) -> tuple[str, Span]:
        return ".".join(str(c) for c in children), self.span(meta)

    def uncertain_stmt(self, meta: Meta, children: list[Any]) -> ast.UncertainStmt:
        subject, bands, *arms = children
        return ast.UncertainStmt(subject, bands or (), tuple(arms), self.span(meta))

    def bands(self, meta: Meta, children: list[Any]) -> tuple[ast.Argument, ...]:
        args: tuple[ast.Argument, ...] = children[0]
        return args

    def else_label(self, meta: Meta, children: list[Any]) -> _Else:
        return _Else(self.span(meta))

    def uncertain_arm(self, meta: Meta, children: list[Any]) -> ast.UncertainArm:
        label, body = children
        if isinstance(label, _Else):
            return ast.UncertainArm("else", label.span, self._body(body), self.span(meta))
        return ast.UncertainArm(str(label), self.tspan(label), self._body(body), self.span(meta))

    def match_stmt(self, meta: Meta, children: list[Any]) -> ast.MatchStmt:
        subject, *arms = children
        return ast.MatchStmt(subject, tuple(arms), self.span(meta))

    def match_arm(self, meta: Meta, children: list[Any]) -> ast.MatchStmtArm:
        pattern, body = children
        return ast.MatchStmtArm(None if isinstance(pattern, _Else) else pattern, self._body(body), self.span(meta))

    def if_stmt(self, meta: Meta, children: list[Any]) -> ast.IfStmt:
        *pairs, otherwise = children
        branches = []
        for i in range(0, len(pairs), 2):
            cond, body = pairs[i], pairs[i + 1]
            branches.append(ast.IfBranch(cond, body, _join(cond.span, _last_span(body, cond.span))))
        return ast.IfStmt(tuple(branches), otherwise, self.span(meta))

    def output_stmt(self, meta: Meta, children: list[Any]) -> ast.OutputStmt:
        return ast.OutputStmt(children[0], self.span(meta))

    def escalate_stmt(self, meta: Meta, children: list[Any]) -> ast.EscalateStmt:
        target, reason = children
        return ast.EscalateStmt(
            str(target) if target is not None else None,
            self.tspan(target) if target is not None else None,
            self.string_token(reason) if reason is not None else None,
            self.span(meta),
        )

    def fail_stmt(self, meta: Meta, children: list[Any]) -> ast.FailStmt:
        return ast.FailStmt(self.string_token(children[0]), self.span(meta))

    # ------------------------------------------------------------ tests
    def test_decl(self, meta: Meta, children: list[Any]) -> ast.TestDecl:
        name, (pattern, pattern_span), *items = children
        inputs = [i for i in items if isinstance(i, ast.MapLit)]
        for extra in inputs[1:]:
            self._error("PLX010", "duplicate-clause", "this test already has an `input`", extra.span)
        return ast.TestDecl(
            self.string_token(name).text,
            self.tspan(name),
            pattern,
            pattern_span,
            inputs[0] if inputs else None,
            tuple(i for i in items if isinstance(i, ast.TestAgent)),
            tuple(i for i in items if isinstance(i, ast.LetStmt)),
            tuple(i for i in items if isinstance(i, ast.Expect)),
            self.span(meta),
        )

    def test_input(self, meta: Meta, children: list[Any]) -> ast.MapLit:
        value: ast.MapLit = children[0]
        return value

    def test_agent(self, meta: Meta, children: list[Any]) -> ast.TestAgent:
        name, settings, *responses = children
        return ast.TestAgent(str(name), self.tspan(name), settings or (), tuple(responses), self.span(meta))

    def agent_settings(self, meta: Meta, children: list[Any]) -> tuple[ast.Setting, ...]:
        return tuple(children)

    def answers(self, meta: Meta, children: list[Any]) -> ast.AgentResponse:
        value, *options = children
        return ast.AgentResponse("answers", value, tuple(options), self.span(meta))

    def fails(self, meta: Meta, children: list[Any]) -> ast.AgentResponse:
        reason, *options = children
        value = self.string_token(reason) if reason is not None else None
        return ast.AgentResponse("fails", value, tuple(options), self.span(meta))

    def answer_option(self, meta: Meta, children: list[Any]) -> ast.Setting:
        name, value = children
        return ast.Setting(str(name), self.tspan(name), value, None, self.span(meta))

    def expect_stmt(self, meta: Meta, children: list[Any]) -> ast.Expect:
        condition, modifier = children
        within = modifier.within if isinstance(modifier, _Modifier) else None
        snapshot = modifier.snapshot if isinstance(modifier, _Modifier) else False
        return ast.Expect(condition, within, snapshot, self.span(meta))

    def expect_within(self, meta: Meta, children: list[Any]) -> _Modifier:
        return _Modifier(children[0], False)

    def expect_snapshot(self, meta: Meta, children: list[Any]) -> _Modifier:
        return _Modifier(None, True)

    # ------------------------------------------------------------ expressions
    def with_confidence(self, meta: Meta, children: list[Any]) -> ast.WithConfidence:
        return ast.WithConfidence(children[0], children[1], self.span(meta))

    def if_expr(self, meta: Meta, children: list[Any]) -> ast.IfExpr:
        return ast.IfExpr(children[0], children[1], children[2], self.span(meta))

    def match_expr(self, meta: Meta, children: list[Any]) -> ast.MatchExpr:
        subject, *arms = children
        return ast.MatchExpr(subject, tuple(arms), self.span(meta))

    def match_expr_arm(self, meta: Meta, children: list[Any]) -> ast.MatchExprArm:
        pattern, value = children
        return ast.MatchExprArm(None if isinstance(pattern, _Else) else pattern, value, self.span(meta))

    def _binary(self, meta: Meta, op: ast.BinaryOp, left: ast.Expr, right: ast.Expr, op_span: Span) -> ast.Binary:
        return ast.Binary(op, left, right, op_span, self.span(meta))

    def _between(self, left: ast.Expr, right: ast.Expr) -> Span:
        """The span between two operands: where an anonymous operator token sat."""
        a, b = left.span, right.span
        return Span(self.path, a.end_line, a.end_column, b.line, b.column, a.end_pos, b.start_pos)

    def coalesce(self, meta: Meta, children: list[Any]) -> ast.Binary:
        return self._binary(meta, "??", children[0], children[1], self._between(children[0], children[1]))

    def or_op(self, meta: Meta, children: list[Any]) -> ast.Binary:
        return self._binary(meta, "or", children[0], children[1], self._between(children[0], children[1]))

    def and_op(self, meta: Meta, children: list[Any]) -> ast.Binary:
        return self._binary(meta, "and", children[0], children[1], self._between(children[0], children[1]))

    def in_op(self, meta: Meta, children: list[Any]) -> ast.Binary:
        return self._binary(meta, "in", children[0], children[1], self._between(children[0], children[1]))

    def not_in_op(self, meta: Meta, children: list[Any]) -> ast.Binary:
        return self._binary(meta, "not in", children[0], children[1], self._between(children[0], children[1]))

    def compare(self, meta: Meta, children: list[Any]) -> ast.Binary:
        left, op, right = children
        return self._binary(meta, str(op), left, right, self.tspan(op))  # type: ignore[arg-type]

    def binary(self, meta: Meta, children: list[Any]) -> ast.Binary:
        left, op, right = children
        return self._binary(meta, str(op), left, right, self.tspan(op))  # type: ignore[arg-type]

    def not_op(self, meta: Meta, children: list[Any]) -> ast.Unary:
        return ast.Unary("not", children[0], self.span(meta))

    def negate(self, meta: Meta, children: list[Any]) -> ast.Expr:
        op, operand = children
        if str(op) == "+":
            self._error(
                "PLX001",
                "invalid-syntax",
                "unary `+` is not part of .plx",
                self.tspan(op),
                help="remove the `+`; numbers are positive by default",
            )
            return operand  # type: ignore[no-any-return]
        return ast.Unary("-", operand, self.span(meta))

    def field(self, meta: Meta, children: list[Any]) -> ast.Field:
        obj, name = children
        return ast.Field(obj, str(name), self.tspan(name), self.span(meta))

    def index(self, meta: Meta, children: list[Any]) -> ast.Index:
        return ast.Index(children[0], children[1], self.span(meta))

    def call(self, meta: Meta, children: list[Any]) -> ast.Call:
        func, args = children
        return ast.Call(func, args or (), self.span(meta))

    def arguments(self, meta: Meta, children: list[Any]) -> tuple[ast.Argument, ...]:
        return tuple(c if isinstance(c, ast.Argument) else ast.Argument(None, c, c.span) for c in children)

    def named_argument(self, meta: Meta, children: list[Any]) -> ast.Argument:
        name, value = children
        return ast.Argument(str(name), value, self.span(meta))

    def name(self, meta: Meta, children: list[Any]) -> ast.Name:
        return ast.Name(str(children[0]), self.tspan(children[0]))

    def number(self, meta: Meta, children: list[Any]) -> ast.Number:
        text = str(children[0])
        value: int | float = int(text) if text.isdigit() else float(text)
        return ast.Number(value, self.tspan(children[0]))

    def duration(self, meta: Meta, children: list[Any]) -> ast.Duration:
        text = str(children[0])
        unit = "ms" if text.endswith("ms") else text[-1]
        amount = float(text[: -len(unit)])
        return ast.Duration(amount * _DURATION_UNITS[unit], text, self.tspan(children[0]))

    def string(self, meta: Meta, children: list[Any]) -> ast.String:
        return self.string_token(children[0])

    def raw_string(self, meta: Meta, children: list[Any]) -> ast.String:
        return self.string_token(children[0])

    def true(self, meta: Meta, children: list[Any]) -> ast.Bool:
        return ast.Bool(True, self.span(meta))

    def false(self, meta: Meta, children: list[Any]) -> ast.Bool:
        return ast.Bool(False, self.span(meta))

    def null(self, meta: Meta, children: list[Any]) -> ast.Null:
        return ast.Null(self.span(meta))

    def list_literal(self, meta: Meta, children: list[Any]) -> ast.ListLit:
        return ast.ListLit(tuple(c for c in children if c is not None), self.span(meta))

    def paren(self, meta: Meta, children: list[Any]) -> ast.Expr:
        inner: ast.Expr = children[0]
        return inner

    def map_literal(self, meta: Meta, children: list[Any]) -> ast.MapLit:
        seen: dict[str, ast.MapEntry] = {}
        for entry in children:
            if entry.key in seen:
                self.diagnostics.append(
                    Diagnostic(
                        "PLX102",
                        "duplicate-name",
                        Severity.ERROR,
                        f"key `{entry.key}` appears twice in this map",
                        entry.key_span,
                        labels=(_label(seen[entry.key].key_span, "first given here"),),
                        help="remove one of the two entries",
                    )
                )
            seen[entry.key] = entry
        return ast.MapLit(tuple(children), self.span(meta))

    def map_entry(self, meta: Meta, children: list[Any]) -> ast.MapEntry:
        key, value = children
        key_text = self.string_token(key).text if key.type == "STRING" else str(key)
        return ast.MapEntry(key_text, self.tspan(key), value, self.span(meta))

    # ------------------------------------------------------------ strings
    def string_token(self, token: Token) -> ast.String:
        """Decode escapes and split `${…}` interpolations into parsed expressions."""
        span = self.tspan(token)
        if token.type == "RAW_STRING":
            return ast.String((str(token)[2:-1],), span)
        raw = str(token)[1:-1]
        parts: list[str | ast.Expr] = []
        text: list[str] = []
        i = 0
        line, column, pos = span.line, span.column + 1, span.start_pos + 1
        while i < len(raw):
            ch = raw[i]
            if ch == "\\" and i + 1 < len(raw):
                nxt = raw[i + 1]
                if nxt in _ESCAPES:
                    text.append(_ESCAPES[nxt])
                    i += 2
                    continue
                if nxt == "u" and i + 6 <= len(raw) and _is_hex(raw[i + 2 : i + 6]):
                    text.append(chr(int(raw[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                self._error(
                    "PLX004",
                    "invalid-escape",
                    f"unknown escape sequence `\\{nxt}` in a string",
                    Span(self.path, line, column + i, line, column + i + 2, pos + i, pos + i + 2),
                    help="valid escapes are \\n \\t \\r \\\\ \\\" \\' \\$ \\0 and \\uXXXX;"
                    ' for a regular expression write a raw string: r"(\\d+) passed"',
                )
                text.append(nxt)
                i += 2
                continue
            if ch == "$" and raw.startswith("${", i):
                end = _closing_brace(raw, i + 2)
                if end < 0:
                    self._error(
                        "PLX001",
                        "invalid-syntax",
                        "this `${` is never closed with `}`",
                        Span(self.path, line, column + i, line, column + i + 2, pos + i, pos + i + 2),
                        help="write `${name}` to insert a value, or `\\${` for a literal `${`",
                    )
                    text.append(raw[i:])
                    break
                if text:
                    parts.append("".join(text))
                    text = []
                inner = raw[i + 2 : end]
                expr = None
                if self._parse_interpolation is not None:
                    expr = self._parse_interpolation(inner, line, column + i + 2, pos + i + 2)
                if expr is not None:
                    parts.append(expr)
                i = end + 1
                continue
            text.append(ch)
            i += 1
        if text or not parts:
            parts.append("".join(text))
        return ast.String(tuple(parts), span)


def _is_hex(text: str) -> bool:
    return len(text) == 4 and all(c in "0123456789abcdefABCDEF" for c in text)


def _closing_brace(raw: str, start: int) -> int:
    """Index of the `}` closing an interpolation that starts at `start`, skipping nested braces and quotes."""
    depth = 0
    quote = ""
    i = start
    while i < len(raw):
        ch = raw[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


def _join(a: Span, b: Span) -> Span:
    return Span(a.file, a.line, a.column, b.end_line, b.end_column, a.start_pos, b.end_pos)


def _last_span(body: tuple[ast.Statement, ...], default: Span) -> Span:
    return body[-1].span if body else default


AstBuilder._handlers = {}


def _label(span: Span, message: str) -> Any:
    from parallax_dsl.diagnostics.model import Label

    return Label(span, message)
