"""Every fact parser on hostile output: a value, or ValueError/IndexError (which the
executor reports against the host), never any other exception, a hang or a crash."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specops.runtime.catalog import CATALOG  # noqa: F401  (registers every fact)
from specops.runtime.core.fact import Fact

OUTPUTS = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            [
                "link",
                "file",
                "directory",
                "absent",
                "data:",
                "big",
                "0644 root root 12",
                "=",
                "#",
                "\t",
                " ",
                ":",
                "ii  pkg 1.0 amd64",
                "{}",
                "[",
                "x" * 64,
            ]
        ),
        max_size=12,
    ).map("\n".join),
)


@pytest.mark.parametrize("name", sorted(Fact.registry))
@settings(max_examples=150, deadline=None)
@given(output=OUTPUTS)
def test_parser_survives_any_output(name: str, output: str) -> None:
    # Any other exception fails the test; these two are the parsers' documented "no".
    with contextlib.suppress(ValueError, IndexError):
        Fact.registry[name].parse(output)
