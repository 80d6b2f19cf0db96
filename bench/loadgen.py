"""A light HTTP load generator for `make bench`'s API section, run as its own process.

``GENIE_BENCH_TOKEN=<bearer token> python bench/loadgen.py --port P --paths paths.json
--clients 50 --per-client 20 [--think-s 1.0] [--ramp-s 1.0]`` opens one keep-alive connection
per client, sends GETs one after another on it (each client waits for its answer, then "thinks"
0.5x-1.4x ``--think-s``), and prints one JSON object: every latency (ms), the statuses, the wall
seconds and the CPU seconds this process used.

``--ramp-s``: client c sends its first request ``ramp_s * c / clients`` seconds after the start
(a ramp-up, as JMeter's ramp-up period and Locust's spawn rate do), so clients that think
between requests arrive spread out as independent users do. With 0 (the default) every client
sends its first request in the same millisecond: the worst case, a synchronised burst.
``--offset``: request k of client c asks for ``paths[offset + c * per_client + k]`` (modulo the
list), so successive runs can each ask for paths no earlier run asked for.

Hand-written on purpose (asyncio streams, HTTP/1.1 keep-alive, Content-Length bodies only, which
is what uvicorn sends for JSON): the generator shares the 2 cores with the server, and a full
client library costs about as much CPU per request as the service does (httpx: ~1 ms a request
in 50 threads), so it would slow down the very thing it measures. Its CPU time is printed so the
bench can say how much of the machine it took.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time


async def _client(
    c: int, args, paths: list[str], latencies: list[float], statuses: dict[int, int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
    head = f"Host: 127.0.0.1:{args.port}\r\nAuthorization: Bearer {args.token}\r\n\r\n"
    head = head.encode()
    try:
        await asyncio.sleep(args.ramp_s * c / args.clients)
        for k in range(args.per_client):
            path = paths[(args.offset + c * args.per_client + k) % len(paths)]
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\n".encode() + head)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            status = int(status_line.split()[1])
            statuses[status] = statuses.get(status, 0) + 1
            if args.think_s:
                await asyncio.sleep(args.think_s * (0.5 + (c * 7 + k) % 10 / 10))  # 0.5x..1.4x
    finally:
        writer.close()


async def _run(args, paths: list[str]) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(c, args, paths, latencies, statuses) for c in range(args.clients))
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "latencies_ms": latencies,
        "statuses": statuses,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--paths", required=True, help="JSON file: a list of request paths")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--think-s", type=float, default=0.0)
    parser.add_argument("--ramp-s", type=float, default=0.0)
    parser.add_argument(
        "--offset", type=int, default=0, help="first index into --paths (a slice per run)"
    )
    args = parser.parse_args()
    args.token = os.environ["GENIE_BENCH_TOKEN"]  # not on the command line (ps shows it)
    with open(args.paths) as f:
        paths = json.load(f)
    print(json.dumps(asyncio.run(_run(args, paths))))


if __name__ == "__main__":
    main()
