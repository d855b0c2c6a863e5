"""The VS Code extension in editors/vscode: manifest, language configuration, snippets and the LSP client."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from parallax_dsl.syntax import parse_source

HERE = Path(__file__).resolve().parent
EXTENSION = HERE.parents[1] / "editors" / "vscode"
FIXTURES = HERE / "fixtures"


def load(relative: str) -> Any:
    return json.loads((EXTENSION / relative).read_text(encoding="utf-8"))


def test_json_files_are_valid() -> None:
    for relative in (
        "package.json",
        "package-lock.json",
        "language-configuration.json",
        "snippets/plx.json",
        "syntaxes/plx.tmLanguage.json",
    ):
        assert isinstance(load(relative), dict), relative


def test_manifest_declares_the_language_grammar_snippets_and_client() -> None:
    manifest = load("package.json")
    assert manifest["name"] == "plx"
    assert manifest["publisher"] == "parallax-dsl"
    assert manifest["displayName"]
    assert re.fullmatch(r"\^\d+\.\d+\.\d+", manifest["engines"]["vscode"])
    assert "onLanguage:plx" in manifest["activationEvents"]
    assert (EXTENSION / manifest["main"]).is_file()
    assert "vscode-languageclient" in manifest["dependencies"]

    contributes = manifest["contributes"]
    (language,) = contributes["languages"]
    assert language["id"] == "plx"
    assert language["extensions"] == [".plx"]
    assert language["aliases"]
    assert (EXTENSION / language["configuration"]).is_file()

    (grammar,) = contributes["grammars"]
    assert grammar["language"] == "plx"
    assert grammar["scopeName"] == "source.plx"
    assert grammar["path"] == "./syntaxes/plx.tmLanguage.json"
    assert load(grammar["path"])["scopeName"] == grammar["scopeName"]

    (snippets,) = contributes["snippets"]
    assert snippets["language"] == "plx"
    assert (EXTENSION / snippets["path"]).is_file()

    server_path = contributes["configuration"]["properties"]["plx.server.path"]
    assert server_path["type"] == "string" and server_path["default"] == "plxc"
    # Every command the client registers is declared, and the other way round.
    client = (EXTENSION / manifest["main"]).read_text(encoding="utf-8")
    registered = set(re.findall(r"registerCommand\('([\w.]+)'", client))
    assert registered == {c["command"] for c in contributes.get("commands", [])}


def test_lock_file_matches_the_manifest() -> None:
    manifest, lock = load("package.json"), load("package-lock.json")
    root = lock["packages"][""]
    assert (root["name"], root["version"]) == (manifest["name"], manifest["version"])
    assert root["dependencies"] == manifest["dependencies"]
    assert "node_modules/vscode-languageclient" in lock["packages"]


def test_language_configuration() -> None:
    config = load("language-configuration.json")
    assert config["comments"] == {"lineComment": "#"}
    assert config["brackets"] == [["{", "}"], ["[", "]"], ["(", ")"]]
    closing = {(p["open"], p["close"]) for p in config["autoClosingPairs"]}
    assert {("{", "}"), ("[", "]"), ("(", ")"), ('"', '"'), ("'", "'")} <= closing
    assert {tuple(p) for p in config["surroundingPairs"]} >= {("{", "}"), ('"', '"'), ("'", "'")}

    word = re.compile(config["wordPattern"])
    assert word.findall("let max_by = input.task + 30s - 1.5 # x2") == [
        "let",
        "max_by",
        "input",
        "task",
        "30s",
        "1.5",
        "x2",
    ]

    indent = config["indentationRules"]
    increase, decrease = re.compile(indent["increaseIndentPattern"]), re.compile(indent["decreaseIndentPattern"])
    assert increase.search("pattern P {") and increase.search("  let xs = [") and increase.search("  f(  # c")
    assert not increase.search("  input { task: string }") and not increase.search("  # a { comment")
    assert decrease.search("  }") and decrease.search("]") and not decrease.search("  let x = 1")


def test_folding_markers_pair_up_on_the_fixtures() -> None:
    markers = load("language-configuration.json")["folding"]["markers"]
    start, end = re.compile(markers["start"]), re.compile(markers["end"])
    for fixture in sorted(FIXTURES.glob("*.plx")):
        depth, regions = 0, 0
        for line in fixture.read_text(encoding="utf-8").splitlines():
            if start.search(line):
                depth, regions = depth + 1, regions + 1
            elif end.search(line):
                depth -= 1
                assert depth >= 0, (fixture.name, line)
        assert depth == 0 and regions >= 3, fixture.name
    assert start.search("# region helpers") and end.search("# endregion")
    assert not start.search("  } else {") and end.search("  } else {")


# ------------------------------------------------------------------------------------------ snippets
class SnippetSyntaxError(ValueError):
    pass


def expand_snippet(body: str) -> str:
    """The text VS Code inserts for a snippet when every placeholder keeps its default (choices: the first).

    Follows the snippet grammar: `$1`, `${1}`, `${1:default}` (nested), `${1|a,b|}`, `$VAR`, `${VAR:default}`
    and the escapes `\\$`, `\\}`, `\\\\` (plus `\\,` and `\\|` in choices). A tab stop without a default repeats
    the default of the placeholder with the same number; `$0` inserts nothing, variables only their default.
    """
    defaults: dict[str, str] = {}

    def parse(i: int, stop: str) -> tuple[list[Any], int]:
        nodes: list[Any] = []
        text = ""
        while i < len(body):
            c = body[i]
            if c == "\\" and i + 1 < len(body) and body[i + 1] in "$}\\":
                text, i = text + body[i + 1], i + 2
            elif c == "}" and stop == "}":
                return [*nodes, text], i + 1
            elif c == "$":
                m = re.compile(r"\$(?:(\d+)|([A-Za-z_]\w*)|\{(\d+|[A-Za-z_]\w*)([:|}]))").match(body, i)
                if m is None:
                    text, i = text + c, i + 1
                    continue
                nodes, text = [*nodes, text], ""
                name = m.group(1) or m.group(2) or m.group(3)
                if m.group(4) in (None, "}"):
                    nodes.append(("ref", name))
                    i = m.end()
                elif m.group(4) == ":":
                    inner, i = parse(m.end(), "}")
                    nodes.append(("placeholder", name, inner))
                else:
                    choice = re.compile(r"((?:\\.|[^|\\])*)\|\}").match(body, m.end())
                    if choice is None:
                        raise SnippetSyntaxError(f"unterminated choice at {i}: {body[i:]!r}")
                    options = re.split(r"(?<!\\),", choice.group(1))
                    nodes.append(("placeholder", name, [re.sub(r"\\(.)", r"\1", options[0])]))
                    i = choice.end()
            else:
                text, i = text + c, i + 1
        if stop == "}":
            raise SnippetSyntaxError(f"unterminated placeholder in {body!r}")
        return [*nodes, text], i

    def collect(nodes: list[Any]) -> None:
        for node in nodes:
            if isinstance(node, tuple) and node[0] == "placeholder":
                if node[1] not in defaults:
                    defaults[node[1]] = render(node[2])
                collect(node[2])

    def render(nodes: list[Any]) -> str:
        out = []
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
            elif node[0] == "ref":
                out.append(defaults.get(node[1], ""))
            else:
                out.append(render(node[2]))
        return "".join(out)

    tree, _ = parse(0, "")
    collect(tree)
    return render(tree)


def snippets() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = load("snippets/plx.json")
    return data


def snippet_text(snippet: dict[str, Any]) -> str:
    body = snippet["body"]
    return expand_snippet("\n".join(body) if isinstance(body, list) else body)


def test_snippet_expander() -> None:
    assert expand_snippet("a ${1:x} $1 ${2|p,q|} $2 $0 \\$5 \\${y\\}") == "a x x p p  $5 ${y}"
    assert expand_snippet("${1:outer ${2:inner}} $2") == "outer inner inner"
    with pytest.raises(SnippetSyntaxError):
        expand_snippet("${1:never closed")


def test_required_snippets_exist() -> None:
    entries = snippets()
    prefixes = {s["prefix"] for s in entries.values()}
    assert {"pattern", "agents", "fanout", "uncertain", "test"} <= prefixes
    for name, snippet in entries.items():
        assert snippet.get("description"), name
        assert snippet.get("body"), name


@pytest.mark.parametrize("name", sorted(snippets()))
def test_snippet_expands_to_valid_plx(name: str) -> None:
    text = snippet_text(snippets()[name])
    assert "$" not in text.replace("${input.task}", ""), text
    source = text if re.match(r"(pattern|test|import)\b", text) else "pattern Wrapper {\n" + text + "\n}\n"
    result = parse_source(source, f"snippet-{name}.plx")
    assert result.ok, (source, [d.message for d in result.diagnostics])


# ------------------------------------------------------------------------------------------ the client
CLIENT_HARNESS = r"""
const Module = require('module');
const [extensionPath, scenario] = process.argv.slice(1);
const settings = JSON.parse(scenario).settings;
const log = { clients: [], starts: 0, stops: 0, errors: [], commands: {}, watchers: [] };
let onConfig;
const disposable = { dispose() {} };
const vscode = {
  workspace: {
    getConfiguration: (section) => ({ get: (key) => settings[`${section}.${key}`] }),
    createFileSystemWatcher: (glob) => { log.watchers.push(glob); return disposable; },
    onDidChangeConfiguration: (handler) => { onConfig = handler; return disposable; },
  },
  commands: { registerCommand: (id, handler) => { log.commands[id] = handler; return disposable; } },
  window: { showErrorMessage: (message) => { log.errors.push(message); } },
};
class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    log.clients.push({ id, name, serverOptions, selector: clientOptions.documentSelector });
  }
  async start() {
    log.starts += 1;
    if (settings.failStart) throw new Error('spawn plxc ENOENT');
  }
  async stop() { log.stops += 1; }
}
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient };
  return load.call(this, request, ...rest);
};
(async () => {
  const extension = require(extensionPath);
  const context = { subscriptions: [] };
  await extension.activate(context);
  const afterActivate = log.clients.length;
  settings['plx.server.path'] = '/opt/venv/bin/plxc';
  await onConfig({ affectsConfiguration: (key) => key === 'plx.server.path' });
  await onConfig({ affectsConfiguration: () => false });
  await log.commands['plx.restartServer']();
  await extension.deactivate();
  const commands = Object.keys(log.commands);
  console.log(JSON.stringify({ ...log, commands, afterActivate, subscriptions: context.subscriptions.length }));
})().catch((error) => { console.error(error); process.exit(1); });
"""


def run_client(settings: dict[str, Any]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    completed = subprocess.run(
        [node, "-e", CLIENT_HARNESS, str(EXTENSION / "extension.js"), json.dumps({"settings": settings})],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def test_client_starts_plxc_lsp_over_stdio_and_follows_the_setting() -> None:
    log = run_client({"plx.server.path": ""})
    first, second, third = log["clients"]
    assert log["afterActivate"] == 1
    assert first["id"] == "plx"
    assert first["serverOptions"]["run"] == {"command": "plxc", "args": ["lsp"]}  # stdio: no transport
    assert first["serverOptions"]["debug"] == first["serverOptions"]["run"]
    assert {"scheme": "file", "language": "plx"} in first["selector"]
    assert log["watchers"][0] == "**/*.plx"
    # Changing `plx.server.path` restarts with the new executable; other changes do not; the command restarts.
    assert second["serverOptions"]["run"] == {"command": "/opt/venv/bin/plxc", "args": ["lsp"]}
    assert third["serverOptions"]["run"]["command"] == "/opt/venv/bin/plxc"
    assert (log["starts"], log["stops"]) == (3, 3)
    assert log["commands"] == ["plx.restartServer"]
    assert log["errors"] == []


def test_client_reports_a_missing_server() -> None:
    log = run_client({"plx.server.path": "plxc", "failStart": True})
    assert log["starts"] == 3 and log["stops"] == 0
    assert len(log["errors"]) == 3
    assert "plxc lsp" in log["errors"][0] and "plx.server.path" in log["errors"][0]
