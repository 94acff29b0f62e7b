"""The one batched read of a host's facts: every fact's command between markers, in one
round trip, each output parsed by its fact's pure parser."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any

from specops.runtime.connectors import Connector, Result
from specops.runtime.core.fact import FactError, FactRef, Facts, batch_script, split_batch


def gather(
    conn: Connector,
    refs: Iterable[FactRef[Any]],
    timeout: float | None = None,
    wrap: Callable[[str], str] | None = None,
) -> tuple[Facts, Result | None]:
    """Read all ``refs`` in one round trip; parse each with its fact's parser.

    ``wrap`` turns the batch script into the one to send (e.g. through sudo).
    """
    unique = list(dict.fromkeys(refs))
    if not unique:
        return Facts(), None
    nonce = secrets.token_hex(8)
    script = batch_script(unique, nonce)
    result = conn.run("sh -s", stdin=wrap(script) + "\n" if wrap else script, timeout=timeout)
    if result.exited == 124 and "timed out" in result.stderr:
        raise FactError(unique[0], f"reading facts timed out after {timeout} s")
    values: dict[FactRef[Any], Any] = {}
    for ref, got in zip(unique, split_batch(result.stdout, len(unique), nonce), strict=True):
        if got is None:
            raise FactError(ref, f"no output (exit {result.exited}): {result.stderr.strip()[:200]}")
        output, code = got
        if code != 0:
            raise FactError(ref, f"command failed with exit code {code}")
        try:
            values[ref] = ref.fact.parse(output)
        except (ValueError, IndexError) as e:
            raise FactError(ref, f"unexpected output: {e}") from None
        except Exception as e:  # a parser bug must still be a host error, not a traceback
            raise FactError(ref, f"could not parse the output ({type(e).__name__}: {e})") from None
    return Facts(values), result
