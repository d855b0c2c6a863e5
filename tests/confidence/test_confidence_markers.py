"""Upstream strip-ansi.test.ts: terminal-sequence stripping and markers in raw PTY frames."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parallax_dsl.confidence import UNDEFINED, parse_confidence_marker, strip_ansi


def test_strip_ansi_removes_csi_including_private_mode() -> None:
    assert strip_ansi("\x1b[38;2;225;139;107mFermenting…\x1b[39m") == "Fermenting…"
    assert strip_ansi("\x1b[?2026h\x1b[?25ldone\x1b[?25h\x1b[?2026l") == "done"


def test_strip_ansi_removes_osc_window_titles() -> None:
    assert strip_ansi("\x1b]0;✳ Build CSV tool\x07hello") == "hello"
    assert strip_ansi("\x1b]2;title\x1b\\world") == "world"


def test_strip_ansi_removes_carriage_returns_keeps_newlines() -> None:
    assert strip_ansi("line1\r\nline2\r") == "line1\nline2"


def test_strip_ansi_removes_other_two_char_escapes_but_not_across_lines() -> None:
    assert strip_ansi("a\x1bMb\x1b7c") == "abc"
    assert strip_ansi("a\x1b\nb") == "a\x1b\nb"  # JavaScript `.` stops at a line terminator


def test_strip_ansi_passes_plain_text_through() -> None:
    assert strip_ansi("CONFIDENCE: 0.9") == "CONFIDENCE: 0.9"
    assert strip_ansi("") == ""


@given(st.text().filter(lambda s: "\x1b" not in s and "\r" not in s))
def test_strip_ansi_is_identity_without_escapes(text: str) -> None:
    assert strip_ansi(text) == text


def test_marker_wrapped_in_rendering_sequences() -> None:
    raw = "\x1b[?2026h\x1b[H\x1b[38;2;153;153;153mdone.\x1b[39m\n\x1b[3GCONFIDENCE:\x1b[15G 0.85\x1b[K\x1b[?2026l"
    assert parse_confidence_marker(raw) == 0.85


def test_marker_split_by_cursor_positioning() -> None:
    assert parse_confidence_marker("CONFIDENCE:\x1b[2C0.7") == 0.7


def test_marker_last_one_wins_after_stripping() -> None:
    raw = "End with CONFIDENCE: 0.0 as instructed…\n\x1b[1mCONFIDENCE: 0.9\x1b[22m"
    assert parse_confidence_marker(raw) == 0.9


def test_marker_number_forms_and_javascript_whitespace() -> None:
    assert parse_confidence_marker("confidence:.5") == 0.5
    assert parse_confidence_marker("CoNfIdEnCe:\u00a0\ufeff 0.25") == 0.25
    assert parse_confidence_marker("confidence: 0.3.9") == 0.3
    assert parse_confidence_marker("confidence: -0.5") is UNDEFINED  # a sign is not part of the marker
    assert parse_confidence_marker("confidence 0.5") is UNDEFINED
    # Only ASCII case folding, as in a JavaScript /i regex without the u flag.
    assert parse_confidence_marker("confıdence: 0.5") is UNDEFINED
