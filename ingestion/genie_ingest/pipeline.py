"""`genie-ingest messages` and `genie-ingest spaces`: what to fetch, batching, bookkeeping.

messages: read genie_messages_to_fetch (built by dbt), skip what message_details already holds in
a final state (TERMINAL or STALE), re-include earlier failures that may heal, fetch concurrently
(bounded pool, per-workspace rate limit), and land every ``batch_size`` messages in one atomic
sink call. A message still being answered (non-terminal status) is landed as PENDING with its
current status and fetched again by later runs until it is terminal, or STALE once older than
``stale_after_hours``. A body that cannot become a row is a MALFORMED_RESPONSE error row (the body
kept aside); the rest of its batch lands.

The command line (arguments, settings, exit codes) is genie_ingest.cli; this module only runs.

spaces: distinct (workspace_id, space_id) of genie_messages_to_fetch -> GET space with
serialized_space -> merge into genie_space_details.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import zip_longest

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from genie_ingest.client import (
    FAILED,
    MALFORMED_RESPONSE,
    FetchError,
    FetchResult,
    GenieFetcher,
    WorkspaceClients,
    WorkspaceUnreachable,
    probe_host,
    sdk_client_factory,
)
from genie_ingest.records import (
    PENDING,
    STALE,
    MalformedResponse,
    MessageKey,
    SpaceKey,
    error_row,
    parse_message,
    raw_response_excerpt,
    space_row,
    utcnow,
)
from genie_ingest.redaction import scrub, scrub_raw
from genie_ingest.retry import Clock, RealClock, RetryPolicy
from genie_ingest.settings import ConfigError, Settings
from genie_ingest.sinks import DatabricksSink, DuckDBSink, Filters, Sink, SinkError

log = logging.getLogger("genie_ingest")


@dataclass
class RunSummary:
    """Counts for the one-line summary; also what tests and the benchmark assert on."""

    command: str
    selected: int = 0
    landed: int = 0
    skipped: int = 0
    pending: int = 0
    stale: int = 0
    deferred: int = 0
    # workspace_id -> why it was skipped (a run-wide failure); its messages were not counted.
    unavailable: dict[str, str] = field(default_factory=dict)
    not_attempted: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    batches: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        failed = ", ".join(f"{k}={v}" for k, v in sorted(self.failed.items())) or "none"
        return (
            f"genie-ingest {self.command}: selected={self.selected} landed={self.landed} "
            f"skipped={self.skipped} pending={self.pending} stale={self.stale} "
            f"deferred={self.deferred} workspaces_unavailable={len(self.unavailable)} "
            f"failed={sum(self.failed.values())} ({failed}) requests={self.requests} "
            f"batches={self.batches} seconds={self.seconds:.2f}"
        )


# --- building blocks ---------------------------------------------------------------------------


def build_fetcher(settings: Settings, clock: Clock | None = None) -> GenieFetcher:
    client_id, client_secret = settings.require_credentials()
    factory = sdk_client_factory(
        client_id, client_secret, settings.request_timeout_seconds, settings.concurrency
    )
    return GenieFetcher(
        WorkspaceClients(factory),
        RetryPolicy(
            max_attempts=settings.max_attempts,
            deadline_seconds=settings.request_deadline_seconds,
        ),
        settings.rate_limit_per_second,
        clock=clock,
        secrets=(client_id, client_secret),
        workspace_failure_threshold=settings.workspace_failure_threshold,
    )


def make_sink(settings: Settings) -> Sink:
    """The configured sink. Databricks: the warehouse is checked before any SDK client is built
    (the SDK's configuration errors print the client id), and an SDK failure to configure
    becomes a ConfigError naming the settings, its text scrubbed of the credentials."""
    if settings.sink == "duckdb":
        return DuckDBSink(settings.duckdb_path, settings.analytics_schema, settings.landing_schema)
    if not settings.warehouse_id:
        raise ConfigError(
            "GENIE_INGEST_SINK=databricks needs a SQL warehouse: set GENIE_INGEST_WAREHOUSE_ID "
            "(setting warehouse_id)"
        )
    from databricks.sdk import WorkspaceClient

    secrets = (settings.client_id, settings.client_secret)
    try:
        if settings.sink_host:
            client_id, client_secret = settings.require_credentials()
            # Bounded: the SDK would retry an unreachable host's discovery for 5 minutes.
            probe_host(settings.sink_host, settings.request_timeout_seconds)
            w = WorkspaceClient(
                host=settings.sink_host,
                client_id=client_id.reveal(),
                client_secret=client_secret.reveal(),
                auth_type="oauth-m2m",
            )
        else:
            w = WorkspaceClient()  # on Databricks: the job's own identity
    except WorkspaceUnreachable as exc:
        raise SinkError(f"the databricks sink's workspace is unreachable: {exc}") from None
    except ValueError as exc:
        if isinstance(exc, ConfigError):
            raise
        first = str(exc).split(" Config: ")[0]
        raise ConfigError(
            "the databricks sink cannot authenticate (DATABRICKS_HOST, "
            f"DATABRICKS_SP_CLIENT_ID/SECRET or the job identity): {scrub(first, secrets)}"
        ) from None
    return DatabricksSink(
        statement_execution=w.statement_execution,
        warehouse_id=settings.warehouse_id,
        analytics_schema=settings.analytics_schema,
        landing_schema=settings.landing_schema,
    )


def _fetch_one(fetcher: GenieFetcher, key: MessageKey) -> FetchResult:
    if not key.workspace_url:
        return FetchResult(
            None, FetchError(FAILED, None, "workspace has no workspace_url in workspaces_latest"), 0
        )
    return fetcher.get_message(key.workspace_url, key.space_id, key.conversation_id, key.message_id)


def stream_messages(
    fetcher: GenieFetcher,
    keys: Sequence[MessageKey],
    concurrency: int,
    stop: Callable[[], bool] = lambda: False,
):
    """Yield ``(key, result)`` as fetches complete, with at most ``concurrency`` in flight.

    A sliding window, not batch by batch: one slow message (a retry waiting out its backoff)
    no longer holds up the other threads. ``stop()`` is asked before each new submission (the
    run deadline); keys never submitted are simply not yielded.
    """
    if concurrency <= 1:
        for key in keys:
            if stop():
                return
            yield key, _fetch_one(fetcher, key)
        return
    pending_keys = iter(keys)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="genie-fetch") as pool:
        in_flight: dict = {}

        def fill() -> None:
            while len(in_flight) < concurrency and not stop():
                key = next(pending_keys, None)
                if key is None:
                    return
                in_flight[pool.submit(_fetch_one, fetcher, key)] = key

        fill()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                yield in_flight.pop(future), future.result()
            fill()


def interleave_workspaces(keys: Sequence[MessageKey]) -> list[MessageKey]:
    """Round-robin over workspaces, each workspace's own order (oldest first) kept.

    The rate limit is per workspace, so fetching one workspace after another would hold the
    whole run to one workspace's limit; interleaved, every workspace's budget is used at once.
    """
    by_workspace: dict[str, list[MessageKey]] = {}
    for key in keys:
        by_workspace.setdefault(key.workspace_id, []).append(key)
    rounds = zip_longest(*(by_workspace[w] for w in sorted(by_workspace)))
    return [key for round_ in rounds for key in round_ if key is not None]


def _chunks(items: Sequence, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not enabled,
        transient=True,
    )


# --- runs --------------------------------------------------------------------------------------


def run_messages(
    settings: Settings,
    sink: Sink,
    fetcher: GenieFetcher | None,
    filters: Filters,
    *,
    dry_run: bool = False,
    show_progress: bool = False,
    clock: Clock | None = None,
) -> RunSummary:
    """One `messages` run: fetch in a sliding window, land each ``batch_size`` results at once.

    ``clock`` times the run deadline and the summary (the real monotonic clock by default)."""
    now_s = (clock or RealClock()).time
    started = now_s()
    summary = RunSummary("messages")
    keys = sink.messages_to_fetch(filters, settings.max_retry_count)
    summary.selected = len(keys)
    if dry_run:
        for workspace_id, n in sorted(Counter(k.workspace_id for k in keys).items()):
            print(f"would fetch {n} messages from workspace {workspace_id}")
        summary.seconds = now_s() - started
        return summary
    assert fetcher is not None, "a real run needs a fetcher"
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
    # Another run (or a crashed earlier one that committed) may have landed some already.
    todo: list[MessageKey] = []
    for chunk in _chunks(keys, 1000):
        landed = sink.already_landed((k.workspace_id, k.message_id) for k in chunk)
        todo += [k for k in chunk if (k.workspace_id, k.message_id) not in landed]
    summary.skipped += len(keys) - len(todo)
    todo = interleave_workspaces(todo)

    def past_deadline() -> bool:
        return now_s() - started > settings.run_deadline_seconds

    rows: list = []
    errors: list = []
    attachments: list = []
    buffered = 0
    stale_after = timedelta(hours=settings.stale_after_hours)
    secrets = (settings.client_id, settings.client_secret)

    def land() -> None:
        # One atomic sink call per batch of completed fetches: a crash loses at most the
        # unlanded results, which the next run fetches again (never twice landed).
        nonlocal rows, errors, attachments, buffered
        sink.land_batch(rows, errors, attachments)
        summary.landed += len(rows)
        summary.batches += 1
        rows, errors, attachments, buffered = [], [], [], 0

    done = 0
    with _progress(show_progress) as progress:
        task = progress.add_task("messages", total=len(todo))
        for key, result in stream_messages(fetcher, todo, settings.concurrency, past_deadline):
            batch_id = f"{run_id}-{summary.batches + 1:05d}"
            summary.requests += result.attempts
            now = utcnow()
            error = result.error
            if error is not None and error.run_wide:
                # Not this message's fault: nothing is recorded against it; next run retries.
                if key.workspace_id not in summary.unavailable:
                    summary.unavailable[key.workspace_id] = f"{key.workspace_url}: {error.message}"
                    log.error("workspace %s skipped: %s", key.workspace_id, error.message)
                summary.not_attempted += 1
                done += 1
                progress.advance(task, 1)
                continue
            if error is None:
                try:
                    parsed = parse_message(
                        key, result.body, now, batch_id, stale_after, result.server_time
                    )
                except MalformedResponse as exc:
                    error = FetchError(
                        MALFORMED_RESPONSE,
                        200,
                        f"the answer cannot become a row: {exc.reason}",
                        raw_response=scrub_raw(raw_response_excerpt(result.body), secrets),
                    )
                else:
                    rows.append(parsed.row)
                    attachments.extend(parsed.attachments)
                    summary.pending += parsed.fetch_state == PENDING
                    summary.stale += parsed.fetch_state == STALE
            if error is not None:
                summary.failed[error.error_type] += 1
                log.warning(
                    "message %s/%s: %s %s",
                    key.workspace_id,
                    key.message_id,
                    error.error_type,
                    error.message,
                )
                errors.append(error_row(key, error, now, batch_id, error.raw_response))
            buffered += 1
            done += 1
            progress.advance(task, 1)
            if buffered >= settings.batch_size:
                land()
        if buffered:
            land()
    if done < len(todo):
        summary.deferred += len(todo) - done
        log.warning("run deadline reached; %d messages left for next run", summary.deferred)
    summary.seconds = now_s() - started
    return summary


def run_spaces(
    settings: Settings,
    sink: Sink,
    fetcher: GenieFetcher | None,
    filters: Filters,
    *,
    dry_run: bool = False,
    show_progress: bool = False,
    clock: Clock | None = None,
) -> RunSummary:
    """One `spaces` run: every space is re-fetched (configs change) and merged on its key."""
    now_s = (clock or RealClock()).time
    started = now_s()
    summary = RunSummary("spaces")
    keys = sink.spaces_to_fetch(filters)
    summary.selected = len(keys)
    if dry_run:
        print(f"would fetch {len(keys)} spaces")
        summary.seconds = now_s() - started
        return summary
    assert fetcher is not None, "a real run needs a fetcher"

    def fetch(key: SpaceKey) -> FetchResult:
        if not key.workspace_url:
            return FetchResult(None, FetchError(FAILED, None, "no workspace_url"), 0)
        return fetcher.get_space(key.workspace_url, key.space_id)

    with _progress(show_progress) as progress:
        task = progress.add_task("spaces", total=len(keys))
        for batch in _chunks(keys, settings.batch_size):
            with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
                results = list(pool.map(fetch, batch))
            rows = []
            for key, result in zip(batch, results, strict=True):
                summary.requests += result.attempts
                if result.error is not None and result.error.run_wide:
                    summary.unavailable.setdefault(
                        key.workspace_id, f"{key.workspace_url}: {result.error.message}"
                    )
                elif result.error is not None:
                    summary.failed[result.error.error_type] += 1
                    log.warning(
                        "space %s/%s: %s %s",
                        key.workspace_id,
                        key.space_id,
                        result.error.error_type,
                        result.error.message,
                    )
                else:
                    try:
                        rows.append(space_row(key, result.body, utcnow()))
                    except MalformedResponse as exc:
                        summary.failed[MALFORMED_RESPONSE] += 1
                        log.warning("space %s/%s: %s", key.workspace_id, key.space_id, exc)
            sink.merge_spaces(rows)
            summary.landed += len(rows)
            summary.batches += 1
            progress.advance(task, len(batch))
    summary.seconds = now_s() - started
    return summary
