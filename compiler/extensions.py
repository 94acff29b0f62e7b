"""Python escape hatches: user modules that add operations, facts and functions.

``[python] modules = ["lib/ops.py"]`` imports each module once per process,
before lowering. A module registers

- expression functions with ``@specops.function`` (kept here, in ``FUNCTIONS``);
- operations by subclassing ``specops.Operation`` and decorating with
  ``@specops.operation`` (the runtime's catalog; the compiler then validates
  them exactly like built-in ops);
- facts by subclassing ``specops.Fact``.

A module that fails to import is a diagnostic located at the failing line in
the module (or at its name in the spec), never a traceback.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, overload

from . import messages as m
from .diagnostics import Collector, diag
from .source import Span
from .values import Function

FUNCTIONS: dict[str, Function] = {}
_LOADED: dict[str, ModuleType] = {}

F = TypeVar("F", bound=Callable[..., Any])


@overload
def function(fn: F) -> F: ...
@overload
def function(
    *, name: str | None = None, examples: Iterable[tuple[str, str]] = ()
) -> Callable[[F], F]: ...
def function(
    fn: F | None = None, *, name: str | None = None, examples: Iterable[tuple[str, str]] = ()
) -> F | Callable[[F], F]:
    """Register ``fn`` as an expression function (``${ slug(app) }``); returns it unchanged."""

    def register(f: F) -> F:
        fname = name or f.__name__
        FUNCTIONS[fname] = Function(fname, f, (f.__doc__ or "").strip(), tuple(examples))
        return f

    return register(fn) if fn is not None else register


def load_modules(modules: Iterable[tuple[str, Span]], c: Collector) -> None:
    for path, span in modules:
        key = str(Path(path).resolve())
        if key in _LOADED:
            continue
        if not Path(key).is_file():
            c.add(diag(m.FILE_NOT_FOUND, span, path=path, reason="no such file"))
            continue
        name = f"specops_user_{Path(key).stem}"
        spec = importlib.util.spec_from_file_location(name, key)
        if spec is None or spec.loader is None:
            c.add(diag(m.FILE_NOT_FOUND, span, path=path, reason="not a Python module"))
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except KeyboardInterrupt:
            raise
        except BaseException as e:  # user code (sys.exit too): located, never a traceback
            sys.modules.pop(name, None)
            c.add(_module_error(key, e, span))
            continue
        _LOADED[key] = module


def _module_error(file: str, exc: BaseException, named_at: Span) -> Any:
    where: Span | None = None
    if isinstance(exc, SyntaxError) and exc.lineno:
        where = Span.point(file, exc.lineno, exc.offset or 1)
        return diag(m.PYTHON_ERROR, where, detail=f"syntax error: {exc.msg}")
    for fs in traceback.extract_tb(exc.__traceback__):
        if str(Path(fs.filename).resolve()) == file and fs.lineno:
            where = Span.point(file, fs.lineno, (fs.colno or 0) + 1)
    return diag(
        m.PYTHON_ERROR,
        where or named_at,
        detail=f"{type(exc).__name__}: {exc}",
        notes=[("the module is named here", named_at)] if where else (),
        hint="the module raised this while it was being imported",
    )
