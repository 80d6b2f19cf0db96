"""How the service is served: uvicorn on uvloop and httptools, with a bound on the size of a
request's line and headers, and JSON answers to the requests refused before they reach the app.

- **Size of the request line and headers.** httptools (llhttp) buffers a request's headers
  without a limit (a header of 100 MB was read whole, into memory, while other requests waited),
  and uvicorn has no setting for it on this parser (``h11_max_incomplete_event_size`` applies
  only to the h11 parser). :class:`JsonErrorHttpToolsProtocol` counts the bytes of the
  current request's line and headers as they arrive and, past MAX_HEAD_BYTES (64 KiB; nginx's
  default is 4 x 8 KiB, Apache's 8 KiB a line), answers 431 Request Header Fields Too Large and
  closes the connection (RFC 6585, section 5) before the parser stores more. A body, and a
  chunked body's trailer fields (buffered like headers), past MAX_BODY_BYTES is 413 the same
  way: no endpoint takes a body. Bound: the bytes of one read past a finished request on the
  same connection (pipelining) are counted with it, not with the next request, so a pipelined
  head can exceed the limit by at most one read. Hand-written: no uvicorn setting or library
  does this for httptools.
- **Not here:** a timeout for a request's headers, and a cap on connections (a client sending a
  header a byte at a time keeps its connection). On Databricks Apps the platform's proxy stands
  in front; anywhere else exposed to untrusted clients, put a reverse proxy in front.
- **Requests that are not valid HTTP/1.1.** uvicorn answers them itself with a plain-text 400
  ("Invalid HTTP request received.") and closes the connection; here that 400 is JSON too, by
  overriding uvicorn's ``send_400_response`` (uvicorn's ``http`` setting takes a protocol class;
  the method is uvicorn's own, checked by the tests against the pinned version).
- Neither reaches the app, so neither is in the access log. Targets under the limit reach the
  app, which refuses paths over MAX_PATH_CHARS and query strings over MAX_QUERY_CHARS with a JSON
  414 (main.py).
- **X-Forwarded-For / X-Forwarded-Proto** are applied only from the addresses in
  ``forwarded_allow_ips`` (GENIE_API_FORWARDED_ALLOW_IPS, default none): otherwise any local
  client could pick its own address and step around the per-address rate limit of requests
  without credentials (uvicorn trusts 127.0.0.1 by default).
"""

from __future__ import annotations

import json
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 64 * 1024
# No endpoint takes a body; a body (and a chunked body's trailer fields, which httptools buffers
# like headers) past this many bytes is refused with 413.
MAX_BODY_BYTES = 64 * 1024
END_OF_HEAD = b"\r\n\r\n"
PARSER_REJECTION = "invalid HTTP request: not valid HTTP/1.1"
HEAD_TOO_LARGE = f"request line and headers over {MAX_HEAD_BYTES // 1024} KiB"
BODY_TOO_LARGE = f"request body over {MAX_BODY_BYTES // 1024} KiB (no endpoint takes a body)"


class JsonErrorHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded request head and JSON refusals (see the
    module docstring)."""

    # Bytes of the current request's line and headers read so far; None while a body is read.
    _head_bytes: int | None = 0
    _tail = b""  # the last bytes of the previous read, for an END_OF_HEAD split between reads
    _body_bytes = 0  # bytes read while the current request's body (and trailer) is read

    def data_received(self, data: bytes) -> None:
        if self._head_bytes is not None:
            window = self._tail + data
            end = window.find(END_OF_HEAD)
            in_head = len(data) if end < 0 else max(0, end + len(END_OF_HEAD) - len(self._tail))
            self._tail = window[-(len(END_OF_HEAD) - 1) :]
            self._head_bytes += in_head
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(431, "Request Header Fields Too Large", HEAD_TOO_LARGE)
                return
        else:
            self._body_bytes += len(data)
            if self._body_bytes > MAX_BODY_BYTES:
                self._refuse(413, "Content Too Large", BODY_TOO_LARGE)
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._head_bytes, self._body_bytes = None, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._head_bytes, self._tail = 0, b""

    def _refuse(self, status: int, reason: str, detail: str) -> None:
        self.logger.warning("Request refused: %s.", detail)
        self._send_json(status, reason, detail)

    def send_400_response(self, msg: str) -> None:
        self._send_json(400, "Bad Request", PARSER_REJECTION)

    def _send_json(self, status: int, reason: str, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode()
        head = [f"HTTP/1.1 {status} {reason}\r\n".encode("ascii")]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
            ]
        )
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def server_config(
    app: Any,
    host: str,
    port: int,
    log_level: str = "info",
    forwarded_allow_ips: str = "",
) -> uvicorn.Config:
    """One worker (the rate limiter and the DuckDB connection live in the process); uvloop and
    httptools (C) instead of asyncio's loop and h11 (pure Python): less CPU per request.
    ``forwarded_allow_ips``: comma-separated proxy addresses whose X-Forwarded-* headers are
    applied ("" = none, the connection's peer is the client)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        loop="uvloop",
        http=JsonErrorHttpToolsProtocol,
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or None,
    )
