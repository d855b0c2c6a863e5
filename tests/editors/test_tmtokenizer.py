"""The test TextMate tokenizer itself, on small grammars whose VS Code tokenization is known."""

from __future__ import annotations

from typing import Any

import pytest
from tmtokenizer import Grammar, GrammarError


def tokens(raw: dict[str, Any], text: str) -> list[list[tuple[str, str]]]:
    """(text, scopes after the root scope) for every token of every line."""
    grammar = Grammar({"scopeName": "source.t", **raw})
    return [[(t.text, " ".join(t.scopes[1:])) for t in line] for line in grammar.tokenize(text)]


def test_match_captures_and_capture_references_in_names() -> None:
    raw = {
        "patterns": [
            {
                "match": r"\b(let|var)\s+(\w+)",
                "name": "meta.decl.t",
                "captures": {"1": {"name": "storage.type.$1.t"}, "2": {"name": "variable.t"}},
            },
            {"match": r"\d+", "name": "constant.numeric.t"},
        ]
    }
    assert tokens(raw, "let x = 42") == [
        [
            ("let", "meta.decl.t storage.type.let.t"),
            (" ", "meta.decl.t"),
            ("x", "meta.decl.t variable.t"),
            (" = ", ""),
            ("42", "constant.numeric.t"),
        ]
    ]


def test_begin_end_name_content_name_and_multiline_state() -> None:
    raw = {
        "patterns": [
            {
                "begin": r"\{",
                "end": r"\}",
                "name": "meta.block.t",
                "contentName": "meta.inside.t",
                "beginCaptures": {"0": {"name": "punct.open.t"}},
                "endCaptures": {"0": {"name": "punct.close.t"}},
                "patterns": [{"match": r"\w+", "name": "word.t"}],
            }
        ]
    }
    assert tokens(raw, "a {b\nc} d") == [
        [
            ("a ", ""),
            ("{", "meta.block.t punct.open.t"),
            ("b", "meta.block.t meta.inside.t word.t"),
        ],
        [
            ("c", "meta.block.t meta.inside.t word.t"),
            ("}", "meta.block.t punct.close.t"),
            (" d", ""),
        ],
    ]


def test_captures_apply_to_begin_and_end_when_specific_ones_are_missing() -> None:
    raw = {"patterns": [{"begin": "(<)", "end": "(>)", "captures": {"1": {"name": "angle.t"}}}]}
    assert tokens(raw, "<x>") == [[("<", "angle.t"), ("x", ""), (">", "angle.t")]]


def test_end_back_references_the_begin_match() -> None:
    raw = {"patterns": [{"begin": r"<(\w+)>", "end": r"</\1>", "name": "tag.t"}]}
    assert tokens(raw, "<a> </b> x </a> y") == [
        [("<a>", "tag.t"), (" </b> x ", "tag.t"), ("</a>", "tag.t"), (" y", "")]
    ]


def test_includes_of_repository_items_containers_and_self_nest() -> None:
    raw = {
        "patterns": [{"include": "#group"}, {"include": "#atoms"}],
        "repository": {
            "group": {"begin": r"\(", "end": r"\)", "name": "meta.group.t", "patterns": [{"include": "$self"}]},
            "atoms": {"patterns": [{"include": "#number"}]},
            "number": {"match": r"\d+", "name": "number.t"},
        },
    }
    assert tokens(raw, "((1)2)") == [
        [
            ("(", "meta.group.t"),
            ("(", "meta.group.t meta.group.t"),
            ("1", "meta.group.t meta.group.t number.t"),
            (")", "meta.group.t meta.group.t"),
            ("2", "meta.group.t number.t"),
            (")", "meta.group.t"),
        ]
    ]


def test_capture_patterns_retokenize_the_captured_text() -> None:
    raw = {
        "patterns": [
            {
                "match": r"use\s+([\w.]+)",
                "captures": {
                    "1": {
                        "name": "path.t",
                        "patterns": [{"match": r"\.", "name": "dot.t"}, {"match": r"\w+", "name": "part.t"}],
                    }
                },
            }
        ]
    }
    assert tokens(raw, "use a.b") == [
        [("use ", ""), ("a", "path.t part.t"), (".", "path.t dot.t"), ("b", "path.t part.t")]
    ]


def test_earliest_match_wins_then_the_end_pattern_then_list_order() -> None:
    raw = {
        "patterns": [
            {"match": "b", "name": "late.t"},
            {"match": "a", "name": "early.t"},
            {"match": "a", "name": "shadowed.t"},
            {"begin": r"\[", "end": r"\]", "name": "br.t", "patterns": [{"match": r"\]", "name": "never.t"}]},
        ]
    }
    assert tokens(raw, "ab[]") == [[("a", "early.t"), ("b", "late.t"), ("[", "br.t"), ("]", "br.t")]]


def test_apply_end_pattern_last_lets_inner_patterns_win_ties() -> None:
    rule = {"begin": '"', "end": '"', "name": "str.t", "patterns": [{"match": '""', "name": "esc.t"}]}
    assert tokens({"patterns": [rule]}, '"a""b"') == [
        [('"', "str.t"), ("a", "str.t"), ('"', "str.t"), ('"', "str.t"), ("b", "str.t"), ('"', "str.t")]
    ]
    last = {**rule, "applyEndPatternLast": True}
    assert tokens({"patterns": [last]}, '"a""b"') == [
        [('"', "str.t"), ("a", "str.t"), ('""', "str.t esc.t"), ("b", "str.t"), ('"', "str.t")]
    ]


def test_zero_width_end_at_end_of_line_and_lookbehind_sees_earlier_text() -> None:
    raw = {
        "patterns": [
            {"begin": "#", "end": "$", "name": "comment.t"},
            {"match": r"(?<=\.)\w+", "name": "field.t"},
        ]
    }
    assert tokens(raw, "x.y # c\nz") == [
        [("x.", ""), ("y", "field.t"), (" ", ""), ("#", "comment.t"), (" c", "comment.t")],
        [("z", "")],
    ]


def test_open_rules_are_reported() -> None:
    grammar = Grammar({"scopeName": "source.t", "repository": {}, "patterns": [{"begin": "{", "end": "}"}]})
    assert grammar.tokenize_with_state("{ {")[1] == ["$self[0]"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"patterns": [{"begin": "(?=a)", "end": "(?=a)"}]}, "loops"),
        ({"patterns": [{"match": "x*"}]}, "empty string"),
        ({"patterns": [{"begin": "a", "while": "b"}]}, "while"),
        ({"patterns": [{"include": "source.other"}]}, "another grammar"),
        ({"patterns": [{"include": "#nope"}]}, "unknown repository item"),
        ({"patterns": [{"match": "a("}]}, "unterminated subpattern"),
        ({"patterns": [{"begin": "a"}]}, "without `end`"),
        ({"injections": {}, "patterns": []}, "injections"),
    ],
)
def test_unsupported_or_broken_grammars_are_rejected(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(GrammarError, match=message):
        tokens(raw, "aaa")
