"""The built-in functions, list macros, settings and types of .plx, with one-line docs (for checks and hovers)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Builtin:
    """A built-in function: its name, how many arguments it takes and what it does."""

    name: str
    min_args: int
    max_args: int | None
    signature: str
    doc: str


def _b(name: str, lo: int, hi: int | None, signature: str, doc: str) -> tuple[str, Builtin]:
    return name, Builtin(name, lo, hi, signature, doc)


FUNCTIONS: dict[str, Builtin] = dict(
    [
        _b("len", 1, 1, "len(x)", "Number of items in a list, entries in a map or characters in a string."),
        _b(
            "sum",
            1,
            1,
            "sum(xs)",
            "Sum of a list of numbers (0 for an empty list); confidence is the minimum.",
        ),
        _b("min", 1, None, "min(xs) / min(a, b, …)", "Smallest number; confidence is the minimum."),
        _b("max", 1, None, "max(xs) / max(a, b, …)", "Largest number; confidence is the minimum."),
        _b("abs", 1, 1, "abs(x)", "Absolute value."),
        _b("round", 1, 2, "round(x, digits?)", "Round half away from zero to `digits` decimals (default 0)."),
        _b("floor", 1, 1, "floor(x)", "Largest integer not above x."),
        _b("ceil", 1, 1, "ceil(x)", "Smallest integer not below x."),
        _b("confidence", 1, 1, "confidence(x)", "The confidence carried by x (1.0 for literals and inputs)."),
        _b("value", 1, 1, "value(x)", "The plain value of x, with confidence 1.0."),
        _b("chain", 1, None, "chain(a, b, …)", "Value of the last operand, minimum confidence of all."),
        _b(
            "coalesce",
            1,
            None,
            "coalesce(a, b, …, threshold: 0.5)",
            "First operand whose confidence is at least the threshold, else the last operand as it is.",
        ),
        _b("best", 1, None, "best(a, b, …)", "The operand with the highest confidence; the first wins ties."),
        _b(
            "gate",
            3,
            3,
            "gate(x, threshold, then)",
            "`then` with x's confidence when confidence(x) >= threshold, else missing with confidence 0.",
        ),
        _b(
            "prop",
            2,
            3,
            'prop(x, "a.b", penalty?)',
            "Field path lookup; each missing hop multiplies confidence by the penalty (default 0.5).",
        ),
        _b(
            "band",
            1,
            3,
            "band(x, high?, medium?)",
            'The confidence band of x: "high" (>= 0.8), "medium" (>= 0.5), "low".',
        ),
        _b("average", 1, 1, "average(xs)", "Mean value; confidence is the mean confidence."),
        _b(
            "weighted_average",
            1,
            1,
            "weighted_average(xs)",
            "Sum of value × confidence over the sum of confidences.",
        ),
        _b(
            "average_confidence",
            1,
            1,
            "average_confidence(xs)",
            "Mean confidence of a list (0 for an empty list).",
        ),
        _b("synthesize", 1, 1, "synthesize(xs)", "The most confident item of a non-empty list."),
        _b(
            "majority_vote",
            1,
            1,
            "majority_vote(xs)",
            "Value of the largest group of equal values; confidence = agreement × group's mean confidence.",
        ),
        _b(
            "consensus",
            1,
            3,
            "consensus(xs, confidence_threshold?, agreement_threshold?)",
            "{status, winner, agreement, averageConfidence, reached} over a list of answers.",
        ),
        _b("keys", 1, 1, "keys(m)", "The keys of a map, in insertion order."),
        _b("values", 1, 1, "values(m)", "The values of a map, in insertion order."),
        _b("has", 2, 2, 'has(m, "field")', "Whether a map has the field (present and not missing)."),
        _b(
            "contains",
            2,
            2,
            "contains(haystack, needle)",
            "Substring test for strings, membership for lists.",
        ),
        _b("lower", 1, 1, "lower(s)", "Lower-case string."),
        _b("upper", 1, 1, "upper(s)", "Upper-case string."),
        _b("trim", 1, 1, "trim(s)", "String without leading and trailing white space."),
        _b("split", 2, 2, "split(s, sep)", "List of the parts of s between separators."),
        _b("join", 1, 2, "join(xs, sep?)", 'String of the items joined by sep (default ",").'),
        _b("string", 1, 1, "string(x)", "x printed as JavaScript prints it (3 not 3.0)."),
        _b("number", 1, 1, "number(x)", "x converted to a number (NaN when it is not one)."),
        _b("first", 1, 1, "first(xs)", "The first item, or missing for an empty list."),
        _b("last", 1, 1, "last(xs)", "The last item, or missing for an empty list."),
        _b("unique", 1, 1, "unique(xs)", "Items without repeats, first occurrence kept."),
        _b("flatten", 1, 1, "flatten(xs)", "A list of lists made into one list."),
        _b(
            "range",
            1,
            2,
            "range(n) / range(a, b)",
            "The integers from a (default 0) up to but not including b.",
        ),
        _b("slice", 2, 3, "slice(xs, start, end?)", "Items from start up to end (JavaScript `slice`)."),
        _b(
            "is_valid",
            1,
            1,
            "is_valid(r)",
            "An agent result that did not fail: no error and a value present.",
        ),
        _b("to_json", 1, 1, "to_json(x)", "x as compact JSON text (JavaScript `JSON.stringify`)."),
        _b(
            "type_of",
            1,
            1,
            "type_of(x)",
            'The JSON type of x: "null", "boolean", "number", "string", "list", "map", or "missing".',
        ),
        _b(
            "identical",
            2,
            2,
            "identical(a, b)",
            "JavaScript `===`: like `==` for numbers, strings, booleans and null; two lists or maps only when they"
            " are the same value (two agents' answers never are).",
        ),
        _b(
            "merge",
            1,
            None,
            "merge(a, b, …)",
            "A map of the entries of every map, later ones winning (JavaScript `{...a, ...b}`); a list contributes"
            " its items under their indices, null and missing nothing.",
        ),
        _b(
            "agent_result",
            1,
            1,
            "agent_result(r)",
            "An agent result record in the upstream's shape {agentId, agentName, capabilities, expertise, result,"
            " confidence, reasoning, error, timestamp}; missing reasoning and error are left out.",
        ),
    ]
)

# List macros take a binder name and an expression: `xs.filter(r, r.confidence > 0.8)`.
MACROS: dict[str, str] = {
    "filter": "xs.filter(x, cond) — the items for which cond holds, in order.",
    "map": "xs.map(x, expr) — expr for each item, in order.",
    "count": "xs.count(x, cond) — how many items satisfy cond.",
    "all": "xs.all(x, cond) — whether every item satisfies cond (true for an empty list).",
    "exists": "xs.exists(x, cond) — whether some item satisfies cond.",
    "max_by": "xs.max_by(x, key) — the item with the largest key; the first wins ties.",
    "min_by": "xs.min_by(x, key) — the item with the smallest key; the first wins ties.",
    "sort_by": "xs.sort_by(x, key) — the items sorted by key, stable.",
    "group_by": "xs.group_by(x, key) — a map from each key to the items with that key, in first-seen order.",
}

PATTERN_SETTINGS: dict[str, str] = {
    "version": 'Pattern version string, e.g. `version "2.0.0"`.',
    "description": "One-line description shown by tools and the compiled YAML.",
    "tags": 'List of strings, e.g. `tags ["consensus", "review"]`.',
    "requires": "A requirement on the result, e.g. `requires confidence >= 0.8`.",
    "timeout": "Whole-run timeout, e.g. `timeout 5m`.",
    "schedule": 'Run on a cron schedule, e.g. `schedule "0 * * * *"` (Enterprise: scheduled_patterns).',
    "persist": "Keep run state across restarts, `persist true` (Enterprise: persistence).",
    "backend": 'Where agent calls run: `backend "local"` or `backend "ray"` (Enterprise: distributed_execution).',
    "target": 'Deployment target: `target "kubernetes"` (Enterprise: kubernetes_operator).',
    "regions": 'Agent pools by region: `regions ["eu-west", "us-east"]` (Enterprise+: multi_region).',
    "open_input": "`open_input true`: the input may also carry fields the `input` block does not declare; they are"
    " kept as given, unchecked (a JSON Schema without `additionalProperties: false`).",
}

AGENT_GROUP_SETTINGS: dict[str, str] = {
    "capabilities": 'Capabilities an agent must ALL have to be selected, e.g. `capabilities ["analysis"]`.',
    "min": "Fewest agents the group needs; fewer available is a run-time error.",
    "max": "Most agents used; extra qualifying agents are cut to the first `max`.",
    "prefer": 'Order candidates before cutting to `max`: `prefer "expertise"` or `prefer "confidence"`.',
    "timeout": "Per-agent timeout for this group's calls, e.g. `timeout 30s`.",
    "confidence": "Declared range of the confidences its agents report, e.g. `confidence 0.6..0.95`. The static "
    "analysis assumes it; a run warns (`CONFIDENCE_OUT_OF_RANGE`) about an answer outside it.",
    "stateful": "`stateful true`: keep one agent instance per run (actors on distributed backends).",
}

TEST_AGENT_SETTINGS: dict[str, str] = {
    "capabilities": "Capabilities of the canned agent.",
    "expertise": "Agent expertise (default 0.7).",
    "historical_confidence": "Agent historical confidence (default 0.75).",
    "name": "Display name of the agent (default: its id).",
    "id": 'The agent\'s id when it is not a plain name, e.g. `id "date-extractor"` (default: the declared name).',
}

VERIFY_KINDS: dict[str, str] = {
    "command": 'Run a shell command; exit 0 = pass: `verify command "pytest -q" score "(\\d+) passed"`.',
    "agent": 'Ask a reviewer group: `verify agent reviewer rubric "…"` (VERDICT/CONFIDENCE protocol).',
    "history": (
        "Use the pattern's past runs as the signal (neutral 1.0 until `min_runs`); options `half_life_days`,"
        " `min_runs`, `saturation_runs`, `max_runs`, `drift`, `drift_recent_n`, `drift_threshold`, `pool`,"
        " `pool_family`, `pool_weight`."
    ),
}

SCALAR_TYPES = ("string", "number", "integer", "boolean", "any", "map")
GENERIC_TYPES = {"list": 1, "optional": 1, "map": 1}
TYPE_NAMES = (*SCALAR_TYPES, "list", "optional")

BAND_LABELS = ("high", "medium", "low", "else")
CONSTANTS = ("true", "false", "null")

KEYWORDS: dict[str, str] = {
    "pattern": "Declares a coordination pattern: `pattern Name { … }`.",
    "import": 'Imports the patterns of another file: `import "common.plx"`.',
    "input": "Declares the pattern's inputs with types and defaults: `input { task: string }`.",
    "agents": 'Declares an agent group selected by capabilities: `agents experts { capabilities ["x"] min 3 }`.',
    "let": "Names a value: `let total = sum(xs)`.",
    "fanout": "Sends a task to every selected agent of a group; results in dispatch order.",
    "step": "Sends a task to one agent of a group (the first selected).",
    "race": "Sends to every agent and takes the first answer meeting `until`; the rest are cancelled.",
    "until": "The condition a `race` answer must meet; the step's own name is the candidate answer.",
    "use": "Runs another pattern (local, imported or stdlib) as a step: `use r = ConsensusBuilder(task: t)`.",
    "uncertain": "Three-band dispatch on a confidence: high (>= 0.8), medium (>= 0.5), low; `bands(…)` overrides.",
    "bands": "Custom band bounds for `uncertain`: `bands(high: 0.9, medium: 0.6)`.",
    "match": "Chooses the first arm whose pattern matches (or whose guard holds); `else` catches the rest.",
    "if": "`if c then a else b` in expressions; `if c { … } else { … }` around steps (lazy branches).",
    "output": "The pattern's result: `output { … } with confidence c`.",
    "with": "`value with confidence c` attaches a confidence (clamped to [0, 1]).",
    "escalate": 'Stops and hands over to a supervisor group or a human: `escalate to human "why"`.',
    "fail": 'Stops the run with an error: `fail "no agent could answer"`.',
    "timeout": "Time limit of a step or group, e.g. `timeout 30s`.",
    "retries": "Retries a failed agent call with exponential backoff: `retries 2 backoff 500ms`.",
    "verify": "Verification oracle of a step (command, agent reviewer, history); combined by minimum.",
    "policy": "Confidence policy: `policy accept 0.8 retry below 0.6 escalate below 0.4 to lead`.",
    "test": 'In-file test: `test "name" for Pattern { input {…} agent … answers … expect … }`.',
    "expect": 'An expectation in a test: `expect output.status == "ok"`, `expect confidence == 0.85 within 1e-9`.',
    "agent": 'A canned agent in a test: `agent a1 { capabilities ["x"] } answers "yes" with confidence 0.9`.',
    "answers": "A canned answer of a test agent; `then answers …` for the next call.",
    "fails": "A canned failure of a test agent.",
    "and": "Logical and; confidence is the minimum.",
    "or": "Logical or; confidence is the maximum.",
    "not": "Logical negation.",
    "in": "Membership: `x in xs`.",
}

#: The options each `verify` oracle takes (the checker and the editor completion read this).
VERIFY_OPTIONS: dict[str, tuple[str, ...]] = {
    "command": ("score", "cwd", "pass_confidence", "fail_confidence"),
    "agent": ("rubric",),
    "history": (
        "half_life_days",
        "min_runs",
        "saturation_runs",
        "max_runs",
        "drift",
        "drift_recent_n",
        "drift_threshold",
        "pool",
        "pool_family",
        "pool_weight",
    ),
}
