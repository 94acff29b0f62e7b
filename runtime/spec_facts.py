"""The facts a spec's expressions read (``facts.os``, ``facts.arch``, ``facts.file(path)``
…): ``SPEC_FACTS`` says which fact of which family answers each and how its value is
shown to a spec; the engine's fact source reads them. A junction: it knows families."""

from __future__ import annotations

from typing import Any

from specops.compiler.facts import FactKey
from specops.runtime.core.fact import FactRef, SpecFacts
from specops.runtime.facts.files import FileInfo, FileStat
from specops.runtime.facts.host import OsRelease, Uname


def _ref(key: FactKey) -> FactRef[Any]:
    name, params = key
    if name == "os":
        return OsRelease.ref()
    if name in ("hostname", "arch", "kernel"):
        return Uname.ref()
    if name == "file":
        return FileInfo.ref(**dict(params))
    raise KeyError(name)


def _value(key: FactKey, fact: Any) -> Any:
    name = key[0]
    if name in ("hostname", "arch", "kernel"):
        return fact[name]
    if name == "file":
        st: FileStat | None = fact
        if st is None:
            return {"exists": False}
        return {
            "exists": True,
            "type": st.type,
            "mode": st.mode,
            "user": st.user,
            "group": st.group,
            "size": st.size,
            "target": st.target,
        }
    return fact


# The facts a spec reads (``facts.os``, ``facts.file(path)``), for the fact source.
SPEC_FACTS = SpecFacts(ref=_ref, value=_value)
