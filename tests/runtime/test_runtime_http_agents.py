"""HTTP agents against real HTTP servers on 127.0.0.1 (no external network)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from runtime_helpers import run_text

from parallax_dsl.runtime import HttpAgent, load_agents

Reply = Callable[["Handler", dict[str, Any]], None]


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"null")
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        self.server.reply(self, body)

    def send_json(self, status: int, data: Any, *, chunked: bool = False) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(payload), 7):
                part = payload[i : i + 7]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, reply: Reply) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.reply = reply
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def serve() -> Iterator[Callable[[Reply], Server]]:
    servers: list[Server] = []

    def start(reply: Reply) -> Server:
        server = Server(reply)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.release.set()
        server.shutdown()
        server.server_close()


PATTERN = """
pattern Ask {
  input { task: string }
  agents pool { capabilities ["analysis"] }
  fanout answers = pool.answer(task: input.task) timeout 500ms
  output answers
}
"""


def openai_reply(handler: Handler, body: dict[str, Any]) -> None:
    handler.send_json(
        200,
        {"choices": [{"message": {"role": "assistant", "content": "Use a queue.\nCONFIDENCE: 0.85"}}]},
    )


def test_openai_compatible_agent_reads_the_confidence_marker(
    serve: Callable[[Reply], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(openai_reply)
    monkeypatch.setenv("TEST_PLX_KEY", "sk-test")
    agent = HttpAgent(
        id="llm",
        capabilities=["analysis"],
        url=server.url + "/v1",
        kind="openai",
        model="m1",
        api_key_env="TEST_PLX_KEY",
    )
    result = run_text(PATTERN, {"task": "How do I decouple?"}, [agent])
    record = result.value[0]
    assert (record["value"], record["confidence"], record["error"]) == ("Use a queue.", 0.85, None)
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    assert request["body"]["model"] == "m1"
    messages = request["body"]["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "CONFIDENCE:" in messages[0]["content"]
    assert "How do I decouple?" in messages[1]["content"] and "Action: answer" in messages[1]["content"]


def test_openai_body_confidence_field_and_json_content(serve: Callable[[Reply], Server]) -> None:
    def reply(handler: Handler, body: dict[str, Any]) -> None:
        handler.send_json(
            200, {"choices": [{"message": {"content": '{"plan": "a"}'}}], "confidence": 0.6}, chunked=True
        )

    server = serve(reply)
    agent = HttpAgent(id="llm", capabilities=["analysis"], url=server.url, kind="openai")
    record = run_text(PATTERN, {"task": "t"}, [agent]).value[0]
    assert (record["value"], record["confidence"]) == ({"plan": "a"}, 0.6)


def test_openai_reply_without_a_marker_has_no_confidence(serve: Callable[[Reply], Server]) -> None:
    def reply(handler: Handler, body: dict[str, Any]) -> None:
        handler.send_json(200, {"choices": [{"message": {"content": "just text"}}]})

    server = serve(reply)
    record = run_text(
        PATTERN, {"task": "t"}, [HttpAgent(id="x", capabilities=["analysis"], url=server.url, kind="openai")]
    ).value[0]
    assert (record["value"], record["confidence"], record["reasoning"]) == (
        "just text",
        0.0,
        "no CONFIDENCE marker in the reply",
    )


def test_json_endpoint_gets_the_task_and_answers_value_confidence(serve: Callable[[Reply], Server]) -> None:
    def reply(handler: Handler, body: dict[str, Any]) -> None:
        handler.send_json(200, {"result": {"echo": body["task"]}, "confidence": 0.7, "reasoning": "echoed"})

    server = serve(reply)
    agent = HttpAgent(id="svc", capabilities=["analysis"], url=server.url + "/agent", kind="json")
    record = run_text(PATTERN, {"task": "ping"}, [agent]).value[0]
    assert (record["value"], record["confidence"], record["reasoning"]) == ({"echo": "ping"}, 0.7, "echoed")
    body = server.requests[0]["body"]
    assert (body["action"], body["args"], body["task"]) == ("answer", {"task": "ping"}, "ping")


def test_server_errors_and_hangs_become_failed_records(serve: Callable[[Reply], Server]) -> None:
    def broken(handler: Handler, body: dict[str, Any]) -> None:
        handler.send_json(500, {"error": "model overloaded"})

    def hanging(handler: Handler, body: dict[str, Any]) -> None:
        handler.server.release.wait(10)  # type: ignore[attr-defined]

    def fine(handler: Handler, body: dict[str, Any]) -> None:
        handler.send_json(200, {"value": "ok", "confidence": 0.9})

    agents = [
        HttpAgent(id="broken", capabilities=["analysis"], url=serve(broken).url, kind="json"),
        HttpAgent(id="hanging", capabilities=["analysis"], url=serve(hanging).url, kind="json"),
        HttpAgent(id="fine", capabilities=["analysis"], url=serve(fine).url, kind="json"),
        HttpAgent(id="refused", capabilities=["analysis"], url="http://127.0.0.1:9", kind="json"),
    ]
    records = run_text(PATTERN, {"task": "t"}, agents).value
    assert [r["confidence"] for r in records] == [0.0, 0.0, 0.9, 0.0]
    assert records[0]["error"] == 'HttpError: HTTP 500: {"error": "model overloaded"}'
    assert records[1]["error"] == "timed out after 0.5 s"
    assert records[3]["error"].startswith("HttpError: cannot connect to 127.0.0.1:9")
    assert all(r["reasoning"] == "Agent failed to respond" for r in (records[0], records[1], records[3]))


def test_agents_file_configures_http_agents(serve: Callable[[Reply], Server], tmp_path: Path) -> None:
    server = serve(openai_reply)
    config = tmp_path / "agents.yaml"
    config.write_text(
        f"""agents:
  - id: local-llm
    name: Local LLM
    capabilities: [analysis]
    expertise: 0.8
    url: {server.url}/v1
    kind: openai
    model: tiny
""",
        encoding="utf-8",
    )
    (agent,) = load_agents(str(config))
    assert isinstance(agent, HttpAgent)
    assert (agent.id, agent.name, agent.expertise, agent.kind, agent.model) == (
        "local-llm",
        "Local LLM",
        0.8,
        "openai",
        "tiny",
    )
    record = run_text(PATTERN, {"task": "t"}, [agent]).value[0]
    assert record["confidence"] == 0.85 and record["agent"]["name"] == "Local LLM"
