"""The pygls layer of `plxc lsp`: document sync, debounced diagnostics and the LSP requests, over stdio.

All the language knowledge lives in `parallax_dsl.lsp.features`; this module converts positions (the client's
encoding ↔ code points), paths ↔ URIs and the feature results ↔ lsprotocol types.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from parallax_dsl.diagnostics.model import Diagnostic, Severity
from parallax_dsl.lsp import features
from parallax_dsl.lsp.features import Analysis, Position, Range

DEBOUNCE_SECONDS = float(os.environ.get("PLXC_LSP_DEBOUNCE_MS", "300")) / 1000

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
_COMPLETION_KIND = {
    "keyword": lsp.CompletionItemKind.Keyword,
    "variable": lsp.CompletionItemKind.Variable,
    "function": lsp.CompletionItemKind.Function,
    "method": lsp.CompletionItemKind.Method,
    "field": lsp.CompletionItemKind.Field,
    "module": lsp.CompletionItemKind.Module,
    "class": lsp.CompletionItemKind.Class,
    "property": lsp.CompletionItemKind.Property,
    "value": lsp.CompletionItemKind.Value,
}
_SYMBOL_KIND = {
    "class": lsp.SymbolKind.Class,
    "method": lsp.SymbolKind.Method,
    "field": lsp.SymbolKind.Field,
    "object": lsp.SymbolKind.Object,
    "function": lsp.SymbolKind.Function,
    "variable": lsp.SymbolKind.Variable,
    "namespace": lsp.SymbolKind.Namespace,
}


def document_path(uri: str) -> Path:
    """The file a document is (for imports and messages); untitled documents live in the working directory."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if path is None:
        name = uri.rsplit("/", 1)[-1].replace(":", "_") or "untitled"
        return Path.cwd() / (name if name.endswith(".plx") else name + ".plx")
    return Path(path)


def path_uri(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


class PlxLanguageServer(LanguageServer):
    """Keeps the latest analysis of every open document and the last one that parsed (for completion)."""

    def __init__(self) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            own_version = version("parallax-dsl")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            own_version = "0"
        super().__init__("plxc", own_version, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.analyses: dict[str, tuple[int | None, str, Analysis]] = {}
        self.last_parsed: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}

    # ------------------------------------------------------------ analysis and diagnostics
    def analysis(self, uri: str) -> tuple[TextDocument, Analysis]:
        document = self.workspace.get_text_document(uri)
        cached = self.analyses.get(uri)
        if cached is not None and cached[0] == document.version and cached[1] == document.source:
            return document, cached[2]
        result = features.analyze(document.source, document_path(uri))
        self.analyses[uri] = (document.version, document.source, result)
        if result.module is not None:
            self.last_parsed[uri] = result
        return document, result

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        if uri not in self.workspace.text_documents:
            return
        document, result = self.analysis(uri)
        diagnostics = [self.to_lsp_diagnostic(document, d) for d in result.diagnostics]
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
        )

    def schedule(self, uri: str) -> None:
        """Publish diagnostics once the user pauses typing for DEBOUNCE_SECONDS."""
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(DEBOUNCE_SECONDS, self.publish, uri)

    def to_lsp_diagnostic(self, document: TextDocument, diagnostic: Diagnostic) -> lsp.Diagnostic:
        message = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
        related = [
            lsp.DiagnosticRelatedInformation(
                location=self.to_lsp_location(
                    features.Location(features.span_path(label.span), features.span_range(label.span))
                ),
                message=label.message,
            )
            for label in diagnostic.labels
        ]
        return lsp.Diagnostic(
            range=self.to_lsp_range(document, features.span_range(diagnostic.span)),
            message=message,
            severity=_SEVERITY[diagnostic.severity],
            code=diagnostic.code,
            source="plxc",
            related_information=related or None,
            data={"name": diagnostic.name},
        )

    # ------------------------------------------------------------ positions
    def from_lsp(self, document: TextDocument, position: lsp.Position) -> Position:
        converted = document.position_codec.position_from_client_units(
            document.lines, lsp.Position(line=position.line, character=position.character)
        )
        return Position(converted.line, converted.character)

    def to_lsp_range(self, document: TextDocument | None, where: Range) -> lsp.Range:
        if document is None:
            return lsp.Range(
                start=lsp.Position(line=where.start.line, character=where.start.character),
                end=lsp.Position(line=where.end.line, character=where.end.character),
            )
        codec, lines = document.position_codec, document.lines
        return lsp.Range(
            start=codec.position_to_client_units(
                lines, lsp.Position(line=where.start.line, character=where.start.character)
            ),
            end=codec.position_to_client_units(lines, lsp.Position(line=where.end.line, character=where.end.character)),
        )

    def to_lsp_location(self, location: features.Location) -> lsp.Location:
        uri = path_uri(location.path)
        document: TextDocument | None = self.workspace.text_documents.get(uri)
        if document is None and location.path.is_file():
            try:
                document = TextDocument(uri, location.path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                document = None
        return lsp.Location(uri=uri, range=self.to_lsp_range(document, location.range))


def create_server() -> PlxLanguageServer:
    """A server with every feature registered (not started)."""
    server = PlxLanguageServer()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        server.publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        server.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
        server.analyses.pop(params.text_document.uri, None)  # imported files may have changed on disk
        server.publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = server.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        server.analyses.pop(uri, None)
        server.last_parsed.pop(uri, None)
        server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(params: lsp.HoverParams) -> lsp.Hover | None:
        document, result = server.analysis(params.text_document.uri)
        found = features.hover(result, server.from_lsp(document, params.position))
        if found is None:
            return None
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=found.markdown),
            range=server.to_lsp_range(document, found.range) if found.range is not None else None,
        )

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(params: lsp.DefinitionParams) -> list[lsp.Location] | None:
        document, result = server.analysis(params.text_document.uri)
        locations = features.definition(result, server.from_lsp(document, params.position))
        return [server.to_lsp_location(location) for location in locations] or None

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."], resolve_provider=False)
    )
    def completion(params: lsp.CompletionParams) -> lsp.CompletionList:
        uri = params.text_document.uri
        document = server.workspace.get_text_document(uri)
        last = server.last_parsed.get(uri)
        items = features.completion(
            document.source,
            document_path(uri),
            server.from_lsp(document, params.position),
            fallback=last.module if last is not None else None,
        )
        return lsp.CompletionList(
            is_incomplete=False,
            items=[
                lsp.CompletionItem(
                    label=item.label,
                    kind=_COMPLETION_KIND[item.kind],
                    detail=item.detail or None,
                    documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=item.documentation)
                    if item.documentation
                    else None,
                )
                for item in items
            ],
        )

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        document, result = server.analysis(params.text_document.uri)
        return [_to_lsp_symbol(server, document, symbol) for symbol in features.document_symbols(result.module)]

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
        document = server.workspace.get_text_document(params.text_document.uri)
        edits = features.formatting(document.source, str(document_path(params.text_document.uri)))
        if edits is None:
            return None
        return [lsp.TextEdit(range=server.to_lsp_range(document, e.range), new_text=e.new_text) for e in edits]

    return server


def _to_lsp_symbol(
    server: PlxLanguageServer, document: TextDocument, symbol: features.OutlineSymbol
) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(
        name=symbol.name,
        kind=_SYMBOL_KIND[symbol.kind],
        detail=symbol.detail or None,
        range=server.to_lsp_range(document, symbol.range),
        selection_range=server.to_lsp_range(document, symbol.selection_range),
        children=[_to_lsp_symbol(server, document, child) for child in symbol.children] or None,
    )


def main() -> None:
    """Serve LSP on stdin/stdout until the client says exit."""
    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    create_server().start_io()
