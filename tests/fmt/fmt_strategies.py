"""Hypothesis strategies that build random .plx files token by token, then lay them out with random white space.

Programs are lists of tokens; `layout` joins them with random gaps (spaces, newlines, blank lines, trailing and
own-line comments with unique markers), so the formatter sees odd but meaningful layouts. Generation is close to the
grammar but not exact: callers `assume` that the text parses.
"""

from __future__ import annotations

from hypothesis import strategies as st

Tokens = list[str]

NAMES = ["a", "b", "xs", "item", "input", "r", "timeout", "confidence", "value", "result"]
RISKY_NAMES = ["in", "and", "not", "with", "or"]
NUMBERS = ["0", "1", "42", "2.5", "1e-9", "0.8"]
DURATIONS = ["30s", "250ms", "2m", "1h"]
STRINGS = ['"s"', "'t'", '"a # not a comment"', "'it\\'s'", '"${a}"', "'${len(xs)} left'", 'r"\\d+"', "r'x'", '""']
BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or", "??", "in", "not in"]
GROUPS = ["pool", "experts"]


def _join(parts: list[Tokens], separator: str | None) -> Tokens:
    out: Tokens = []
    for index, part in enumerate(parts):
        if index and separator:
            out.append(separator)
        out.extend(part)
    return out


atoms = st.one_of(
    st.sampled_from(NAMES).map(lambda n: [n]),
    st.sampled_from(NUMBERS).map(lambda n: [n]),
    st.sampled_from(DURATIONS).map(lambda n: [n]),
    st.sampled_from(STRINGS).map(lambda n: [n]),
    st.sampled_from(["true", "false", "null"]).map(lambda n: [n]),
)


def _paren(tokens: Tokens) -> Tokens:
    return tokens if len(tokens) == 1 else ["(", *tokens, ")"]


def _extend(children: st.SearchStrategy[Tokens]) -> st.SearchStrategy[Tokens]:
    operand = children.map(_paren)
    name = st.sampled_from(NAMES)
    key = st.one_of(name, st.sampled_from(['"quoted key"', "'k'"]), st.sampled_from(RISKY_NAMES))
    entry = st.tuples(key, children).map(lambda kv: [kv[0], ":", *kv[1]])
    arm = st.tuples(st.one_of(operand, st.just(["else"])), children).map(lambda p: [*p[0], "=>", *p[1]])
    return st.one_of(
        st.tuples(operand, st.sampled_from(BINARY), operand).map(lambda t: [*t[0], *t[1].split(), *t[2]]),
        st.lists(atoms, min_size=2, max_size=5).map(lambda xs: _join(xs, "+")),
        operand.map(lambda e: ["-", *e]),
        operand.map(lambda e: ["not", *e]),
        st.tuples(operand, name).map(lambda t: [*t[0], ".", t[1]]),
        st.tuples(operand, children).map(lambda t: [*t[0], "[", *t[1], "]"]),
        st.tuples(st.sampled_from(["len", "sum", "max", "coalesce"]), st.lists(children, max_size=3)).map(
            lambda t: [t[0], "(", *_join(t[1], ","), ")"]
        ),
        st.tuples(operand, st.sampled_from(["filter", "map", "count"]), name, children).map(
            lambda t: [*t[0], ".", t[1], "(", t[2], ",", *t[3], ")"]
        ),
        st.tuples(st.lists(children, max_size=4), st.booleans()).map(
            lambda t: ["[", *_join(t[0], ","), *([","] if t[1] and t[0] else []), "]"]
        ),
        st.tuples(st.lists(entry, max_size=5), st.booleans()).map(
            lambda t: ["{", *_join(t[0], "," if t[1] else None), "}"]
        ),
        st.lists(entry, max_size=5).map(lambda es: ["{", *_join(es, ","), "}"]),
        children.map(lambda e: ["(", *e, ")"]),
        st.tuples(operand, operand, operand).map(lambda t: ["if", *t[0], "then", *t[1], "else", *t[2]]),
        st.tuples(operand, operand).map(lambda t: [*t[0], "with", "confidence", *t[1]]),
        st.tuples(st.one_of(st.just([]), name.map(lambda n: [n])), st.lists(arm, min_size=1, max_size=4)).map(
            lambda t: ["match", *t[0], "{", *_join(t[1], ","), "}"]
        ),
    )


expressions: st.SearchStrategy[Tokens] = st.recursive(atoms, _extend, max_leaves=8)


def _maybe(strategy: st.SearchStrategy[Tokens]) -> st.SearchStrategy[Tokens]:
    return st.one_of(st.just([]), strategy)


semicolon = st.sampled_from([[], [], [";"]])
arguments = st.lists(st.tuples(st.sampled_from(NAMES), expressions).map(lambda t: [t[0], ":", *t[1]]), max_size=3).map(
    lambda args: _join(args, ",")
)
call = st.tuples(st.sampled_from(GROUPS), st.sampled_from(["review", "solve"]), arguments).map(
    lambda t: [t[0], ".", t[1], "(", *t[2], ")"]
)
clause = st.one_of(
    st.tuples(st.sampled_from(NAMES[:3]), expressions).map(lambda t: ["for", t[0], "in", *t[1]]),
    st.sampled_from(DURATIONS).map(lambda d: ["timeout", d]),
    st.tuples(st.sampled_from(NUMBERS[:3]), _maybe(st.sampled_from(DURATIONS).map(lambda d: ["backoff", d]))).map(
        lambda t: ["retries", t[0], *t[1]]
    ),
    st.sampled_from(
        [
            ["verify", "command", '"pytest -q"', "score", 'r"(\\d+) passed"', "cwd", '"."'],
            ["verify", "agent", "experts", "rubric", "'Is it right?'"],
            ["verify", "history"],
            ["verify", "history", "half_life_days", "14", "min_runs", "5", "saturation_runs", "2.5"],
            ["verify", "history", "max_runs", "100", "drift", "false", "drift_recent_n", "4", "drift_threshold", "0.3"],
            ["verify", "history", "pool", "true", "pool_family", "'review'", "pool_weight", "0.25"],
            ["policy", "accept", "0.8", "retry", "below", "0.6", "escalate", "below", "0.4", "to", "experts"],
        ]
    ),
)


def _statements(depth: int) -> st.SearchStrategy[Tokens]:
    name = st.sampled_from(["x", "y", "step_result", "total"])
    simple = [
        st.tuples(name, expressions, semicolon).map(lambda t: ["let", t[0], "=", *t[1], *t[2]]),
        st.tuples(st.sampled_from(["step", "fanout"]), name, call, st.lists(clause, max_size=3), semicolon).map(
            lambda t: [t[0], t[1], "=", *t[2], *[tok for c in t[3] for tok in c], *t[4]]
        ),
        st.tuples(name, call, expressions, st.lists(clause, max_size=2)).map(
            lambda t: ["race", t[0], "=", *t[1], "until", *t[2], *[tok for c in t[3] for tok in c]]
        ),
        st.tuples(name, st.sampled_from(["Helper", "stdlib.SimpleConsensus"]), arguments).map(
            lambda t: ["use", t[0], "=", *t[1].split("."), "(", *t[2], ")"]
        ),
        st.tuples(expressions, semicolon).map(lambda t: ["output", *t[0], *t[1]]),
        st.tuples(_maybe(st.sampled_from([["to", "human"], ["to", "experts"]])), _maybe(st.just(['"why"']))).map(
            lambda t: ["escalate", *t[0], *t[1]]
        ),
        st.sampled_from(STRINGS[:4]).map(lambda s: ["fail", s]),
    ]
    if depth <= 0:
        return st.one_of(*simple)
    inner = _statements(depth - 1)
    block = st.lists(inner, max_size=3).map(lambda ss: ["{", *[tok for s in ss for tok in s], "}"])
    body = st.one_of(block, inner)
    uncertain_arm = st.tuples(st.sampled_from(["high", "medium", "low", "else"]), body, semicolon).map(
        lambda t: [t[0], "=>", *t[1], *([","] if t[2] else [])]
    )
    match_arm = st.tuples(st.one_of(atoms, st.just(["else"])), body).map(lambda t: [*t[0], "=>", *t[1]])
    return st.one_of(
        *simple,
        st.tuples(st.sampled_from(NAMES), st.booleans(), st.lists(uncertain_arm, min_size=1, max_size=3)).map(
            lambda t: [
                "uncertain",
                t[0],
                *(["bands", "(", "high", ":", "0.9", ",", "medium", ":", "0.6", ")"] if t[1] else []),
                "{",
                *[tok for arm in t[2] for tok in arm],
                "}",
            ]
        ),
        st.tuples(_maybe(st.sampled_from(NAMES).map(lambda n: [n])), st.lists(match_arm, min_size=1, max_size=3)).map(
            lambda t: ["match", *t[0], "{", *_join(t[1], ","), "}"]
        ),
        st.tuples(expressions, block, st.lists(st.tuples(expressions, block), max_size=2), _maybe(block)).map(
            lambda t: [
                "if",
                *t[0],
                *t[1],
                *[tok for cond, blk in t[2] for tok in ["else", "if", *cond, *blk]],
                *(["else", *t[3]] if t[3] else []),
            ]
        ),
    )


statements = _statements(2)
setting = st.tuples(st.sampled_from(["version", "description", "tags", "timeout", *RISKY_NAMES]), atoms, semicolon).map(
    lambda t: [t[0], *t[1], *t[2]]
)
field = st.tuples(
    st.sampled_from(["task", "n", "tags", *RISKY_NAMES]),
    st.sampled_from([["string"], ["number"], ["list", "[", "string", "]"], ["map", "[", "number", "]"]]),
    _maybe(expressions.map(lambda e: ["=", *e])),
    st.booleans(),
).map(lambda t: [t[0], ":", *t[1], *t[2], *([","] if t[3] else [])])
input_decl = st.lists(field, max_size=4).map(lambda fs: ["input", "{", *[tok for f in fs for tok in f], "}"])
agents_decl = st.tuples(st.sampled_from(GROUPS), st.lists(setting, max_size=3)).map(
    lambda t: ["agents", t[0], "{", *[tok for s in t[1] for tok in s], "}"]
)
pattern = st.tuples(
    st.sampled_from(["A", "Helper", "Review"]),
    st.lists(setting, max_size=3),
    _maybe(input_decl),
    st.lists(agents_decl, max_size=2),
    st.lists(statements, min_size=1, max_size=5),
).map(
    lambda t: [
        "pattern",
        t[0],
        "{",
        *[tok for s in t[1] for tok in s],
        *t[2],
        *[tok for a in t[3] for tok in a],
        *[tok for s in t[4] for tok in s],
        "}",
    ]
)
response = st.one_of(
    st.tuples(expressions, _maybe(st.just(["reasoning", '"because"'])), _maybe(st.just(["delay", "10ms"]))).map(
        lambda t: ["answers", *t[0], *t[1], *t[2]]
    ),
    _maybe(st.just(['"down"'])).map(lambda r: ["fails", *r]),
)
test_item = st.one_of(
    st.lists(st.tuples(st.sampled_from(NAMES), atoms), max_size=3).map(
        lambda es: ["input", "{", *_join([[k, ":", *v] for k, v in es], ","), "}"]
    ),
    st.tuples(
        st.sampled_from(["a1", "a2"]), _maybe(st.lists(setting, max_size=2)), st.lists(response, min_size=1, max_size=3)
    ).map(
        lambda t: [
            "agent",
            t[0],
            *(["{", *[tok for s in t[1] for tok in s], "}"] if t[1] else []),
            *_join(t[2], "then"),
        ]
    ),
    st.tuples(expressions, st.sampled_from([[], ["within", "1e-9"], ["matches", "snapshot"]])).map(
        lambda t: ["expect", *t[0], *t[1]]
    ),
)
test_decl = st.tuples(st.sampled_from(['"works"', "'also works'"]), st.lists(test_item, max_size=4)).map(
    lambda t: ["test", t[0], "for", "A", "{", *[tok for i in t[1] for tok in i], "}"]
)
files: st.SearchStrategy[Tokens] = st.tuples(
    st.lists(st.sampled_from(['"x.plx"', "'y.plx'"]).map(lambda p: ["import", p]), max_size=2),
    st.lists(st.one_of(pattern, pattern, test_decl), min_size=1, max_size=2),
).map(lambda t: [*[tok for i in t[0] for tok in i], *[tok for d in t[1] for tok in d]])

OWN_LINE_INDENTS = ["", "    ", "\n"]
GAPS = [" ", " ", " ", " ", "\n", "\n  ", "\n\n", "\n\n\n  ", "\t", "   "]


@st.composite
def laid_out(draw: st.DrawFn, tokens: st.SearchStrategy[Tokens] = files) -> tuple[str, list[str]]:
    """A file's text with random gaps and comments, and the comment markers it contains."""
    parts = draw(tokens)
    out: list[str] = []
    markers: list[str] = []
    for index, token in enumerate(parts):
        if index:
            kind = draw(st.integers(0, 14))
            if kind == 0:
                marker = f"# c{len(markers)}; {{'\"#}}"
                markers.append(marker)
                out.append(f"  {marker}\n" + draw(st.sampled_from(["", "  ", "\n"])))
            elif kind == 1:
                marker = f"# own{len(markers)};"
                markers.append(marker)
                out.append("\n" + draw(st.sampled_from(OWN_LINE_INDENTS)) + marker + "\n")
            else:
                out.append(draw(st.sampled_from(GAPS)))
        out.append(token)
    if draw(st.booleans()):
        marker = f"# end{len(markers)};"
        markers.append(marker)
        out.append(f"\n{marker}")
    return "".join(out), markers
