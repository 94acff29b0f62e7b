"""A connector that answers from a function, for unit tests (like ``invoke.MockContext``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .base import OutputSink, Result


@dataclass
class FakeConnector:
    """Answers every command from ``handler(command, stdin)``; records what it was sent.

    Files live in ``files`` (path -> (data, mode)); ``get`` of a path not there
    raises ``FileNotFoundError`` like every real connector.
    """

    handler: Callable[[str, str | None], Result]
    calls: list[tuple[str, str | None]] = field(default_factory=list)
    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)
    round_trips: int = 0

    def open(self) -> None:
        pass

    def run(
        self,
        command: str,
        *,
        stdin: str | None = None,
        timeout: float | None = None,
        on_output: OutputSink | None = None,
        keep_stdin: bool = False,
    ) -> Result:
        self.round_trips += 1
        self.calls.append((command, stdin))
        r = self.handler(command, stdin)
        if on_output is not None:
            for stream, out in (("stdout", r.stdout), ("stderr", r.stderr)):
                if out:
                    on_output(stream, out.encode("utf-8", "surrogateescape"))
        return r

    def put(self, data: bytes, path: str, mode: int = 0o644) -> None:
        self.round_trips += 1
        self.files[path] = (data, mode)

    def get(self, path: str) -> bytes:
        self.round_trips += 1
        if path not in self.files:
            raise FileNotFoundError(path)
        return self.files[path][0]

    def close(self) -> None:
        pass
