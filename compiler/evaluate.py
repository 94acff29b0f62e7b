"""Evaluate expression ASTs against a scope of plain values. Never ``eval``.

No truthiness: ``and``, ``or``, ``not``, ``if … else`` and ``when`` take
booleans only, so ``when = "${ port }"`` is an error rather than a surprise.
Values that came from a secret source (``Sensitive``) stay sensitive through
every operation. Sizes are bounded (``MAX_ITEMS``, ``MAX_TEXT``) so a spec cannot
make the compiler build a gigabyte string.

Every failure is a located diagnostic: the span of the offending sub-expression,
and a hint where one helps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, NoReturn

from . import messages as m
from .diagnostics import SpecError, diag, suggest
from .expr import (
    Attr,
    BinOp,
    Call,
    Cond,
    Expr,
    Index,
    ListExpr,
    Literal,
    Locator,
    MapExpr,
    Name,
    Template,
    Unary,
)
from .values import (
    MAX_DIGITS,
    MAX_ITEMS,
    MAX_TEXT,
    TOO_LONG,
    Function,
    Namespace,
    Pending,
    Sensitive,
    is_int,
    kind,
    reveal,
    to_text,
    too_big,
    wrap,
)


@dataclass
class Env:
    scope: Mapping[str, Any]
    locate: Locator
    functions: Mapping[str, Function] = field(default_factory=dict)

    def fail(self, msg: m.Message, e: Expr, hint: str | None = None, **fields: Any) -> NoReturn:
        raise SpecError([diag(msg, self.locate(e.start, e.end), hint=hint, **fields)])


def _describe(e: Expr) -> str:
    if isinstance(e, Name):
        return e.name
    if isinstance(e, Attr):
        return f"{_describe(e.obj)}.{e.name}"
    if isinstance(e, Index):
        return f"{_describe(e.obj)}[…]"
    if isinstance(e, Call):
        return f"{_describe(e.func)}(…)"
    return "the value"


def _names_hint(scope: Mapping[str, Any]) -> str:
    names = sorted(k for k in scope if not k.startswith("_"))
    return f"defined names: {', '.join(names)}" if names else "define it under [vars]"


def discover(parts: list[Expr], env: Env) -> None:
    """After a pending fact: evaluate the siblings too, to record their facts (the caller
    re-raises the first)."""
    for p in parts:
        # a fact is recorded as wanted; an error is reported once the facts are known
        with suppress(Pending, SpecError):
            evaluate(p, env)


def _children(e: Expr) -> list[Expr]:
    if isinstance(e, BinOp):
        return [e.left, e.right]
    if isinstance(e, Cond):
        return [e.test, e.then, e.orelse]
    if isinstance(e, Call):
        return [e.func, *e.args]
    if isinstance(e, ListExpr):
        return list(e.items)
    if isinstance(e, MapExpr):
        return [v for _, v in e.pairs]
    if isinstance(e, Unary):
        return [e.operand]
    if isinstance(e, Attr):
        return [e.obj]
    if isinstance(e, Index):
        return [e.obj, e.key]
    return []


def evaluate(e: Expr, env: Env) -> Any:
    try:
        return _evaluate(e, env)
    except Pending:
        discover(_children(e), env)
        raise


def _evaluate(e: Expr, env: Env) -> Any:
    if isinstance(e, Literal):
        return e.value
    if isinstance(e, Name):
        if e.name in env.scope:
            return env.scope[e.name]
        if e.name in env.functions:
            return env.functions[e.name]
        env.fail(
            m.UNDEFINED_NAME, e, suggest(e.name, env.scope) or _names_hint(env.scope), name=e.name
        )
    if isinstance(e, Attr):
        return _attr(e, evaluate(e.obj, env), env)
    if isinstance(e, Index):
        return _index(e, evaluate(e.obj, env), evaluate(e.key, env), env)
    if isinstance(e, ListExpr):
        return [evaluate(x, env) for x in e.items]
    if isinstance(e, MapExpr):
        return {k: evaluate(v, env) for k, v in e.pairs}
    if isinstance(e, Call):
        return _call(e, env)
    if isinstance(e, Unary):
        value, secret = reveal(evaluate(e.operand, env))
        if e.op == "not":
            return wrap(not _boolean(value, e.operand, "not", env), secret)
        if isinstance(value, bool) or not isinstance(value, int | float):
            env.fail(m.EXPR_TYPE, e, detail=f"cannot negate {kind(value)}")
        return wrap(-value, secret)
    if isinstance(e, Cond):
        test, _ = reveal(evaluate(e.test, env))
        return evaluate(e.then if _boolean(test, e.test, "if", env) else e.orelse, env)
    return _binop(e, env)


def _boolean(v: Any, e: Expr, where: str, env: Env) -> bool:
    if isinstance(v, bool):
        return v
    env.fail(
        m.EXPR_TYPE,
        e,
        detail=f"'{where}' needs true or false, not {kind(v)}",
        hint='compare explicitly, e.g. x != "" or len(items) > 0',
    )


def _attr(e: Attr, obj: Any, env: Env) -> Any:
    if isinstance(obj, Sensitive):
        return wrap(_attr(e, obj.value, env), True)
    if isinstance(obj, Namespace):
        try:
            return obj.lookup(e.name)
        except KeyError:
            keys = list(obj.names())
    elif isinstance(obj, dict):
        if e.name in obj:
            return obj[e.name]
        keys = list(obj)
    else:
        keys = []
    span = env.locate(e.end - len(e.name), e.end)
    hint = suggest(e.name, keys) or (f"{_describe(e.obj)} is {kind(obj)}" if not keys else None)
    raise SpecError([diag(m.UNDEFINED_ATTR, span, owner=_describe(e.obj), name=e.name, hint=hint)])


def _index(e: Index, obj: Any, key: Any, env: Env) -> Any:
    (obj_v, s1), (key_v, s2) = reveal(obj), reveal(key)
    if isinstance(obj_v, dict):
        if isinstance(key_v, str) and key_v in obj_v:
            return wrap(obj_v[key_v], s1 or s2)
        hint = suggest(str(key_v), [str(k) for k in obj_v])
        owner = _describe(e.obj)
        raise SpecError(
            [
                diag(
                    m.UNDEFINED_ATTR,
                    env.locate(e.key.start, e.key.end),
                    owner=owner,
                    name=str(key_v) if not s2 else "(sensitive)",
                    hint=hint,
                )
            ]
        )
    if isinstance(obj_v, list | str):
        if isinstance(key_v, bool) or not isinstance(key_v, int):
            env.fail(
                m.EXPR_TYPE,
                e.key,
                detail=f"{kind(obj_v)} is indexed by an integer, not {kind(key_v)}",
            )
        if not -len(obj_v) <= key_v < len(obj_v):
            env.fail(
                m.EXPR_VALUE, e.key, detail=f"index {key_v} is out of range ({len(obj_v)} items)"
            )
        return wrap(obj_v[key_v], s1 or s2)
    env.fail(m.EXPR_TYPE, e.obj, detail=f"{kind(obj_v)} cannot be indexed")


def _call(e: Call, env: Env) -> Any:
    if (
        isinstance(e.func, Name)
        and e.func.name not in env.scope
        and e.func.name not in env.functions
    ):
        env.fail(m.UNKNOWN_FUNCTION, e.func, suggest(e.func.name, env.functions), name=e.func.name)
    fn = evaluate(e.func, env)
    if not isinstance(fn, Function):
        env.fail(m.NOT_A_FUNCTION, e.func, name=_describe(e.func))
    secret = False
    try:
        if fn.lazy:
            result = fn.fn(*[_thunk(a, env) for a in e.args])
        else:
            args = [reveal(evaluate(a, env)) for a in e.args]
            secret = any(s for _, s in args)
            result = wrap(fn.fn(*[v for v, _ in args]), secret)
    except (SpecError, Pending):
        raise
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        env.fail(m.BAD_CALL, e, _usage(fn), name=fn.name, detail=_detail(exc, secret))
    except Exception as exc:  # a function of the user's ([python] modules) or a bug: located
        what = f"it raised {type(exc).__name__}" + (f": {_detail(exc, secret)}" if str(exc) else "")
        env.fail(m.BAD_CALL, e, None, name=fn.name, detail=what)
    big = too_big(reveal(result)[0])
    if big:
        env.fail(m.EXPR_VALUE, e, detail=f"{fn.name}() made {big}")
    return result


def _detail(exc: Exception, secret: bool) -> str:
    """The error's message, unless an argument was sensitive: messages quote arguments."""
    if secret:
        return f"{type(exc).__name__} (its message is hidden: an argument is sensitive)"
    return str(exc) or type(exc).__name__


def _thunk(a: Expr, env: Env) -> Callable[[], Any]:
    return lambda: evaluate(a, env)


def _usage(fn: Function) -> str | None:
    return f"for example: {fn.examples[0][0]}" if fn.examples else None


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
}
_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _binop(e: BinOp, env: Env) -> Any:
    if e.op in ("and", "or"):
        left, s1 = reveal(evaluate(e.left, env))
        if _boolean(left, e.left, e.op, env) == (e.op == "or"):
            return wrap(left, s1)
        right, s2 = reveal(evaluate(e.right, env))
        return wrap(_boolean(right, e.right, e.op, env), s1 or s2)
    (a, s1), (b, s2) = reveal(evaluate(e.left, env)), reveal(evaluate(e.right, env))
    secret = s1 or s2
    if e.op == "==":
        return wrap(a == b, secret)
    if e.op == "!=":
        return wrap(a != b, secret)
    if e.op in ("in", "not in"):
        if (isinstance(b, str) and isinstance(a, str)) or isinstance(b, list | dict):
            return wrap((a in b) == (e.op == "in"), secret)
        env.fail(m.EXPR_TYPE, e, detail=f"cannot look for {kind(a)} in {kind(b)}")
    if e.op in _ORDER:
        if (_number(a) and _number(b)) or (isinstance(a, str) and isinstance(b, str)):
            return wrap(_ORDER[e.op](a, b), secret)
        env.fail(m.EXPR_TYPE, e, detail=f"cannot compare {kind(a)} and {kind(b)} with {e.op}")
    return wrap(_arith(e, a, b, env), secret)


def _arith(e: BinOp, a: Any, b: Any, env: Env) -> Any:
    op = e.op
    ok = (_number(a) and _number(b)) or (
        op == "+"
        and (
            (isinstance(a, str) and isinstance(b, str))
            or (isinstance(a, list) and isinstance(b, list))
        )
    )
    repeat = op == "*" and (
        (isinstance(a, str | list) and is_int(b)) or (isinstance(b, str | list) and is_int(a))
    )
    if not ok and not repeat:
        hint = None
        if op == "+" and {kind(a), kind(b)} & {"a string"}:
            hint = 'use str(x) to put a number into text, or a template: "${a}${b}"'
        env.fail(m.EXPR_TYPE, e, hint, detail=f"cannot use {op} on {kind(a)} and {kind(b)}")
    if repeat:
        seq, n = (a, b) if isinstance(a, str | list) else (b, a)
        if len(seq) * max(n, 0) > (MAX_TEXT if isinstance(seq, str) else MAX_ITEMS):
            env.fail(m.EXPR_VALUE, e, detail="the result would be too large")
    if op in ("/", "//", "%") and b == 0:
        env.fail(m.EXPR_VALUE, e, detail="division by zero")
    result = _ARITH[op](a, b)
    if isinstance(result, str | list) and len(result) > (
        MAX_TEXT if isinstance(result, str) else MAX_ITEMS
    ):
        env.fail(m.EXPR_VALUE, e, detail="the result would be too large")
    if is_int(result) and abs(result) >= TOO_LONG:
        env.fail(m.EXPR_VALUE, e, detail=f"the result would have more than {MAX_DIGITS} digits")
    return result


def render(t: Template, env: Env) -> Any:
    """Evaluate a template: a lone hole keeps its value's type, else a string."""
    hole = t.single
    if hole is not None:
        return evaluate(hole.expr, env)
    out: list[str] = []
    secret = False
    values: list[Any] = []
    pending: Pending | None = None
    for p in t.parts:  # every hole is evaluated, so one round records all their facts
        if isinstance(p, str):
            continue
        try:
            values.append(evaluate(p.expr, env))
        except Pending as e:
            pending = pending or e
    if pending is not None:
        raise pending
    holes = iter(values)
    for p in t.parts:
        if isinstance(p, str):
            out.append(p)
            continue
        value, s = reveal(next(holes))
        if isinstance(value, dict | list):
            env.fail(
                m.EXPR_TYPE,
                p.expr,
                'use to_json(x) or join(x, ", ") to put it in text',
                detail=f"{kind(value)} cannot be part of a string",
            )
        out.append(to_text(value))
        secret = secret or s
    text = "".join(out)
    if len(text) > MAX_TEXT:
        raise SpecError(
            [diag(m.EXPR_VALUE, env.locate(0, 1), detail="the string would be too large")]
        )
    return wrap(text, secret)
