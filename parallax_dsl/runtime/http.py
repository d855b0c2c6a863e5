"""A small HTTP/1.1 client on asyncio streams (stdlib only, cancellable): POST JSON, read a JSON reply."""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from typing import Any, Final
from urllib.parse import urlsplit

#: Largest response body read (bytes); agents answering more than this are treated as failed.
MAX_RESPONSE_BYTES: Final = 16 * 1024 * 1024


class HttpError(Exception):
    """A non-2xx status, an unreadable reply or a connection problem."""


def _decode_chunked(body: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while True:
        end = body.find(b"\r\n", pos)
        if end < 0:
            raise HttpError("truncated chunked response")
        size_text = body[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise HttpError("malformed chunked response") from None
        pos = end + 2
        if size == 0:
            return bytes(out)
        out += body[pos : pos + size]
        pos += size + 2


async def post_json(
    url: str, payload: Any, headers: dict[str, str] | None = None, *, max_bytes: int = MAX_RESPONSE_BYTES
) -> Any:
    """POST `payload` as JSON to `url` and return the decoded JSON reply; raises HttpError.

    Uses `Connection: close` and reads to EOF; understands Content-Length and chunked bodies. Cancelling the
    awaiting task closes the connection.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpError(f"not an http(s) URL: {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    context = ssl.create_default_context() if parts.scheme == "https" else None
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        "Accept: application/json",
        "User-Agent: plxc",
        "Connection: close",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    try:
        reader, writer = await asyncio.open_connection(parts.hostname, port, ssl=context)
    except OSError as exc:
        raise HttpError(f"cannot connect to {parts.hostname}:{port}: {exc.strerror or exc}") from None
    try:
        writer.write(request)
        await writer.drain()
        raw = bytearray()
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            raw += chunk
            if len(raw) > max_bytes:
                raise HttpError(f"response larger than {max_bytes} bytes")
    except OSError as exc:
        raise HttpError(f"connection to {parts.hostname}:{port} failed: {exc.strerror or exc}") from None
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), 1.0)
    head, sep, content = bytes(raw).partition(b"\r\n\r\n")
    if not sep:
        raise HttpError("empty or truncated HTTP response")
    head_lines = head.decode("latin-1").split("\r\n")
    status_parts = head_lines[0].split(" ", 2)
    if len(status_parts) < 2 or not status_parts[1].isdigit():
        raise HttpError(f"malformed HTTP status line: {head_lines[0][:80]!r}")
    status = int(status_parts[1])
    fields = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    if "chunked" in fields.get("transfer-encoding", "").lower():
        content = _decode_chunked(content)
    elif fields.get("content-length", "").isdigit():
        content = content[: int(fields["content-length"])]
    text = content.decode("utf-8", "replace")
    if not 200 <= status < 300:
        snippet = " ".join(text.split())[:200]
        raise HttpError(f"HTTP {status}" + (f": {snippet}" if snippet else ""))
    try:
        return json.loads(text)
    except ValueError:
        raise HttpError(f"reply is not JSON: {text[:80]!r}") from None
