#!/usr/bin/env python3
"""A small Server-Sent Events client for the live-channel load scripts (standard library only).

  sse_client.py hold HOST PORT COOKIE_FILE N
      Opens N idle streams of GET /events (cookies are read one a line, used in turn), prints
      "open <ok> <refused>" once all answered, then keeps them open (reading the keep-alives)
      until stdin closes.

  sse_client.py latency HOST PORT STREAM_COOKIES N SEND_CMD MESSAGES
      Opens N streams (cookies one a line, used in turn; the first line's account is the one
      messages go to), then MESSAGES times runs SEND_CMD (a shell command that sends one
      message) and times from just before it until the event reaches every stream of that
      first account; prints p50/p99/max in milliseconds.
"""
import asyncio
import statistics
import subprocess
import sys
import time


async def open_stream(host, port, cookie):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        (
            f"GET /events HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
            f"Cookie: {cookie}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    return reader, writer, head.startswith(b"HTTP/1.1 200")


async def open_all(host, port, cookies, n):
    streams, refused = [], 0
    batch = 200
    for start in range(0, n, batch):
        tasks = [
            open_stream(host, port, cookies[i % len(cookies)])
            for i in range(start, min(n, start + batch))
        ]
        for result in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(result, Exception) or not result[2]:
                refused += 1
            else:
                streams.append(result)
    return streams, refused


async def drain(reader, on_event=None):
    """Reads frames until the stream ends; calls on_event(name) for each event."""
    buffer = b""
    while True:
        data = await reader.read(65536)
        if not data:
            return
        buffer += data
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            for line in block.split(b"\n"):
                # Chunked framing lines are not frames; only `event:` lines matter here.
                if line.startswith(b"event:") and on_event:
                    on_event(line[6:].strip().decode())


def read_cookies(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


async def hold(host, port, cookie_file, n):
    streams, refused = await open_all(host, port, read_cookies(cookie_file), n)
    print(f"open {len(streams)} {refused}", flush=True)
    readers = [asyncio.ensure_future(drain(r)) for r, _, _ in streams]
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    for task in readers:
        task.cancel()


async def latency(host, port, cookie_file, n, send_cmd, messages):
    cookies = read_cookies(cookie_file)
    streams, refused = await open_all(host, port, cookies, n)
    # Streams of the recipient: every len(cookies)-th, starting at the first.
    targets = [s for i, s in enumerate(streams) if i % len(cookies) == 0]
    print(f"open {len(streams)} {refused}; {len(targets)} of the recipient", flush=True)
    pending = {"count": 0, "done": None}

    def on_event(name):
        if name == "message" and pending["done"] is not None:
            pending["count"] -= 1
            if pending["count"] == 0:
                pending["done"].set()

    tasks = [asyncio.ensure_future(drain(r, on_event)) for r, _, _ in targets]
    others = [asyncio.ensure_future(drain(r)) for i, (r, _, _) in enumerate(streams) if i % len(cookies)]
    await asyncio.sleep(1)
    times = []
    loop = asyncio.get_running_loop()
    for _ in range(messages):
        pending["count"] = len(targets)
        pending["done"] = asyncio.Event()
        started = time.perf_counter()
        await loop.run_in_executor(None, lambda: subprocess.run(send_cmd, shell=True, check=True))
        try:
            await asyncio.wait_for(pending["done"].wait(), 10)
        except asyncio.TimeoutError:
            print("an event did not arrive within 10 s", file=sys.stderr)
            sys.exit(1)
        times.append((time.perf_counter() - started) * 1000)
        pending["done"] = None
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"messages {len(times)}  p50 {statistics.median(times):.1f} ms  p99 {p99:.1f} ms  "
        f"max {times[-1]:.1f} ms"
    )
    for task in tasks + others:
        task.cancel()


def main():
    mode = sys.argv[1]
    if mode == "hold":
        asyncio.run(hold(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])))
    elif mode == "latency":
        asyncio.run(
            latency(
                sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6],
                int(sys.argv[7]),
            )
        )
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
