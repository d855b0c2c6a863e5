"""The one diagnostic model shared by every stage, and its renderers."""

from parallax_dsl.diagnostics.model import Diagnostic, Fix, Label, Severity, SourceFile, Span

__all__ = ["Diagnostic", "Fix", "Label", "Severity", "SourceFile", "Span"]
