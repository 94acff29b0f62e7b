"""Watching a run: the versioned JSON event stream and the live progress display.

``--json`` turns every run into JSON lines, one event each, as they happen:
``start``, ``host_planned``, ``host_applied``; the last line is the whole plan
or result document (``plan_json``/``results_json``, with ``"kind"`` naming
which), so a script may read just the last line. Every line carries
``"version"``.
Without ``--json``, a rich progress bar shows hosts done on a terminal (and
nothing when output is piped), then the normal text.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
from rich.progress import Progress as RichProgress

from specops.compiler.terminal import printable
from specops.runtime.engine.outcomes import HostPlan, HostResult
from specops.runtime.engine.render import PLAN_VERSION, plan_json, results_json

EVENTS_VERSION = 1

T = TypeVar("T")


class Events:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()

    def emit(self, event: str, **fields: Any) -> None:
        if not self.enabled:
            return
        line = json.dumps({"event": event, "version": EVENTS_VERSION, **fields}, ensure_ascii=False)
        with self._lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def planned(self, p: HostPlan) -> None:
        self.emit("host_planned", host=p.host, plan=plan_json([p])["hosts"][0])

    def applied(self, r: HostResult) -> None:
        self.emit("host_applied", host=r.host, result=results_json([r])["hosts"][0])

    def done(self, kind: str, doc: dict[str, Any]) -> None:
        """The last line: the whole document, as ``plan_json``/``results_json`` give it."""
        if not self.enabled:
            return
        line = json.dumps({"version": PLAN_VERSION, **doc, "kind": kind}, ensure_ascii=False)
        with self._lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()


class Progress:
    """A progress bar over hosts on a terminal; a no-op elsewhere."""

    def __init__(self, console: Console, enabled: bool = True) -> None:
        self.live = enabled and console.is_terminal
        self.bar: RichProgress | None = None
        self.task: Any = None
        self.failures = 0
        if self.live:
            self.bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[last]}", markup=False),  # ids like pkgs[nginx]
                console=console,
                transient=True,
            )

    def __enter__(self) -> Progress:
        if self.bar:
            self.bar.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.bar:
            self.bar.stop()

    def step(self, label: str, total: int, also: Callable[[T], None]) -> Callable[[T], None]:
        """A per-host callback that advances a bar labelled ``label`` and calls ``also``."""
        bar = self.bar
        task = bar.add_task(label, total=total, last="") if bar else None
        self.task = task

        def done(item: T) -> None:
            also(item)
            if bar is not None and task is not None:
                name = getattr(item, "host", "")
                failed = getattr(item, "error", None) or getattr(item, "failed", False)
                self.failures += 1 if failed else 0
                bar.update(task, advance=1, last=f"{printable(name)} done{self._failed()}")
                now = next((t for t in bar.tasks if t.id == task), None)
                if now is not None and now.finished:  # only the phase under way stays on screen
                    bar.remove_task(task)

        return done

    def pause(self) -> None:
        """Take the bar off the screen (before a question on the terminal)."""
        if self.bar:
            self.bar.stop()

    def resume(self) -> None:
        if self.bar:
            self.bar.start()

    def current(self, host: str, op_id: str) -> None:
        """The op a host is running now (from the apply script's markers)."""
        if self.bar is not None and self.task is not None:
            shown = f"{printable(host)}: {printable(op_id)}"
            self.bar.update(self.task, last=f"{shown}{self._failed()}")

    def _failed(self) -> str:
        return f"  ({self.failures} failed)" if self.failures else ""
