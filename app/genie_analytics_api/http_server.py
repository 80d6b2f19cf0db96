"""How the service is served: uvicorn on uvloop and httptools, with JSON answers to requests the
HTTP parser refuses before they reach the app.

uvicorn parses HTTP with httptools (llhttp), which refuses a request whose request line and
headers exceed its compiled limit (about 80 KiB; a 100,000-character path is over it) or that
is not valid HTTP/1.1. uvicorn answers those itself, before the app, with a plain-text 400
("Invalid HTTP request received.") and closes the connection; the limit cannot be configured
(``h11_max_incomplete_event_size`` applies only to the h11 parser). Every other error of this
API is JSON ``{"detail": ...}``, so :class:`JsonErrorHttpToolsProtocol` writes that 400 as JSON
too, overriding uvicorn's ``send_400_response`` (uvicorn's ``http`` setting takes a protocol
class; the method is uvicorn's own, checked by test_long_request_targets_are_414_or_400_json
against the pinned version). Targets under the parser's limit reach the app, which refuses
paths over MAX_PATH_CHARS and query strings over MAX_QUERY_CHARS with a JSON 414 (main.py).
"""

from __future__ import annotations

import json
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

PARSER_REJECTION = (
    "invalid HTTP request: not valid HTTP/1.1, or its request line and headers exceed the "
    "parser's limit (about 80 KiB)"
)


class JsonErrorHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol whose parser-level 400 is JSON (see the module docstring)."""

    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"detail": PARSER_REJECTION}).encode()
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
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


def server_config(app: Any, host: str, port: int, log_level: str = "info") -> uvicorn.Config:
    """One worker (the rate limiter and the DuckDB connection live in the process); uvloop and
    httptools (C) instead of asyncio's loop and h11 (pure Python): less CPU per request."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        loop="uvloop",
        http=JsonErrorHttpToolsProtocol,
    )
