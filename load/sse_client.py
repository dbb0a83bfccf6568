#!/usr/bin/env python3
"""A small Server-Sent Events client for the live-channel load scripts (standard library only).

  sse_client.py hold HOST PORT COOKIE_FILE N
      Opens N idle streams of GET /events (cookies are read one a line, used in turn), prints
      "open <ok> <refused>" once all answered, then keeps them open (reading the keep-alives)
      until stdin closes.

  sse_client.py latency STREAM_PORT RECIPIENT_COOKIE IDLE_COOKIE N SEND_PORT SENDER_COOKIE
                        CSRF CONVERSATION_PATH MESSAGES
      Opens one stream of the recipient and N-1 idle ones (of another account) on STREAM_PORT,
      then sends MESSAGES messages, one at a time, to CONVERSATION_PATH on SEND_PORT as the
      sender (a multipart form, as the page sends it) and times each from just before the
      request until the recipient's stream has the event; prints p50/p99/max in milliseconds.
"""
import asyncio
import statistics
import http.client
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


def send_message(port, cookie, csrf, path, text):
    boundary = "----carespace-load"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n{text}\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST",
        path,
        body,
        {"Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    status = connection.getresponse().status
    connection.close()
    if status != 303:
        sys.exit(f"sending answered {status}")


async def latency(stream_port, recipient, idle, n, send_port, sender, csrf, path, messages):
    host = "127.0.0.1"
    mine, refused_mine = await open_all(host, stream_port, [recipient], 1)
    others, refused = await open_all(host, stream_port, [idle], n - 1)
    print(f"streams open {len(mine) + len(others)} (refused {refused + refused_mine})", flush=True)
    arrived = asyncio.Queue()
    reader = mine[0][0]
    tasks = [asyncio.ensure_future(drain(reader, lambda name: arrived.put_nowait(name)))]
    tasks += [asyncio.ensure_future(drain(r)) for r, _, _ in others]
    loop = asyncio.get_running_loop()
    times = []
    for n in range(messages):
        started = time.perf_counter()
        await loop.run_in_executor(None, send_message, send_port, sender, csrf, path, f"bericht {n}")
        while True:
            name = await asyncio.wait_for(arrived.get(), 10)
            if name == "message":
                break
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"messages {len(times)}  p50 {statistics.median(times):.1f} ms  p99 {p99:.1f} ms  "
        f"max {times[-1]:.1f} ms"
    )
    for task in tasks:
        task.cancel()


def main():
    mode = sys.argv[1]
    if mode == "hold":
        asyncio.run(hold(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])))
    elif mode == "latency":
        a = sys.argv[2:]
        asyncio.run(
            latency(int(a[0]), a[1], a[2], int(a[3]), int(a[4]), a[5], a[6], a[7], int(a[8]))
        )
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
