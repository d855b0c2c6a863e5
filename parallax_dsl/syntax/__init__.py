"""The .plx front end: the cached grammar, parsing with positions and recovery, and the tree → AST builder."""

from parallax_dsl.syntax.parser import ParseResult, PlxSyntaxError, parse, parse_expression, parse_source

__all__ = ["ParseResult", "PlxSyntaxError", "parse", "parse_expression", "parse_source"]
