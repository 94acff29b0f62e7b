"""Built-in functions of the expression language, each documented with examples.

The examples are the documentation (docs/spec-language.md lists them) and the
tests (each one is evaluated and compared). ``env`` values are sensitive;
``file`` reads a controller file relative to the spec that calls it.
User modules add functions with ``@specops.function`` (see ``extensions``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .values import MAX_ITEMS, MAX_TEXT, Function, Sensitive

MAX_RANGE = 10_000
MAX_FILE = 1 << 20


def _need(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(message)


def _len(x: Any) -> int:
    _need(isinstance(x, str | list | dict), "takes a string, list or map")
    return len(x)


def _str_fn(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    def call(s: Any, *args: Any) -> Any:
        _need(isinstance(s, str), f"{name} takes a string first")
        _need(all(isinstance(a, str) for a in args), f"{name} takes strings")
        return f(s, *args)

    return call


def _join(items: Any, sep: Any = "") -> str:
    _need(isinstance(items, list), "join takes a list first")
    _need(isinstance(sep, str), "the separator must be a string")
    texts = [_text(i) for i in items]
    _fits(sum(map(len, texts)) + len(sep) * max(len(texts) - 1, 0))
    return str(sep).join(texts)


def _fits(size: int) -> None:
    """Refuse a result before it is made, when it would be larger than text may be."""
    _need(
        size <= MAX_TEXT, f"the result would be too large ({size} characters; at most {MAX_TEXT})"
    )


def _replace(s: Any, old: Any, new: Any) -> str:
    _need(all(isinstance(x, str) for x in (s, old, new)), "replace takes strings")
    count = s.count(old)  # '' is counted at every gap: len(s) + 1
    _fits(len(s) + count * (len(new) - len(old)))
    return str(s).replace(old, new)


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


def _split(s: Any, sep: Any = None) -> list[str]:
    _need(isinstance(s, str), "split takes a string first")
    _need(
        sep is None or (isinstance(sep, str) and sep != ""),
        "the separator must be a non-empty string",
    )
    parts = str(s).split(sep)
    _need(len(parts) <= MAX_ITEMS, f"the result would have more than {MAX_ITEMS} items")
    return parts


def _default(value: Callable[[], Any], fallback: Callable[[], Any]) -> Any:
    from .diagnostics import SpecError

    try:
        v = value()
    except SpecError as e:
        if all(d.code in ("undefined-name", "undefined-attribute") for d in e.diagnostics):
            return fallback()
        raise
    return fallback() if v is None else v


def _keys(m: Any) -> list[str]:
    _need(isinstance(m, dict), "keys takes a map")
    return list(m)


def _values(m: Any) -> list[Any]:
    _need(isinstance(m, dict), "values takes a map")
    return list(m.values())


def _range(a: Any, b: Any = None) -> list[int]:
    lo, hi = (0, a) if b is None else (a, b)
    _need(all(isinstance(x, int) and not isinstance(x, bool) for x in (lo, hi)), "takes integers")
    _need(hi - lo <= MAX_RANGE, f"at most {MAX_RANGE} numbers")
    return list(range(lo, hi))


def _int(x: Any) -> int:
    _need(isinstance(x, str | int | float) and not isinstance(x, bool), "takes a string or number")
    return int(x.strip()) if isinstance(x, str) else int(x)


def _str(x: Any) -> str:
    _need(not isinstance(x, list | dict), "takes a single value; use to_json() for lists and maps")
    return _text(x)


_FIELD = re.compile(r"\{\{|\}\}|\{(\d*)(?::([^{}]*))?\}")


def _format(fmt: Any, *args: Any) -> str:
    """``str.format`` with positional fields only: no attribute or index access."""
    _need(isinstance(fmt, str), "format takes a format string first")
    auto = iter(range(len(args)))
    widths: list[int] = []

    def field(mt: re.Match[str]) -> str:
        if mt.group(0) in ("{{", "}}"):
            return mt.group(0)[0]
        n = int(mt.group(1)) if mt.group(1) else next(auto, len(args))
        _need(n < len(args), f"no argument for field {{{mt.group(1)}}}")
        v = args[n]
        _need(not isinstance(v, list | dict), "fields take single values")
        spec = mt.group(2) or ""
        widths.append(sum(int(d) for d in re.findall(r"\d+", spec)))
        _fits(sum(widths) + len(fmt))  # a width or precision is a size: bound it first
        return format(v, spec)

    leftover = _FIELD.sub("", fmt)
    _need(
        "{" not in leftover and "}" not in leftover, "fields are {} or {0}, with an optional :spec"
    )
    return _FIELD.sub(field, fmt)


def _sha256(s: Any) -> str:
    _need(isinstance(s, str), "takes a string")
    return hashlib.sha256(s.encode()).hexdigest()


def _b64encode(s: Any) -> str:
    _need(isinstance(s, str), "takes a string")
    return base64.b64encode(s.encode()).decode()


def _to_json(x: Any) -> str:
    return json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _startswith(s: Any, p: Any) -> bool:
    _need(isinstance(s, str) and isinstance(p, str), "takes two strings")
    return bool(s.startswith(p))


def _endswith(s: Any, p: Any) -> bool:
    _need(isinstance(s, str) and isinstance(p, str), "takes two strings")
    return bool(s.endswith(p))


def builtins(
    base_dir: Path,
    environ: Mapping[str, str] | None = None,
    on_secret: Callable[[str], None] | None = None,
) -> dict[str, Function]:
    """The built-in functions, with ``file`` relative to ``base_dir``.

    ``on_secret`` hears every secret value ``env`` hands out, so that output
    quoting it can be scrubbed later.
    """
    env_vars = os.environ if environ is None else environ

    def env(name: Any, fallback: Any = None) -> Any:
        _need(isinstance(name, str), "takes a variable name")
        if name in env_vars:
            if on_secret:
                on_secret(env_vars[name])
            return Sensitive(env_vars[name])
        _need(fallback is not None, f"environment variable {name} is not set")
        return fallback

    def read_file(path: Any) -> str:
        _need(isinstance(path, str), "takes a path")
        p: Path = (base_dir / str(path)).resolve()
        _need(p.is_file(), f"{path} is not a file")
        _need(p.stat().st_size <= MAX_FILE, f"{path} is larger than 1 MiB")
        return p.read_text("utf-8")

    fns = [
        Function(
            "len",
            _len,
            "Number of items in a list or map, or characters in a string.",
            (("len([1, 2, 3])", "3"), ("len('abc')", "3")),
        ),
        Function(
            "lower", _str_fn("lower", str.lower), "Lower-case text.", (("lower('Web')", "'web'"),)
        ),
        Function(
            "upper", _str_fn("upper", str.upper), "Upper-case text.", (("upper('web')", "'WEB'"),)
        ),
        Function(
            "join",
            _join,
            "Join list items into text with a separator.",
            (("join(['a', 'b'], ', ')", "'a, b'"),),
        ),
        Function(
            "split",
            _split,
            "Split text on a separator (default: whitespace).",
            (("split('a,b', ',')", "['a', 'b']"), ("split(' a  b ')", "['a', 'b']")),
        ),
        Function(
            "replace",
            _replace,
            "Replace every occurrence in text.",
            (("replace('a-b-c', '-', '.')", "'a.b.c'"),),
        ),
        Function(
            "default",
            _default,
            "The first value, or the fallback when it is undefined or null.",
            (("default(missing, 'x')", "'x'"), ("default(null, 1)", "1"), ("default(2, 1)", "2")),
            lazy=True,
        ),
        Function(
            "startswith",
            _startswith,
            "Whether text starts with a prefix.",
            (("startswith('web1', 'web')", "True"),),
        ),
        Function(
            "endswith",
            _endswith,
            "Whether text ends with a suffix.",
            (("endswith('a.conf', '.conf')", "True"),),
        ),
        Function(
            "keys",
            _keys,
            "The keys of a map, in order.",
            (("keys({'a': 1, 'b': 2})", "['a', 'b']"),),
        ),
        Function(
            "values",
            _values,
            "The values of a map, in order.",
            (("values({'a': 1, 'b': 2})", "[1, 2]"),),
        ),
        Function(
            "range",
            _range,
            "Integers from 0 (or a start) up to, not including, an end.",
            (("range(3)", "[0, 1, 2]"), ("range(1, 3)", "[1, 2]")),
        ),
        Function(
            "int",
            _int,
            "A number or numeric text as an integer.",
            (("int('42')", "42"), ("int(3.9)", "3")),
        ),
        Function(
            "str", _str, "A value as text.", (("str(8080)", "'8080'"), ("str(true)", "'true'"))
        ),
        Function(
            "format",
            _format,
            "Fill {} or {0} fields (with an optional :spec) from arguments.",
            (("format('{}:{}', 'db', 5432)", "'db:5432'"), ("format('{0:>4}', 7)", "'   7'")),
        ),
        Function(
            "sha256",
            _sha256,
            "SHA-256 of text, as hex.",
            (("sha256('')", "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'"),),
        ),
        Function(
            "b64encode", _b64encode, "Base64 of text (UTF-8).", (("b64encode('hi')", "'aGk='"),)
        ),
        Function(
            "to_json",
            _to_json,
            "Compact JSON text with sorted keys.",
            (("to_json({'b': 1, 'a': [true]})", '\'{"a":[true],"b":1}\''),),
        ),
        Function(
            "env",
            env,
            "An environment variable of the controller (sensitive), or a fallback.",
            (("env('SPECOPS_DOC_UNSET', 'dev')", "'dev'"),),
        ),
        Function("file", read_file, "Text of a controller file, relative to the spec file.", ()),
    ]
    return {f.name: f for f in fns}
