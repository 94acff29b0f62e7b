"""A delaying TCP proxy: WAN-like latency in front of loopback sshd servers.

The kernel here has no netem, so latency is added in user space. Every byte
read from one side is written to the other ``delay`` seconds later (order kept,
no bandwidth limit), in both directions: 25 ms each way is a 50 ms round trip.
A new connection also waits one round trip before the proxy connects upstream,
standing in for the TCP handshake a real WAN connection pays.

Usage (one process serves every host)::

    python benchmarks/proxy.py --delay-ms 25 127.0.0.11:2201 127.0.0.12:2202 ...

For each ``ADDRESS:PORT`` upstream it listens on ``ADDRESS`` and a free port,
then prints one JSON line ``{"ADDRESS:PORT": LISTEN_PORT, ...}`` once every
listener is bound, and serves until SIGTERM/SIGINT. The number of TCP
connections accepted per upstream is written to ``--stats FILE`` (JSON) when
it stops.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import socket
import sys
from collections import Counter

CHUNK = 65536


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Copy reader to writer, each chunk delivered ``delay`` seconds after it was read."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                with contextlib.suppress(OSError):
                    if writer.can_write_eof():
                        writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(CHUNK)
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                break
        await sender
    except (OSError, asyncio.IncompleteReadError):
        writer.close()  # pass the failure on: the other direction's read ends too
    finally:
        if not sender.done():
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await sender


class Proxy:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.connections: Counter[str] = Counter()

    async def handle(
        self, upstream: tuple[str, int], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        name = f"{upstream[0]}:{upstream[1]}"
        self.connections[name] += 1
        up_writer: asyncio.StreamWriter | None = None
        try:
            await asyncio.sleep(2 * self.delay)  # the TCP handshake's round trip
            up_reader, up_writer = await asyncio.open_connection(*upstream)
            for w in (writer, up_writer):
                sock = w.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await asyncio.gather(
                _pump(reader, up_writer, self.delay),
                _pump(up_reader, writer, self.delay),
                return_exceptions=True,
            )
        except OSError:
            pass
        finally:
            for w in (writer, up_writer) if up_writer is not None else (writer,):
                w.close()
                with contextlib.suppress(OSError):
                    await w.wait_closed()

    async def serve(self, upstreams: list[tuple[str, int]]) -> None:
        servers: list[asyncio.base_events.Server] = []
        ports: dict[str, int] = {}
        for address, port in upstreams:

            async def handler(
                r: asyncio.StreamReader,
                w: asyncio.StreamWriter,
                upstream: tuple[str, int] = (address, port),
            ) -> None:
                with contextlib.suppress(asyncio.CancelledError):  # stopping
                    await self.handle(upstream, r, w)

            server = await asyncio.start_server(handler, address, 0, backlog=512)
            servers.append(server)
            ports[f"{address}:{port}"] = server.sockets[0].getsockname()[1]
        print(json.dumps(ports), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        for server in servers:
            server.close()


def _upstream(text: str) -> tuple[str, int]:
    address, _, port = text.rpartition(":")
    return address, int(port)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--delay-ms", type=float, default=25.0, help="one-way delay (default 25)")
    p.add_argument("--stats", help="write connection counts per upstream here (JSON)")
    p.add_argument("upstreams", nargs="+", metavar="ADDRESS:PORT")
    args = p.parse_args(argv)
    proxy = Proxy(args.delay_ms / 1000.0)
    asyncio.run(proxy.serve([_upstream(u) for u in args.upstreams]))
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump(dict(proxy.connections), f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
