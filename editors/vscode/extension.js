// VS Code client for the .plx language server: starts `plxc lsp` over stdio for .plx files.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

const SERVER_ARGS = ['lsp'];

/** @type {LanguageClient | undefined} */
let client;

/** The configured `plxc` executable (`plx.server.path`, default `plxc` looked up on PATH). */
function serverCommand() {
  const configured = vscode.workspace.getConfiguration('plx').get('server.path');
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : 'plxc';
}

function createClient(command) {
  // An Executable without `transport` talks LSP over the child's stdin/stdout.
  const executable = { command, args: SERVER_ARGS };
  const serverOptions = { run: executable, debug: executable };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'plx' },
      { scheme: 'untitled', language: 'plx' },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.plx'),
    },
  };
  return new LanguageClient('plx', 'Parallax (.plx)', serverOptions, clientOptions);
}

async function startClient() {
  const command = serverCommand();
  client = createClient(command);
  try {
    await client.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    client = undefined;
    vscode.window.showErrorMessage(
      `Could not start the .plx language server \`${command} ${SERVER_ARGS.join(' ')}\`: ${reason}. ` +
        'Install the project (e.g. `pip install -e .`) so that `plxc` is on PATH, or set `plx.server.path`.'
    );
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('plx.restartServer', restartClient),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('plx.server.path')) {
        return restartClient();
      }
      return undefined;
    }),
    { dispose: () => stopClient() }
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
