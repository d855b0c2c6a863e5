"""HTTP agents on the Ray backend: the calls go out from the workers to a loopback server, and the run's output is
byte-identical to the local backend's."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from ray_helpers import ENTERPRISE_UNLIMITED

from parallax_dsl.runtime import HttpAgent, run

pytest.importorskip("ray")

PATTERN = """pattern Ask {
  input { task: string }
  agents experts { capabilities ["analysis"] }
  fanout answers = experts.analyze(task: input.task)
  output answers.map(a, a.value) with confidence average(answers.map(a, a.confidence))
}
"""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")
        self.server.paths.append(self.path)
        if self.path.endswith("/chat/completions"):
            prompt = body["messages"][-1]["content"]
            reply: Any = {"choices": [{"message": {"content": f"echo: {len(prompt)} chars\nCONFIDENCE: 0.8"}}]}
        else:
            reply = {"value": f"json: {body['task']}", "confidence": 0.65, "reasoning": "plain JSON endpoint"}
        payload = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.paths: list[str] = []


@pytest.fixture
def server() -> Iterator[_Server]:
    served = _Server()
    threading.Thread(target=served.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    yield served
    served.shutdown()
    served.server_close()


def test_http_agents_call_out_from_the_workers_and_answer_as_locally(server: _Server, ray_backend: Any) -> None:
    base = f"http://127.0.0.1:{server.server_address[1]}"
    agents = [
        HttpAgent(id="chat", capabilities=["analysis"], url=base + "/v1", kind="openai", model="m"),
        HttpAgent(id="plain", capabilities=["analysis"], url=base + "/answer", kind="json"),
    ]
    outputs = []
    for backend in (None, ray_backend):
        submitted = ray_backend.submitted
        result = asyncio.run(run(PATTERN, {"task": "t"}, agents, license=ENTERPRISE_UNLIMITED, backend=backend))
        assert result.error is None
        assert ray_backend.submitted - submitted == (2 if backend is not None else 0)
        outputs.append(result.to_json_text())
    assert outputs[1] == outputs[0]
    assert json.loads(outputs[0])["value"] == ["echo: 18 chars", "json: t"]
    assert sorted(server.paths) == ["/answer", "/answer", "/v1/chat/completions", "/v1/chat/completions"]
