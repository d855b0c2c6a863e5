"""End-to-end tests of `plxc lsp` over stdio, driven by pytest-lsp (one server process for the whole module)."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="the end-to-end tests need pytest-lsp (dev extra)")
pytest.importorskip("pygls", reason="`plxc lsp` needs pygls")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MAIN = textwrap.dedent(
    """\
    import "shared.plx"

    pattern Review {
      input {
        task: string
      }
      agents reviewers {
        capabilities ["code-review"]
      }
      fanout reviews = reviewers.review(task: input.task)
      let good = reviews.filter(r, r.confidence > 0.8)
      use outline = Outline(task: input.task)
      output { count: len(good), outline: outline.value }
    }
    """
)
SHARED = "pattern Outline {\n  input {\n    task: string\n  }\n  output input.task\n}\n"

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("lsp")
    (base / "main.plx").write_text(MAIN, encoding="utf-8")
    (base / "shared.plx").write_text(SHARED, encoding="utf-8")
    return base


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "parallax_dsl.lsp"],
        server_env={**os.environ, "PLXC_LSP_DEBOUNCE_MS": "50", "PYTHONPATH": str(ROOT)},
    ),
)
async def client(lsp_client: LanguageClient, folder: Path):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=folder.as_uri(), workspace_folders=None
        )
    )
    yield
    await lsp_client.shutdown_session()


def position(text: str, needle: str, shift: int = 1) -> lsp.Position:
    offset = text.index(needle) + shift
    line = text.count("\n", 0, offset)
    return lsp.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


async def open_document(client: LanguageClient, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="plx", version=1, text=text)
        )
    )
    await wait_for_diagnostics(client, uri)
    return uri


async def wait_for_diagnostics(client: LanguageClient, uri: str, timeout: float = 10.0) -> list[lsp.Diagnostic]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while uri not in client.diagnostics:
        await asyncio.wait_for(
            client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), deadline - loop.time()
        )
    return list(client.diagnostics[uri])


async def test_diagnostics_on_open_and_after_changes(client: LanguageClient, folder: Path) -> None:
    path = folder / "broken.plx"
    text = "pattern Broken {\n  let x = 1\n  output x + missing\n}\n"
    uri = await open_document(client, path, text)
    [diagnostic] = client.diagnostics[uri]
    assert diagnostic.code == "PLX101"
    assert diagnostic.source == "plxc"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert diagnostic.range == lsp.Range(
        start=lsp.Position(line=2, character=13), end=lsp.Position(line=2, character=20)
    )
    assert "undefined name `missing`" in diagnostic.message

    # Several quick edits: one debounced publication, for the last version.
    client.diagnostics.pop(uri)
    for version, body in enumerate(["output x +", "output x + (", "output x + 1\n  let x = 2"], start=2):
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    lsp.TextDocumentContentChangeWholeDocument(text=f"pattern Broken {{\n  let x = 1\n  {body}\n}}\n")
                ],
            )
        )
    diagnostics = await wait_for_diagnostics(client, uri)
    assert [d.code for d in diagnostics] == ["PLX102"]  # `x` defined twice
    [related] = diagnostics[0].related_information or []
    assert related.message == "first defined here"
    assert related.location.uri == uri and related.location.range.start.line == 1

    client.diagnostics.pop(uri)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=9),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text="pattern Broken {\n  let x = \n}\n")],
        )
    )
    assert [d.code for d in await wait_for_diagnostics(client, uri)] == ["PLX001"]


async def test_hover_on_a_keyword_and_on_a_step_name(client: LanguageClient, folder: Path) -> None:
    uri = await open_document(client, folder / "main.plx", MAIN)
    keyword = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position(MAIN, "fanout"))
    )
    assert keyword is not None and isinstance(keyword.contents, lsp.MarkupContent)
    assert keyword.contents.value.startswith("**keyword** `fanout`")
    step = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position(MAIN, "reviews.filter"))
    )
    assert step is not None and isinstance(step.contents, lsp.MarkupContent)
    assert step.contents.value.startswith("**step** `reviews` — fanout reviewers.review")
    assert step.range is not None and step.range.start == position(MAIN, "reviews.filter", 0)


@pytest.mark.parametrize(
    ("needle", "shift", "file", "declaration"),
    [
        ("reviews.filter", 1, "main.plx", "fanout reviews"),  # a step
        ("len(good)", 5, "main.plx", "let good"),  # a let
        ("reviewers.review", 1, "main.plx", "agents reviewers"),  # an agent group
        ("Outline(", 1, "shared.plx", "pattern Outline"),  # an imported pattern
    ],
)
async def test_definition(
    client: LanguageClient, folder: Path, needle: str, shift: int, file: str, declaration: str
) -> None:
    uri = await open_document(client, folder / "main.plx", MAIN)
    result = await client.text_document_definition_async(
        lsp.DefinitionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position(MAIN, needle, shift))
    )
    assert isinstance(result, list) and len(result) == 1
    [location] = result
    assert isinstance(location, lsp.Location)
    assert location.uri == (folder / file).as_uri()
    target = (folder / file).read_text(encoding="utf-8")
    name = declaration.split()[1]
    assert location.range.start == position(target, declaration, len(declaration) - len(name))


async def test_completion_of_keywords_and_input_fields(client: LanguageClient, folder: Path) -> None:
    text = MAIN.replace("  let good", "  \n  let t = input.\n  let good")
    uri = await open_document(client, folder / "typing.plx", text)
    statement = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position(text, "  \n", 2))
    )
    assert isinstance(statement, lsp.CompletionList)
    keywords = {item.label for item in statement.items if item.kind == lsp.CompletionItemKind.Keyword}
    assert {"let", "step", "fanout", "uncertain", "output"} <= keywords
    fields = await client.text_document_completion_async(
        lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=position(text, "input.\n", len("input.")),
            context=lsp.CompletionContext(
                trigger_kind=lsp.CompletionTriggerKind.TriggerCharacter, trigger_character="."
            ),
        )
    )
    assert isinstance(fields, lsp.CompletionList)
    assert [(item.label, item.kind) for item in fields.items] == [("task", lsp.CompletionItemKind.Field)]


async def test_document_symbols(client: LanguageClient, folder: Path) -> None:
    uri = await open_document(client, folder / "main.plx", MAIN)
    symbols = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert symbols is not None
    [pattern] = symbols
    assert isinstance(pattern, lsp.DocumentSymbol)
    assert (pattern.name, pattern.kind) == ("Review", lsp.SymbolKind.Class)
    assert [(c.name, c.kind) for c in pattern.children or []] == [
        ("task", lsp.SymbolKind.Field),
        ("reviewers", lsp.SymbolKind.Object),
        ("reviews", lsp.SymbolKind.Function),
        ("good", lsp.SymbolKind.Variable),
        ("outline", lsp.SymbolKind.Function),
    ]


async def test_formatting_edits(client: LanguageClient, folder: Path) -> None:
    ugly = "pattern Ugly{  # keep\nlet x=1 output {v:x}}"
    uri = await open_document(client, folder / "ugly.plx", ugly)
    edits = await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            options=lsp.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert edits is not None
    [edit] = edits
    assert edit.new_text == "pattern Ugly {  # keep\n  let x = 1\n  output { v: x }\n}\n"
    assert edit.range == lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=1, character=21))
