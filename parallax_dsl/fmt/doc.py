"""A small Wadler/Prettier-style document algebra and its line-fitting printer (iterative, no recursion limits).

A document is a string, a list of documents, or one of the node classes below. `Group`s are laid out flat when they
fit in the remaining width (up to the next possible line break of what follows) and broken otherwise; a group that
contains a `HardLine` or a `BreakParent` always breaks, and so do all the groups around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class Line:
    """A line break in a broken group; `flat` (a space by default) when the group is laid out flat."""

    flat: str = " "


@dataclass(frozen=True, slots=True)
class HardLine:
    """A line break that is always taken (forces every enclosing group to break)."""


@dataclass(frozen=True, slots=True)
class BreakParent:
    """Forces every enclosing group to break, printing nothing itself (e.g. after a trailing comment)."""


@dataclass(frozen=True, slots=True)
class Nest:
    """Indents the line breaks inside `doc` by `levels` more steps."""

    levels: int
    doc: Doc


@dataclass(eq=False, slots=True)
class Group:
    """Flat if it fits, broken otherwise."""

    doc: Doc
    breaks: bool | None = field(default=None, repr=False)  # computed by `propagate_breaks`


@dataclass(frozen=True, slots=True)
class IfBreak:
    """`broken` inside a broken group, `flat` inside a flat one."""

    broken: Doc
    flat: Doc = ""


Doc: TypeAlias = "str | list[Doc] | Line | HardLine | BreakParent | Nest | Group | IfBreak"

HARDLINE = HardLine()
LINE = Line()
SOFTLINE = Line("")
BREAK_PARENT = BreakParent()

_FLAT, _BREAK = 0, 1


def join(separator: Doc, docs: list[Doc]) -> list[Doc]:
    out: list[Doc] = []
    for i, doc in enumerate(docs):
        if i:
            out.append(separator)
        out.append(doc)
    return out


def propagate_breaks(doc: Doc) -> bool:
    """Marks every group that must break; returns whether `doc` itself contains a forced break."""
    # Post-order walk with an explicit stack: (doc, children visited?).
    result: dict[int, bool] = {}
    stack: list[tuple[Doc, bool]] = [(doc, False)]
    while stack:
        node, done = stack.pop()
        if isinstance(node, str | Line):
            result[id(node)] = False
            continue
        if isinstance(node, HardLine | BreakParent):
            result[id(node)] = True
            continue
        children: list[Doc]
        if isinstance(node, list):
            children = node
        elif isinstance(node, Nest | Group):
            children = [node.doc]
        elif isinstance(node, IfBreak):
            # Only the broken branch can force a break when the group breaks anyway; the flat branch is what
            # decides whether the group may stay flat.
            children = [node.flat]
        else:  # pragma: no cover - exhaustive
            raise TypeError(f"not a document: {node!r}")
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            if isinstance(node, IfBreak):
                stack.append((node.broken, False))
            continue
        forced = any(result.get(id(child), False) for child in children)
        if isinstance(node, Group):
            node.breaks = forced
        result[id(node)] = forced
    return result.get(id(doc), False)


def _fits(
    next_cmd: tuple[int, int, Doc], rest: list[tuple[int, int, Doc]], width: int, must_be_flat: bool = False
) -> bool:
    """Whether `next_cmd` (and what follows it, up to its first line break) fits in `width` columns."""
    remaining = width
    cmds = [next_cmd]
    rest_index = len(rest)
    while remaining >= 0:
        if not cmds:
            if rest_index == 0:
                return True
            rest_index -= 1
            cmds.append(rest[rest_index])
            continue
        indent, mode, doc = cmds.pop()
        if isinstance(doc, str):
            remaining -= len(doc)
        elif isinstance(doc, list):
            cmds.extend((indent, mode, child) for child in reversed(doc))
        elif isinstance(doc, Nest):
            cmds.append((indent + doc.levels, mode, doc.doc))
        elif isinstance(doc, Group):
            if must_be_flat and doc.breaks:
                return False
            cmds.append((indent, _BREAK if doc.breaks else mode, doc.doc))
        elif isinstance(doc, IfBreak):
            cmds.append((indent, mode, doc.broken if mode == _BREAK else doc.flat))
        elif isinstance(doc, Line):
            if mode == _BREAK:
                return True
            remaining -= len(doc.flat)
        elif isinstance(doc, HardLine):
            return True
    return False


def render(doc: Doc, width: int = 100, indent_unit: str = "  ") -> str:
    """Lay `doc` out in `width` columns; trailing white space is stripped from every line."""
    propagate_breaks(doc)
    out: list[str] = []
    column = 0
    stack: list[tuple[int, int, Doc]] = [(0, _BREAK, doc)]
    while stack:
        indent, mode, node = stack.pop()
        if isinstance(node, str):
            out.append(node)
            column += len(node)
        elif isinstance(node, list):
            stack.extend((indent, mode, child) for child in reversed(node))
        elif isinstance(node, Nest):
            stack.append((indent + node.levels, mode, node.doc))
        elif isinstance(node, Group):
            if mode == _FLAT and not node.breaks:
                stack.append((indent, _FLAT, node.doc))
            elif node.breaks:
                stack.append((indent, _BREAK, node.doc))
            else:
                flat = (indent, _FLAT, node.doc)
                stack.append(flat if _fits(flat, stack, width - column) else (indent, _BREAK, node.doc))
        elif isinstance(node, IfBreak):
            stack.append((indent, mode, node.broken if mode == _BREAK else node.flat))
        elif isinstance(node, Line) and mode == _FLAT:
            out.append(node.flat)
            column += len(node.flat)
        elif isinstance(node, Line | HardLine):
            out.append("\n" + indent_unit * indent)
            column = len(indent_unit) * indent
    text = "".join(out)
    return "\n".join(line.rstrip() for line in text.split("\n"))
