"""Helpers for the API and alert tests: a real uvicorn server on a free loopback port, and a
webhook receiver on loopback that can be told to fail."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import uvicorn

from genie_analytics_api.http_server import server_config


@contextmanager
def serve(app, forwarded_allow_ips: str = "") -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1:<free port>; yield its base URL; stop it after."""
    # The configuration `genie-analytics-api serve` runs (uvloop, httptools with JSON 400s).
    config = server_config(app, "127.0.0.1", 0, "warning", forwarded_allow_ips)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


class WebhookReceiver:
    """A Slack/Teams-like incoming webhook on loopback.

    ``script`` is a list of (status, headers) answered to the next requests in order, then 200.
    ``reject_when`` = substring of the body: such requests get 400 (a payload the receiver
    refuses). Every request body is kept in ``received`` (parsed JSON), with its status.
    """

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str]]] = []
        self.reject_when: str | None = None
        self.received: list[tuple[int, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server API
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if receiver.script:
                    status, headers = receiver.script.pop(0)
                elif receiver.reject_when and receiver.reject_when in body.decode():
                    status, headers = 400, {}
                else:
                    status, headers = 200, {}
                receiver.received.append((status, json.loads(body)))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/services/T0/B0/secret"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def delivered(self) -> list[Any]:
        return [body for status, body in self.received if status == 200]
