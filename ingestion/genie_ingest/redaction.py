"""Secret redaction: every text that leaves the ingestion (error rows, logs, stderr) passes here.

Error text comes from servers and exceptions we do not control (a token endpoint may echo the
request headers, Authorization included), so the service principal's secret is removed in every
form it can take, and any Authorization value, bearer token or OAuth field whatever its value.
"""

from __future__ import annotations

import base64
import itertools
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from genie_ingest.settings import Secret

MAX_ERROR_MESSAGE_CHARS = 2000
MAX_RAW_RESPONSE_CHARS = 16_000

_TOKEN_PATTERNS = (
    # Any Authorization value, whatever its scheme (Basic base64(id:secret), Bearer, ...), in a
    # header dump, a dict repr or JSON.
    re.compile(r"""(?i)(authorization['"]?\s*[:=]\s*['"]?)(?:[a-z-]+\s+)?[^'",\s}]+"""),
    re.compile(r"(?i)\b((?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"""(?i)(['"]?(?:access_token|refresh_token|id_token|client_secret)['"]?\s*[:=]\s*['"]?)"""
        r"""[^'",\s}&]+"""
    ),
    re.compile(r"\bdose[A-Za-z0-9]{8,}\b"),
)


def secret_forms(secrets: Iterable[Secret | str | None]) -> list[str]:
    """Every form in which a secret may come back in an error text: raw, URL-encoded (form
    bodies, query strings), and ``base64(id:secret)`` of each pair (HTTP Basic, RFC 6749 §2.3.1,
    with and without form-encoding of the parts first), padded and unpadded. Longest first."""
    values = [s.reveal() if isinstance(s, Secret) else s for s in secrets]
    values = [v for v in values if v]
    forms: set[str] = set()
    for value in values:
        forms.update({value, quote(value, safe=""), quote_plus(value)})
    for user, password in itertools.permutations(values, 2):
        for u, p in ((user, password), (quote_plus(user), quote_plus(password))):
            encoded = base64.b64encode(f"{u}:{p}".encode()).decode()
            forms.update({encoded, encoded.rstrip("="), quote(encoded, safe="")})
            forms.add(base64.urlsafe_b64encode(f"{u}:{p}".encode()).decode().rstrip("="))
    return sorted((f for f in forms if len(f) >= 4), key=len, reverse=True)


def scrub(text: str, secrets: Iterable[Secret | str | None] = ()) -> str:
    """Remove secret values (in every form of :func:`secret_forms`), Authorization values,
    bearer tokens and OAuth fields from a message, and cap its length.

    Error text comes from servers and exceptions we do not control (a token endpoint may echo
    the request headers); it is written to tables and logs, so it passes through here first.
    """
    return _remove_secrets(text, secrets)[:MAX_ERROR_MESSAGE_CHARS]


def _remove_secrets(text: str, secrets: Iterable[Secret | str | None]) -> str:
    for form in secret_forms(secrets):
        text = text.replace(form, "***")
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.re.groups else "") + "***", text)
    return text


def scrub_raw(text: str, secrets: Iterable[Secret | str | None] = ()) -> str:
    """A response body kept aside: secrets removed like :func:`scrub`, cut at 16,000 chars."""
    return _remove_secrets(text, secrets)[:MAX_RAW_RESPONSE_CHARS]
