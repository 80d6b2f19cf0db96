"""Post new rows of mart ``genie_alerts`` to a Slack or Teams incoming webhook, each once.

- Reads ``genie_alerts`` (marts, read-only) and table ``alerts_sent`` (the state schema on
  Databricks; locally its own DuckDB file, ``GENIE_API_ALERTS_STATE_DUCKDB``, so that it runs
  while the service holds ``api_state.duckdb``: DuckDB allows one writer process per file);
  an alert is new for a webhook when its ``alert_key`` is not yet in ``alerts_sent`` for that
  webhook (stored as a SHA-256 of the URL: the URL is a secret).
- One message per alert, most severe first (HIGH, MEDIUM, LOW, then any other value; the
  mart's YAML accepts HIGH and MEDIUM), oldest first within a severity, at most ``max_alerts``
  per run (the rest go next run), so a cap never holds back a HIGH alert behind older MEDIUM ones.
- Each POST is retried on connection errors, 429 and 5xx with exponential backoff and jitter
  (tenacity), honouring ``Retry-After``; bounded by ``max_attempts`` and ``deadline_seconds``.
  Other 4xx (a rejected payload, a removed channel) are not retried.
- ``alerts_sent`` is written right after each 2xx, so a run killed at any moment and started again
  sends nothing twice (at most the one message in flight when killed can be repeated).
- Exit status: 0 all new alerts sent; 1 some alert was rejected (the others were still sent);
  2 the webhook could not be reached or kept failing (the run stops: nothing else is attempted),
  or an invalid argument (argparse: a webhook that is not an http(s) URL with a host, a count or
  deadline that is not positive); 3 the marts or the state store are unavailable (missing file,
  no ``genie_alerts`` table, state file locked): one line on stderr, nothing sent.

Payload shapes: Slack Block Kit (``text`` fallback + header/section/context blocks; limits 150 /
3000 chars) and a Teams Adaptive Card 1.2 in a ``message`` envelope (what Workflows webhooks
accept), as Slack's "Sending messages using incoming webhooks" and Microsoft Teams'
"Create and send messages" (connectors-using) pages document them.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
)

from .warehouse import Warehouse

ALERTS_SQL = """
select
    alert_key, alert_type, severity, workspace_id, entity_type, entity_id, alert_date,
    observed_value, expected_value, threshold_value, unit, title, message
from genie_alerts
order by
    case severity when 'HIGH' then 0 when 'MEDIUM' then 1 when 'LOW' then 2 else 3 end,
    alert_date, alert_type, alert_key
"""
CREATE_SENT_SQL = """
create table if not exists alerts_sent (
    alert_key string,
    webhook_sha256 string,
    payload_format string,
    http_status integer,
    attempts integer,
    sent_at timestamp
)
"""
SENT_KEYS_SQL = "select alert_key from alerts_sent where webhook_sha256 = $webhook_sha256"
INSERT_SENT_SQL = """
insert into alerts_sent values (
    $alert_key, $webhook_sha256, $payload_format, $http_status, $attempts, $sent_at
)
"""


class Retryable(Exception):
    """A delivery that may heal: connection error, 429, 5xx."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Rejected(Exception):
    """The receiver refused this payload (4xx other than 429): do not retry it."""


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as delta-seconds or an HTTP date (RFC 9110 10.2.3); None if absent/invalid."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _fmt(value: Any, unit: str | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        value = f"{value:,.2f}"
    return f"{value} {unit}".strip() if unit else str(value)


def _facts(alert: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("Type", alert["alert_type"]),
        ("Severity", alert["severity"]),
        ("Workspace", str(alert["workspace_id"] or "-")),
        (str(alert["entity_type"] or "Entity").title(), str(alert["entity_id"] or "-")),
        ("Date", str(alert["alert_date"])),
        ("Observed", _fmt(alert["observed_value"], alert["unit"])),
        ("Expected", _fmt(alert["expected_value"], alert["unit"])),
        ("Threshold", _fmt(alert["threshold_value"], alert["unit"])),
    ]


def slack_payload(alert: dict[str, Any]) -> dict[str, Any]:
    title = f"[{alert['severity']}] {alert['title']}"[:150]
    fields = [{"type": "mrkdwn", "text": f"*{k}*\n{v}"[:2000]} for k, v in _facts(alert)]
    return {
        "text": f"{title}: {alert['message']}"[:3000],
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title}},
            {"type": "section", "text": {"type": "mrkdwn", "text": str(alert["message"])[:3000]}},
            {"type": "section", "fields": fields[:10]},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"alert_key `{alert['alert_key']}`"}],
            },
        ],
    }


def teams_payload(alert: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.2",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": f"[{alert['severity']}] {alert['title']}",
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                        },
                        {"type": "TextBlock", "text": str(alert["message"]), "wrap": True},
                        {
                            "type": "FactSet",
                            "facts": [{"title": k, "value": v} for k, v in _facts(alert)],
                        },
                        {
                            "type": "TextBlock",
                            "text": f"alert_key {alert['alert_key']}",
                            "isSubtle": True,
                            "size": "Small",
                        },
                    ],
                },
            }
        ],
    }


PAYLOADS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "slack": slack_payload,
    "teams": teams_payload,
}


@dataclass
class SendResult:
    sent: list[str] = field(default_factory=list)
    already_sent: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    deferred: int = 0
    unreachable: str | None = None

    @property
    def exit_code(self) -> int:
        return 2 if self.unreachable else (1 if self.rejected else 0)


class AlertSender:
    def __init__(
        self,
        marts: Warehouse,
        state: Warehouse,
        webhook_url: str,
        payload_format: str = "slack",
        *,
        max_attempts: int = 6,
        deadline_seconds: float = 120.0,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        timeout_seconds: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        client: httpx.Client | None = None,
    ) -> None:
        if payload_format not in PAYLOADS:
            raise ValueError(f"format must be one of {sorted(PAYLOADS)}, not {payload_format!r}")
        self._marts, self._state = marts, state
        self._url = webhook_url
        self._webhook_sha256 = hashlib.sha256(webhook_url.encode()).hexdigest()
        self._format = payload_format
        self._max_attempts, self._deadline = max_attempts, deadline_seconds
        self._base, self._max_delay = base_delay, max_delay
        self._sleep = sleep
        self._client = client or httpx.Client(timeout=timeout_seconds)
        self._state.execute(CREATE_SENT_SQL)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            return min(retry_after, self._max_delay)
        backoff = min(self._max_delay, self._base * 2 ** (state.attempt_number - 1))
        return random.uniform(backoff / 2, backoff)  # noqa: S311 - jitter, not cryptography

    def _post_once(self, payload: dict[str, Any]) -> int:
        try:
            response = self._client.post(self._url, json=payload)
        except httpx.HTTPError as exc:
            raise Retryable(f"{exc.__class__.__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise Retryable(
                f"HTTP {response.status_code}",
                _retry_after_seconds(response.headers.get("retry-after")),
            )
        if response.status_code >= 400:
            raise Rejected(f"HTTP {response.status_code}: {response.text[:200]}")
        return response.status_code

    def _post(self, payload: dict[str, Any]) -> tuple[int, int]:
        retrying = Retrying(
            retry=retry_if_exception_type(Retryable),
            stop=stop_after_attempt(self._max_attempts) | stop_after_delay(self._deadline),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                status = self._post_once(payload)
            if not attempt.retry_state.outcome.failed:
                return status, attempt.retry_state.attempt_number
        raise AssertionError("unreachable")  # tenacity reraises the last error

    def send_new(self, max_alerts: int = 50) -> SendResult:
        result = SendResult()
        sent_keys = {
            r["alert_key"]
            for r in self._state.query(SENT_KEYS_SQL, {"webhook_sha256": self._webhook_sha256})
        }
        alerts = self._marts.query(ALERTS_SQL)
        new = [a for a in alerts if a["alert_key"] not in sent_keys]
        result.already_sent = len(alerts) - len(new)
        result.deferred = max(0, len(new) - max_alerts)
        for alert in new[:max_alerts]:
            try:
                status, attempts = self._post(PAYLOADS[self._format](alert))
            except Rejected as exc:
                result.rejected.append((alert["alert_key"], str(exc)))
                continue
            except Retryable as exc:
                result.unreachable = str(exc)
                break
            self._state.execute(
                INSERT_SENT_SQL,
                {
                    "alert_key": alert["alert_key"],
                    "webhook_sha256": self._webhook_sha256,
                    "payload_format": self._format,
                    "http_status": status,
                    "attempts": attempts,
                    "sent_at": datetime.utcnow(),  # naive UTC column
                },
            )
            result.sent.append(alert["alert_key"])
        return result
