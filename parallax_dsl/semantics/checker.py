"""Name resolution and checks on a parsed module: scopes, undefined/duplicate/unused names, settings, types."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from parallax_dsl import ast
from parallax_dsl.diagnostics.model import Diagnostic, Label, Severity, Span
from parallax_dsl.semantics import builtins
from parallax_dsl.semantics.suggest import did_you_mean
from parallax_dsl.semantics.types import check_default, describe_literal_kind, resolve_type

SymbolKind = Literal["input", "let", "step", "use", "binder", "group", "pattern", "test-name"]

# Names a test's `expect` and `let` can read.
TEST_NAMES = {
    "output": "The pattern's output value.",
    "confidence": "The output's confidence.",
    "branch": "The label of the last `uncertain` arm taken (high, medium, low or else), or null.",
    "branches": "Every `uncertain`/`match`/`if` branch taken, in order.",
    "calls": "How many agent calls the run made.",
    "warnings": "The run's warnings, e.g. AGENT_LIMIT.",
    "error": "The run-time error message, or null when the run succeeded.",
    "escalated": "The escalation `{to, reason}`, or null.",
}


@dataclass(frozen=True, slots=True)
class Symbol:
    """A declared name: what it is, where it is declared and a short description for hovers."""

    name: str
    kind: SymbolKind
    span: Span
    detail: str = ""


@dataclass
class CheckResult:
    """Diagnostics plus the symbol table of one module (definitions and every resolved reference)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    definitions: list[Symbol] = field(default_factory=list)
    references: list[tuple[Span, Symbol]] = field(default_factory=list)


class Scope:
    """A lexical scope: a pattern body, a branch, a macro or a `for` binder."""

    def __init__(self, parent: Scope | None = None) -> None:
        self.parent = parent
        self.symbols: dict[str, Symbol] = {}
        self.used: set[str] = set()

    def lookup(self, name: str) -> tuple[Scope, Symbol] | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.symbols:
                return scope, scope.symbols[name]
            scope = scope.parent
        return None

    def visible_names(self) -> Iterator[str]:
        scope: Scope | None = self
        while scope is not None:
            yield from scope.symbols
            scope = scope.parent


@dataclass(frozen=True, slots=True)
class PatternInfo:
    """What other files may know about a pattern: its name, inputs, agent groups and output fields."""

    name: str
    span: Span
    inputs: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...] = ()
    output_keys: frozenset[str] | None = None  # None: some output is not a map literal (fields unknown)
    open_input: bool = False  # `open_input true`: undeclared input fields are accepted

    @staticmethod
    def of(pattern: ast.PatternDecl) -> PatternInfo:
        inputs = tuple(f.name for decl in pattern.inputs for f in decl.fields)
        groups = tuple(
            tuple(next((_string_items(s.value) for s in group.settings if s.name == "capabilities"), []))
            for group in pattern.agents
        )
        open_input = any(
            s.name == "open_input" and isinstance(s.value, ast.Bool) and s.value.value for s in pattern.settings
        )
        return PatternInfo(pattern.name, pattern.name_span, inputs, groups, _output_keys(pattern.body), open_input)


class ModuleChecker:
    """Checks one module. `known_patterns` are the patterns visible through imports and the stdlib."""

    def __init__(self, module: ast.Module, known_patterns: dict[str, PatternInfo], stdlib_names: Iterable[str]):
        self.module = module
        self.known_patterns = known_patterns
        self.stdlib_names = tuple(stdlib_names)
        self.result = CheckResult()
        self._groups: dict[str, Symbol] = {}
        self._group_used: set[str] = set()
        self._inputs: dict[str, ast.InputField] = {}

    # ------------------------------------------------------------ reporting
    def error(self, code: str, name: str, message: str, span: Span, help: str | None = None, **kw: object) -> None:
        self._emit(Severity.ERROR, code, name, message, span, help, kw)

    def warning(self, code: str, name: str, message: str, span: Span, help: str | None = None, **kw: object) -> None:
        self._emit(Severity.WARNING, code, name, message, span, help, kw)

    def _emit(
        self,
        severity: Severity,
        code: str,
        name: str,
        message: str,
        span: Span,
        help: str | None,
        kw: dict[str, object],
    ) -> None:
        labels = kw.get("labels", ())
        assert isinstance(labels, tuple)
        self.result.diagnostics.append(Diagnostic(code, name, severity, message, span, labels=labels, help=help))

    def define(self, scope: Scope, symbol: Symbol, what: str) -> None:
        if symbol.name in builtins.CONSTANTS or symbol.name == "input":
            self.error(
                "PLX102",
                "duplicate-name",
                f"`{symbol.name}` is built into the language and cannot be redefined",
                symbol.span,
                help=f"rename this {what}",
            )
            return
        existing = scope.symbols.get(symbol.name)
        if existing is not None:
            self.error(
                "PLX102",
                "duplicate-name",
                f"`{symbol.name}` is already defined in this pattern",
                symbol.span,
                help=f"rename this {what}",
                labels=(Label(existing.span, "first defined here"),),
            )
            return
        scope.symbols[symbol.name] = symbol
        self.result.definitions.append(symbol)

    # ------------------------------------------------------------ module
    def check(self) -> CheckResult:
        seen: dict[str, ast.PatternDecl] = {}
        for pattern in self.module.patterns:
            if pattern.name in seen:
                self.error(
                    "PLX102",
                    "duplicate-name",
                    f"pattern `{pattern.name}` is declared twice in this file",
                    pattern.name_span,
                    labels=(Label(seen[pattern.name].name_span, "first declared here"),),
                    help="rename one of them",
                )
            seen[pattern.name] = pattern
            self.result.definitions.append(Symbol(pattern.name, "pattern", pattern.name_span, "pattern"))
        for pattern in self.module.patterns:
            self.check_pattern(pattern)
        for test in self.module.tests:
            self.check_test(test)
        return self.result

    # ------------------------------------------------------------ patterns
    def check_pattern(self, pattern: ast.PatternDecl) -> None:
        self._groups = {}
        self._group_used = set()
        self._inputs = {}
        self.check_settings(pattern.settings, builtins.PATTERN_SETTINGS, "pattern setting", _pattern_setting_check)
        scope = Scope()
        if pattern.inputs:
            first = pattern.inputs[0]
            for extra in pattern.inputs[1:]:
                self.error(
                    "PLX102",
                    "duplicate-name",
                    "a pattern has one `input` block",
                    extra.span,
                    labels=(Label(first.span, "first input block"),),
                    help="merge the fields into the first `input { … }`",
                )
            for input_decl in pattern.inputs:
                for input_field in input_decl.fields:
                    self.check_input_field(input_field)
            scope.symbols["input"] = Symbol("input", "input", first.span, "the pattern's input")
            self.result.definitions.append(scope.symbols["input"])
        else:
            # Without a declared input block, `input` is an open map (any field may be read).
            scope.symbols["input"] = Symbol("input", "input", pattern.name_span, "the pattern's input (undeclared)")
        for group in pattern.agents:
            self.check_group(group)
        if pattern.policy is not None:
            self.check_policy(pattern.policy, scope)
        self.declare_statements(pattern.body, scope)
        for statement in pattern.body:
            self.check_statement(statement, scope)
        self.report_unused(scope)
        for name, symbol in self._groups.items():
            if name not in self._group_used:
                self.warning(
                    "PLX103",
                    "unused-name",
                    f"agent group `{name}` is never used",
                    symbol.span,
                    help="remove it, or call it from a step: `fanout r = " + name + ".action(task: input.task)`",
                )
        from parallax_dsl.semantics.expr_checks import PatternExprLints

        self.result.diagnostics.extend(PatternExprLints(pattern).run())
        if not any(_produces_output(statement) for statement in pattern.body):
            self.error(
                "PLX208",
                "missing-output",
                f"pattern `{pattern.name}` never produces an output",
                pattern.name_span,
                help="end the pattern with `output { … } with confidence …`",
            )

    def check_input_field(self, input_field: ast.InputField) -> None:
        if input_field.name in self._inputs:
            self.error(
                "PLX102",
                "duplicate-name",
                f"input field `{input_field.name}` is declared twice",
                input_field.name_span,
                labels=(Label(self._inputs[input_field.name].name_span, "first declared here"),),
            )
            return
        self._inputs[input_field.name] = input_field
        self.result.definitions.append(
            Symbol(input_field.name, "input", input_field.name_span, f"input field: {input_field.type}")
        )
        for problem in resolve_type(input_field.type):
            self.error(*problem)
        if input_field.default is not None:
            for problem in check_default(input_field.type, input_field.default):
                self.error(*problem)

    def check_group(self, group: ast.AgentsDecl) -> None:
        symbol = Symbol(group.name, "group", group.name_span, "agent group")
        if group.name in self._groups:
            self.error(
                "PLX102",
                "duplicate-name",
                f"agent group `{group.name}` is declared twice",
                group.name_span,
                labels=(Label(self._groups[group.name].span, "first declared here"),),
            )
            return
        self._groups[group.name] = symbol
        self.result.definitions.append(symbol)
        settings = self.check_settings(
            group.settings, builtins.AGENT_GROUP_SETTINGS, "agent group setting", _group_setting_check
        )
        low, high = settings.get("min"), settings.get("max")
        if isinstance(low, ast.Setting) and isinstance(high, ast.Setting):
            low_value, high_value = _int_value(low.value), _int_value(high.value)
            if low_value is not None and high_value is not None and low_value > high_value:
                self.error(
                    "PLX207",
                    "min-above-max",
                    f"agent group `{group.name}` needs at least {low_value} agents but uses at most {high_value}",
                    low.span,
                    labels=(Label(high.span, f"max is {high_value}"),),
                    help="make `min` at most `max`",
                )

    def check_settings(
        self,
        settings: tuple[ast.Setting, ...],
        known: dict[str, str],
        what: str,
        value_check: Callable[[ast.Setting], str | None],
    ) -> dict[str, ast.Setting]:
        seen: dict[str, ast.Setting] = {}
        for setting in settings:
            if setting.name not in known:
                hint = did_you_mean(setting.name, [*known, *builtins.KEYWORDS])
                self.error(
                    "PLX106",
                    "unknown-setting",
                    f"unknown {what} `{setting.name}`",
                    setting.name_span,
                    help=hint or f"known {what}s: {', '.join(known)}",
                )
                continue
            if setting.name in seen:
                self.error(
                    "PLX102",
                    "duplicate-name",
                    f"`{setting.name}` is set twice",
                    setting.name_span,
                    labels=(Label(seen[setting.name].name_span, "first set here"),),
                )
                continue
            seen[setting.name] = setting
            problem = value_check(setting)
            if problem is not None:
                self.error("PLX203", "invalid-setting-value", problem, setting.span, help=known[setting.name])
                continue
            self.check_expr(setting.value, Scope(), allow_names=setting.name == "requires")
        return seen

    def check_policy(self, policy: ast.PolicyClause, scope: Scope) -> None:
        for value in (policy.accept, policy.retry_below, policy.escalate_below):
            if value is None:
                continue
            self.check_expr(value, scope)
            number = _number_value(value)
            if number is None:
                self.error(
                    "PLX203",
                    "invalid-setting-value",
                    "policy thresholds are number literals",
                    value.span,
                    help="write a confidence such as 0.8",
                )
            elif not 0 <= number <= 1:
                self.error(
                    "PLX203",
                    "invalid-setting-value",
                    f"policy thresholds are confidences in [0, 1], not {number:g}",
                    value.span,
                )
        if policy.escalate_to is not None and policy.escalate_to_span is not None:
            self.use_group(policy.escalate_to, policy.escalate_to_span, allow_human=True)

    def use_group(self, name: str, span: Span, *, allow_human: bool = False) -> None:
        if allow_human and name == "human":
            return
        symbol = self._groups.get(name)
        if symbol is None:
            candidates = [*self._groups, *(["human"] if allow_human else [])]
            hint = did_you_mean(name, candidates)
            self.error(
                "PLX104",
                "unknown-agent-group",
                f"no agent group named `{name}`",
                span,
                help=hint or f'declare it: `agents {name} {{ capabilities ["…"] }}`',
            )
            return
        self._group_used.add(name)
        self.result.references.append((span, symbol))

    # ------------------------------------------------------------ statements
    def declare_statements(self, body: tuple[ast.Statement, ...], scope: Scope) -> None:
        """Steps, lets and uses are visible in their whole block (a pattern is a DAG, not a sequence)."""
        for statement in body:
            if isinstance(statement, ast.LetStmt):
                self.define(scope, Symbol(statement.name, "let", statement.name_span, "let"), "value")
            elif isinstance(statement, ast.AgentStep):
                detail = f"{statement.kind} {statement.call.group}.{statement.call.action}"
                self.define(scope, Symbol(statement.name, "step", statement.name_span, detail), "step")
            elif isinstance(statement, ast.UseStmt):
                self.define(
                    scope,
                    Symbol(statement.name, "use", statement.name_span, f"use {statement.target}"),
                    "step",
                )

    def check_statement(self, statement: ast.Statement, scope: Scope) -> None:
        if isinstance(statement, ast.LetStmt):
            self.check_expr(statement.value, scope)
        elif isinstance(statement, ast.AgentStep):
            self.check_agent_step(statement, scope)
        elif isinstance(statement, ast.UseStmt):
            self.check_use(statement, scope)
        elif isinstance(statement, ast.OutputStmt):
            self.check_expr(statement.value, scope)
        elif isinstance(statement, ast.EscalateStmt):
            if statement.target is not None and statement.target_span is not None:
                self.use_group(statement.target, statement.target_span, allow_human=True)
            if statement.reason is not None:
                self.check_expr(statement.reason, scope)
        elif isinstance(statement, ast.FailStmt):
            self.check_expr(statement.message, scope)
        elif isinstance(statement, ast.UncertainStmt):
            self.check_uncertain(statement, scope)
        elif isinstance(statement, ast.MatchStmt):
            if statement.subject is not None:
                self.check_expr(statement.subject, scope)
            arms = [(arm.pattern, arm.span) for arm in statement.arms]
            self.check_match_arms(arms, statement.subject is not None, scope)
            for arm in statement.arms:
                self.check_block(arm.body, scope)
        elif isinstance(statement, ast.IfStmt):
            for branch in statement.branches:
                self.check_expr(branch.cond, scope)
                self.check_block(branch.body, scope)
            if statement.otherwise is not None:
                self.check_block(statement.otherwise, scope)

    def check_block(self, body: tuple[ast.Statement, ...], parent: Scope) -> None:
        scope = Scope(parent)
        self.declare_statements(body, scope)
        for statement in body:
            self.check_statement(statement, scope)
        self.report_unused(scope)

    def check_agent_step(self, step: ast.AgentStep, scope: Scope) -> None:
        self.use_group(step.call.group, step.call.group_span)
        call_scope = scope
        if step.over is not None:
            self.check_expr(step.over.items, scope)
            call_scope = Scope(scope)
            call_scope.symbols[step.over.binder] = Symbol(step.over.binder, "binder", step.over.binder_span, "item")
            self.result.definitions.append(call_scope.symbols[step.over.binder])
        self.check_arguments(step.call.args, call_scope, require_names=True)
        if step.over is not None and step.over.binder not in call_scope.used:
            self.warning(
                "PLX103",
                "unused-name",
                f"`{step.over.binder}` is never used in the call",
                step.over.binder_span,
                help=f"pass it to the agent, e.g. `{step.call.group}.{step.call.action}(item: {step.over.binder})`",
            )
        if step.until is not None:
            until_scope = Scope(scope)
            until_scope.symbols[step.name] = Symbol(step.name, "binder", step.name_span, "the candidate answer")
            self.check_expr(step.until, until_scope)
        for value in (step.timeout, step.retries, step.backoff):
            if value is not None:
                self.check_expr(value, scope)
        if step.timeout is not None and not isinstance(step.timeout, ast.Duration):
            self.error("PLX203", "invalid-setting-value", "`timeout` takes a duration such as 30s", step.timeout.span)
        if step.retries is not None and (_int_value(step.retries) is None or (_int_value(step.retries) or 0) < 0):
            self.error("PLX203", "invalid-setting-value", "`retries` takes a whole number >= 0", step.retries.span)
        if step.backoff is not None and not isinstance(step.backoff, ast.Duration):
            self.error(
                "PLX203",
                "invalid-setting-value",
                "`backoff` takes a duration such as 500ms",
                step.backoff.span,
            )
        for verify in step.verifies:
            self.check_verify(verify, scope)
        if step.policy is not None:
            self.check_policy(step.policy, scope)

    def check_verify(self, verify: ast.VerifyClause, scope: Scope) -> None:
        if verify.kind not in builtins.VERIFY_KINDS:
            self.error(
                "PLX106",
                "unknown-setting",
                f"unknown verify oracle `{verify.kind}`",
                verify.kind_span,
                help=did_you_mean(verify.kind, builtins.VERIFY_KINDS) or "use command, agent or history",
            )
            return
        if verify.kind == "command" and not isinstance(verify.target, ast.String):
            self.error(
                "PLX203",
                "invalid-setting-value",
                "`verify command` needs the command to run",
                verify.span,
                help='write `verify command "pytest -q"`',
            )
        if verify.kind == "agent" and isinstance(verify.target, ast.Name):
            self.use_group(verify.target.name, verify.target.span)
        if isinstance(verify.target, ast.String):
            self.check_expr(verify.target, scope)
        allowed = _VERIFY_OPTIONS[verify.kind]
        for option in verify.options:
            self.check_expr(option.value, scope)
            if option.name not in allowed:
                self.error(
                    "PLX106",
                    "unknown-setting",
                    f"`verify {verify.kind}` has no option `{option.name}`",
                    option.span,
                    help=f"its options: {', '.join(allowed)}" if allowed else "it takes no options",
                )
            elif option.name.endswith("_confidence"):
                number = _number_value(option.value)
                if number is None or not 0 <= number <= 1:
                    self.error(
                        "PLX203", "invalid-setting-value", f"`{option.name}` is a number in [0, 1]", option.value.span
                    )
            elif verify.kind == "history":
                problem = _history_option_check(option.name, option.value)
                if problem is not None:
                    self.error("PLX203", "invalid-setting-value", problem, option.value.span)

    def check_use(self, use: ast.UseStmt, scope: Scope) -> None:
        target = use.target.removeprefix("stdlib.")
        info = self.known_patterns.get(use.target) or self.known_patterns.get(target)
        is_stdlib = target in self.stdlib_names
        if info is None and not is_stdlib:
            hint = did_you_mean(target, [*self.known_patterns, *self.stdlib_names])
            self.error(
                "PLX107",
                "unknown-pattern",
                f"no pattern named `{use.target}`",
                use.target_span,
                help=hint or "declare it in this file, `import` the file that declares it, or use a stdlib pattern",
            )
        self.check_arguments(use.args, scope, require_names=True)
        if info is not None and info.inputs:
            for argument in use.args:
                if argument.name is not None and argument.name not in info.inputs:
                    hint = did_you_mean(argument.name, info.inputs)
                    if info.open_input and hint is None:
                        continue  # an extra field the pattern keeps as given; only near-misses are typos
                    self.error(
                        "PLX105",
                        "unknown-input-field",
                        f"pattern `{info.name}` has no input `{argument.name}`",
                        argument.span,
                        help=hint or f"its inputs: {', '.join(info.inputs)}",
                    )

    def check_uncertain(self, statement: ast.UncertainStmt, scope: Scope) -> None:
        self.check_expr(statement.subject, scope)
        bounds: dict[str, float] = {}
        for argument in statement.bands:
            self.check_expr(argument.value, scope)
            if argument.name not in ("high", "medium"):
                self.error(
                    "PLX203",
                    "invalid-setting-value",
                    "`bands(…)` takes `high:` and `medium:` bounds",
                    argument.span,
                    help="e.g. `bands(high: 0.9, medium: 0.6)`",
                )
                continue
            number = _number_value(argument.value)
            if number is None or not 0 <= number <= 1:
                self.error(
                    "PLX203",
                    "invalid-setting-value",
                    "a band bound is a number in [0, 1]",
                    argument.value.span,
                )
                continue
            bounds[argument.name] = number
        if bounds.get("high", 0.8) < bounds.get("medium", 0.5):
            self.error(
                "PLX203",
                "invalid-setting-value",
                "the `high` bound is below the `medium` bound",
                statement.bands[0].span if statement.bands else statement.span,
                help="bands are high >= medium; the defaults are 0.8 and 0.5",
            )
        seen: dict[str, ast.UncertainArm] = {}
        for arm in statement.arms:
            if arm.label not in builtins.BAND_LABELS:
                self.error(
                    "PLX110",
                    "unknown-band",
                    f"`{arm.label}` is not a confidence band",
                    arm.label_span,
                    help=did_you_mean(arm.label, builtins.BAND_LABELS) or "use high, medium, low or else",
                )
            elif arm.label in seen:
                self.error(
                    "PLX102",
                    "duplicate-name",
                    f"band `{arm.label}` is handled twice",
                    arm.label_span,
                    labels=(Label(seen[arm.label].label_span, "first handled here"),),
                )
            elif "else" in seen:
                self.warning(
                    "PLX111",
                    "unreachable-arm",
                    f"band `{arm.label}` comes after `else` and is never taken",
                    arm.label_span,
                    help="move `else` last",
                )
            seen[arm.label] = arm
            self.check_block(arm.body, scope)
        if not {"high", "medium", "low"} <= set(seen) and "else" not in seen:
            missing = [band for band in ("high", "medium", "low") if band not in seen]
            self.error(
                "PLX110",
                "unknown-band",
                f"this `uncertain` does not handle the {' and '.join(missing)} band",
                statement.span,
                help="handle every band, or add `else => …`",
            )

    def check_match_arms(self, arms: list[tuple[ast.Expr | None, Span]], has_subject: bool, scope: Scope) -> None:
        else_span: Span | None = None
        for pattern, span in arms:
            if else_span is not None:
                self.warning(
                    "PLX111",
                    "unreachable-arm",
                    "this arm comes after `else` and is never taken",
                    span,
                    labels=(Label(else_span, "`else` matches everything"),),
                    help="move `else` last",
                )
            if pattern is None:
                else_span = span
            else:
                self.check_expr(pattern, scope)

    # ------------------------------------------------------------ expressions
    def check_arguments(self, args: tuple[ast.Argument, ...], scope: Scope, *, require_names: bool = False) -> None:
        seen: dict[str, ast.Argument] = {}
        for argument in args:
            if require_names and argument.name is None:
                self.error(
                    "PLX203",
                    "invalid-setting-value",
                    "arguments of agent calls and `use` are named",
                    argument.span,
                    help="write `name: value`, e.g. `task: input.task`",
                )
            if argument.name is not None:
                if argument.name in seen:
                    self.error(
                        "PLX102",
                        "duplicate-name",
                        f"argument `{argument.name}` is given twice",
                        argument.span,
                        labels=(Label(seen[argument.name].span, "first given here"),),
                    )
                seen[argument.name] = argument
            self.check_expr(argument.value, scope)

    def check_expr(self, expr: ast.Expr, scope: Scope, *, allow_names: bool = False) -> None:
        """Resolve every name in `expr`. Uses an explicit stack: deep expressions cannot overflow."""
        stack: list[tuple[ast.Expr, Scope]] = [(expr, scope)]
        while stack:
            node, current = stack.pop()
            if isinstance(node, ast.Name):
                if allow_names and node.name == "confidence":
                    continue
                self.resolve_name(node, current)
            elif isinstance(node, ast.String):
                stack.extend((part, current) for part in node.parts if not isinstance(part, str))
            elif isinstance(node, ast.ListLit):
                stack.extend((item, current) for item in node.items)
            elif isinstance(node, ast.MapLit):
                stack.extend((entry.value, current) for entry in node.entries)
            elif isinstance(node, ast.Field):
                self.check_field(node, current)
                stack.append((node.obj, current))
            elif isinstance(node, ast.Index):
                stack.extend([(node.obj, current), (node.index, current)])
            elif isinstance(node, ast.Call):
                stack.extend(self.check_call(node, current))
            elif isinstance(node, ast.Unary):
                stack.append((node.operand, current))
            elif isinstance(node, ast.Binary):
                stack.extend([(node.left, current), (node.right, current)])
            elif isinstance(node, ast.WithConfidence):
                stack.extend([(node.value, current), (node.confidence, current)])
            elif isinstance(node, ast.IfExpr):
                stack.extend([(node.cond, current), (node.then, current), (node.otherwise, current)])
            elif isinstance(node, ast.MatchExpr):
                if node.subject is not None:
                    stack.append((node.subject, current))
                self.check_match_arms([(arm.pattern, arm.span) for arm in node.arms], node.subject is not None, current)
                stack.extend((arm.value, current) for arm in node.arms)

    def resolve_name(self, node: ast.Name, scope: Scope) -> None:
        found = scope.lookup(node.name)
        if found is not None:
            owner, symbol = found
            owner.used.add(node.name)
            self.result.references.append((node.span, symbol))
            return
        if node.name in builtins.CONSTANTS:
            return
        if node.name in builtins.FUNCTIONS:
            self.error(
                "PLX101",
                "undefined-name",
                f"`{node.name}` is a built-in function; call it",
                node.span,
                help=f"write `{builtins.FUNCTIONS[node.name].signature}`",
            )
            return
        hint = did_you_mean(node.name, [*scope.visible_names(), *builtins.CONSTANTS])
        if hint is None and node.name in self._groups:
            hint = f"`{node.name}` is an agent group; call it in a step: `step r = {node.name}.action(…)`"
        if hint is None and node.name in ("True", "False", "None"):
            hint = {
                "True": "did you mean `true`?",
                "False": "did you mean `false`?",
                "None": "did you mean `null`?",
            }[node.name]
        self.error("PLX101", "undefined-name", f"undefined name `{node.name}`", node.span, help=hint)

    def check_field(self, node: ast.Field, scope: Scope) -> None:
        """`input.x` must name a declared input field; scalar inputs have no fields."""
        if isinstance(node.obj, ast.Name) and node.obj.name == "input":
            found = scope.lookup("input")
            if found is None or found[1].kind != "input" or not self._inputs:
                return
            input_field = self._inputs.get(node.name)
            if input_field is None:
                self.error(
                    "PLX105",
                    "unknown-input-field",
                    f"the input has no field `{node.name}`",
                    node.name_span,
                    help=did_you_mean(node.name, self._inputs)
                    or f"declared inputs: {', '.join(self._inputs)}; add `{node.name}: any` to `input {{ … }}`",
                )
                return
            self.result.references.append(
                (
                    node.name_span,
                    Symbol(input_field.name, "input", input_field.name_span, f"input field: {input_field.type}"),
                )
            )
            return
        if (
            isinstance(node.obj, ast.Field)
            and isinstance(node.obj.obj, ast.Name)
            and node.obj.obj.name == "input"
            and node.obj.name in self._inputs
        ):
            base = self._inputs[node.obj.name].type
            if base.name in ("string", "number", "integer", "boolean"):
                self.error(
                    "PLX204",
                    "type-mismatch",
                    f"`input.{node.obj.name}` is a {base.name} and has no field `{node.name}`",
                    node.name_span,
                    help=f"declare `{node.obj.name}: map` (or `any`) to read fields from it",
                )

    def check_call(self, node: ast.Call, scope: Scope) -> list[tuple[ast.Expr, Scope]]:
        """Built-in function calls and list macros; returns the sub-expressions still to resolve."""
        todo: list[tuple[ast.Expr, Scope]] = []
        func = node.func
        if isinstance(func, ast.Field):
            # xs.filter(r, cond): a list macro with a binder.
            todo.append((func.obj, scope))
            if func.name not in builtins.MACROS:
                self.error(
                    "PLX109",
                    "unknown-function",
                    f"`{func.name}` is not a list macro",
                    func.name_span,
                    help=did_you_mean(func.name, builtins.MACROS)
                    or f"list macros: {', '.join(builtins.MACROS)}; functions are called as `len(x)`",
                )
                todo.extend((arg.value, scope) for arg in node.args)
                return todo
            if len(node.args) != 2 or not isinstance(node.args[0].value, ast.Name) or node.args[0].name is not None:
                self.error(
                    "PLX206",
                    "invalid-macro-binder",
                    f"`{func.name}` takes a name and an expression",
                    node.span,
                    help=builtins.MACROS[func.name].split(" — ")[0],
                )
                todo.extend((arg.value, scope) for arg in node.args)
                return todo
            binder = node.args[0].value
            assert isinstance(binder, ast.Name)
            inner = Scope(scope)
            symbol = Symbol(binder.name, "binder", binder.span, f"each item of the list ({func.name})")
            inner.symbols[binder.name] = symbol
            self.result.definitions.append(symbol)
            todo.append((node.args[1].value, inner))
            return todo
        if isinstance(func, ast.Name):
            builtin = builtins.FUNCTIONS.get(func.name)
            if builtin is None:
                local = scope.lookup(func.name)
                self.error(
                    "PLX109",
                    "unknown-function",
                    f"`{func.name}` is not a function" if local else f"unknown function `{func.name}`",
                    func.span,
                    help=did_you_mean(func.name, builtins.FUNCTIONS)
                    or ("agent steps are written `step name = group.action(…)`" if not local else None),
                )
            else:
                count = len(node.args)
                if count < builtin.min_args or (builtin.max_args is not None and count > builtin.max_args):
                    self.error(
                        "PLX205",
                        "wrong-argument-count",
                        f"`{func.name}` takes {_arity(builtin)}, not {count}",
                        node.span,
                        help=f"{builtin.signature}: {builtin.doc}",
                    )
            todo.extend((arg.value, scope) for arg in node.args)
            return todo
        self.error(
            "PLX109",
            "unknown-function",
            "only built-in functions and list macros can be called",
            node.span,
            help="call a function by name, e.g. `len(xs)`",
        )
        todo.append((func, scope))
        todo.extend((arg.value, scope) for arg in node.args)
        return todo

    def report_unused(self, scope: Scope) -> None:
        for name, symbol in scope.symbols.items():
            if symbol.kind in ("let", "step", "use") and name not in scope.used and not name.startswith("_"):
                what = {"let": "value", "step": "step result", "use": "result"}[symbol.kind]
                self.warning(
                    "PLX103",
                    "unused-name",
                    f"{what} `{name}` is never used",
                    symbol.span,
                    help=f"use it, remove it, or name it `_{name}` to keep it on purpose",
                )

    # ------------------------------------------------------------ tests
    def check_test(self, test: ast.TestDecl) -> None:
        target = test.pattern.removeprefix("stdlib.")
        local = {p.name for p in self.module.patterns}
        if target not in local and target not in self.known_patterns and target not in self.stdlib_names:
            self.error(
                "PLX107",
                "unknown-pattern",
                f"no pattern named `{test.pattern}` to test",
                test.pattern_span,
                help=did_you_mean(target, [*local, *self.known_patterns, *self.stdlib_names])
                or "declare or import the pattern first",
            )
        local_decls = {p.name: p for p in self.module.patterns}
        info = PatternInfo.of(local_decls[target]) if target in local_decls else self.known_patterns.get(target)
        if info is not None:
            self.check_test_against(test, info)
        scope = Scope()
        for name, doc in TEST_NAMES.items():
            scope.symbols[name] = Symbol(name, "binder", test.span, doc)
        if test.input is not None:
            self.check_expr(test.input, Scope())
        seen_agents: dict[str, ast.TestAgent] = {}
        for agent in test.agents:
            if agent.name in seen_agents:
                self.error(
                    "PLX102",
                    "duplicate-name",
                    f"agent `{agent.name}` is declared twice in this test",
                    agent.name_span,
                    labels=(Label(seen_agents[agent.name].name_span, "first declared here"),),
                )
            seen_agents[agent.name] = agent
            self.check_settings(agent.settings, builtins.TEST_AGENT_SETTINGS, "test agent setting", _test_agent_check)
            for response in agent.responses:
                if response.value is not None:
                    self.check_expr(response.value, Scope())
                for option in response.options:
                    self.check_expr(option.value, Scope())
        test_scope = Scope(scope)
        self.declare_statements(test.lets, test_scope)
        for let in test.lets:
            self.check_expr(let.value, test_scope)
        for expect in test.expects:
            self.check_expr(expect.condition, test_scope)
            if expect.within is not None:
                self.check_expr(expect.within, test_scope)

    def check_test_against(self, test: ast.TestDecl, info: PatternInfo) -> None:
        """Canned agents no group can select, and expectations on output fields the pattern never produces."""
        for agent in test.agents:
            settings = {s.name: s for s in agent.settings}
            if "capabilities" not in settings:
                continue  # an agent without capabilities serves every group
            capabilities = set(_string_items(settings["capabilities"].value))
            if info.groups and not any(set(group) <= capabilities for group in info.groups):
                self.warning(
                    "PLX120",
                    "unselectable-test-agent",
                    f"agent `{agent.name}` lacks the capabilities of every agent group of `{info.name}`;"
                    " it will never be called",
                    settings["capabilities"].span,
                    help="groups need: " + "; ".join(", ".join(g) or "(nothing)" for g in info.groups),
                )
        if info.output_keys is None:
            return
        for expect in test.expects:
            for access in _output_fields(expect.condition):
                if access.name not in info.output_keys:
                    self.error(
                        "PLX121",
                        "unknown-output-field",
                        f"the output of `{info.name}` never has a field `{access.name}`",
                        access.name_span,
                        help=did_you_mean(access.name, sorted(info.output_keys))
                        or f"its output fields: {', '.join(sorted(info.output_keys)) or '(none)'}",
                    )


# ---------------------------------------------------------------- helpers


def _output_fields(expr: ast.Expr) -> list[ast.Field]:
    """`output.x` accesses in an expectation (the first hop only)."""
    found: list[ast.Field] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Field):
            if isinstance(node.obj, ast.Name) and node.obj.name == "output":
                found.append(node)
            stack.append(node.obj)
        elif isinstance(node, ast.Binary):
            stack.extend((node.left, node.right))
        elif isinstance(node, ast.Unary):
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            stack.extend(a.value for a in node.args)
            stack.append(node.func)
        elif isinstance(node, ast.Index):
            stack.extend((node.obj, node.index))
        elif isinstance(node, ast.ListLit):
            stack.extend(node.items)
    return sorted(found, key=lambda f: f.span.start_pos)


def _string_items(expr: ast.Expr) -> list[str]:
    if isinstance(expr, ast.ListLit):
        return [item.text for item in expr.items if isinstance(item, ast.String) and item.is_plain]
    return []


def _output_keys(body: tuple[ast.Statement, ...]) -> frozenset[str] | None:
    """The union of fields of every `output { … }` map literal; None when some output is not a map literal."""
    keys: set[str] = set()
    stack = list(body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, ast.OutputStmt):
            value = statement.value.value if isinstance(statement.value, ast.WithConfidence) else statement.value
            if not isinstance(value, ast.MapLit):
                return None
            keys.update(entry.key for entry in value.entries)
        elif isinstance(statement, ast.UncertainStmt):
            stack.extend(s for arm in statement.arms for s in arm.body)
        elif isinstance(statement, ast.MatchStmt):
            stack.extend(s for m in statement.arms for s in m.body)
        elif isinstance(statement, ast.IfStmt):
            stack.extend(s for b in statement.branches for s in b.body)
            stack.extend(statement.otherwise or ())
    return frozenset(keys)


_VERIFY_OPTIONS = builtins.VERIFY_OPTIONS

# What each `verify history` option takes: (kind, low, high, low is exclusive). Kinds: "number", "integer",
# "boolean", "string". Only literal values are checked; any other expression is evaluated when the step runs.
_HISTORY_OPTIONS: dict[str, tuple[str, float, float, bool]] = {
    "half_life_days": ("number", 0, math.inf, False),
    "min_runs": ("integer", 1, math.inf, False),
    "saturation_runs": ("number", 0, math.inf, True),
    "max_runs": ("integer", 1, math.inf, False),
    "drift": ("boolean", 0, 0, False),
    "drift_recent_n": ("integer", 1, math.inf, False),
    "drift_threshold": ("number", 0, 1, False),
    "pool": ("boolean", 0, 0, False),
    "pool_family": ("string", 0, 0, False),
    "pool_weight": ("number", 0, 1, False),
}


def _history_option_check(name: str, value: ast.Expr) -> str | None:
    """A problem with a literal value of a `verify history` option (None when fine or not a literal)."""
    kind, low, high, exclusive = _HISTORY_OPTIONS[name]
    if not _is_literal_value(value):
        return None
    if kind == "boolean":
        return None if isinstance(value, ast.Bool) else f"`{name}` takes true or false"
    if kind == "string":
        if not isinstance(value, ast.String):
            return f"`{name}` takes a string, not {describe_literal_kind(value)}"
        return f"`{name}` takes a non-empty string" if value.is_plain and not value.text else None
    number: float | None = _int_value(value) if kind == "integer" else _number_value(value)
    if kind == "integer":
        return None if number is not None and number >= low else f"`{name}` takes a whole number >= {low:g}"
    if high == math.inf:
        wanted = f"a number {'>' if exclusive else '>='} {low:g}"
    else:
        wanted = f"a number in [{low:g}, {high:g}]"
    if number is None or (number <= low if exclusive else number < low) or number > high:
        return f"`{name}` takes {wanted}"
    return None


def _is_literal_value(expr: ast.Expr) -> bool:
    """A literal written in place (a number, possibly negated, a string, a boolean, null, a duration, a list or a
    map) rather than an expression computed from inputs or steps."""
    if isinstance(expr, ast.Unary) and expr.op == "-":
        return isinstance(expr.operand, ast.Number)
    return isinstance(expr, ast.Number | ast.String | ast.Bool | ast.Null | ast.Duration | ast.ListLit | ast.MapLit)


def _arity(builtin: builtins.Builtin) -> str:
    if builtin.max_args == builtin.min_args:
        return f"{builtin.min_args} argument" + ("" if builtin.min_args == 1 else "s")
    if builtin.max_args is None:
        return f"at least {builtin.min_args} argument" + ("" if builtin.min_args == 1 else "s")
    return f"{builtin.min_args} to {builtin.max_args} arguments"


def _produces_output(statement: ast.Statement) -> bool:
    if isinstance(statement, ast.OutputStmt | ast.EscalateStmt | ast.FailStmt):
        return isinstance(statement, ast.OutputStmt)
    if isinstance(statement, ast.UncertainStmt):
        return any(_produces_output(s) for arm in statement.arms for s in arm.body)
    if isinstance(statement, ast.MatchStmt):
        return any(_produces_output(s) for arm in statement.arms for s in arm.body)
    if isinstance(statement, ast.IfStmt):
        bodies = [branch.body for branch in statement.branches] + [statement.otherwise or ()]
        return any(_produces_output(s) for body in bodies for s in body)
    return False


def _number_value(expr: ast.Expr) -> float | None:
    if isinstance(expr, ast.Number):
        return float(expr.value)
    if isinstance(expr, ast.Unary) and expr.op == "-" and isinstance(expr.operand, ast.Number):
        return -float(expr.operand.value)
    return None


def _int_value(expr: ast.Expr) -> int | None:
    if isinstance(expr, ast.Number) and isinstance(expr.value, int):
        return expr.value
    return None


def _is_string_list(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.ListLit) and all(isinstance(i, ast.String) for i in expr.items)


def _pattern_setting_check(setting: ast.Setting) -> str | None:
    value, name = setting.value, setting.name
    if setting.upper is not None:
        return f"`{name}` does not take a range"
    if name in ("version", "description", "schedule") and not isinstance(value, ast.String):
        return f"`{name}` takes a string, not {describe_literal_kind(value)}"
    if name in ("tags", "regions") and not _is_string_list(value):
        return f"`{name}` takes a list of strings"
    if name == "timeout" and not isinstance(value, ast.Duration):
        return "`timeout` takes a duration such as 5m"
    if name in ("persist", "open_input") and not isinstance(value, ast.Bool):
        return f"`{name}` takes true or false"
    if name == "backend" and not (isinstance(value, ast.String) and value.text in ("local", "ray")):
        return '`backend` is "local" or "ray"'
    if name == "target" and not (isinstance(value, ast.String) and value.text in ("local", "kubernetes")):
        return '`target` is "local" or "kubernetes"'
    if name == "requires" and not (
        isinstance(value, ast.Binary)
        and value.op in (">=", ">")
        and isinstance(value.left, ast.Name)
        and value.left.name == "confidence"
        and _number_value(value.right) is not None
    ):
        return "`requires` takes `confidence >= <number>`"
    return None


def _group_setting_check(setting: ast.Setting) -> str | None:
    value, name = setting.value, setting.name
    if name == "confidence":
        low = _number_value(value)
        high = _number_value(setting.upper) if setting.upper is not None else None
        if setting.upper is None or low is None or high is None:
            return "`confidence` takes a range such as 0.6..0.95"
        if not 0 <= low <= high <= 1:
            return f"the confidence range {low:g}..{high:g} must lie within 0..1 with low <= high"
        return None
    if setting.upper is not None:
        return f"`{name}` does not take a range"
    if name == "capabilities" and not _is_string_list(value):
        return "`capabilities` takes a list of strings"
    if name in ("min", "max"):
        number = _int_value(value)
        if number is None or number < 0:
            return f"`{name}` takes a whole number >= 0"
    if name == "prefer" and not (isinstance(value, ast.String) and value.text in ("expertise", "confidence")):
        return '`prefer` is "expertise" or "confidence"'
    if name == "timeout" and not isinstance(value, ast.Duration):
        return "`timeout` takes a duration such as 30s"
    if name == "stateful" and not isinstance(value, ast.Bool):
        return "`stateful` takes true or false"
    return None


def _test_agent_check(setting: ast.Setting) -> str | None:
    value, name = setting.value, setting.name
    if name == "capabilities" and not _is_string_list(value):
        return "`capabilities` takes a list of strings"
    if name in ("expertise", "historical_confidence"):
        number = _number_value(value)
        if number is None or not 0 <= number <= 1:
            return f"`{name}` takes a number in [0, 1]"
    if name in ("name", "id") and not isinstance(value, ast.String):
        return f"`{name}` takes a string"
    return None
