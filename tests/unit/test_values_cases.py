"""Runtime values of the expression language: sensitive values, where they sit, their texts."""

from __future__ import annotations

from specops.compiler.values import Namespace, Sensitive, reveal, sensitive_paths, texts, wrap

# -- printing -------------------------------------------------------------------------


def test_a_sensitive_value_never_prints_itself() -> None:
    assert repr(Sensitive("hunter2")) == "(sensitive)"
    assert repr([Sensitive("hunter2"), "plain"]) == "[(sensitive), 'plain']"
    assert str(Sensitive({"pw": "hunter2"})) == "(sensitive)"


# -- reveal and wrap --------------------------------------------------------------------


def test_reveal_unwraps_at_any_depth_and_says_whether_anything_was_secret() -> None:
    v = {"a": [1, Sensitive("s")], "b": Sensitive(Sensitive("t"))}
    assert reveal(v) == ({"a": [1, "s"], "b": "t"}, True)
    assert reveal({"a": [1, "s"], "b": None}) == ({"a": [1, "s"], "b": None}, False)
    assert reveal([]) == ([], False)


def test_wrap_marks_only_when_asked() -> None:
    assert wrap("x", True) == Sensitive("x")
    assert wrap("x", False) == "x"


# -- sensitive_paths ------------------------------------------------------------------


def test_a_sensitive_value_at_the_top_is_its_own_prefix() -> None:
    assert sensitive_paths(Sensitive("s")) == [""]
    assert sensitive_paths(Sensitive("s"), "env") == ["env"]


def test_paths_without_a_prefix_start_at_the_first_key() -> None:
    v = [Sensitive("a"), "b", {"k": Sensitive("c"), "j": [0, Sensitive("d")]}]
    assert sensitive_paths(v) == ["0", "2.k", "2.j.1"]


def test_paths_with_a_prefix_keep_every_sensitive_part_in_order() -> None:
    v = {"user": "u", "token": Sensitive("t"), "keys": [Sensitive("k1"), "k2", Sensitive("k3")]}
    assert sensitive_paths(v, "auth") == ["auth.token", "auth.keys.0", "auth.keys.2"]


def test_plain_values_have_no_sensitive_paths() -> None:
    assert sensitive_paths({"a": [1, "x", None]}, "p") == []
    assert sensitive_paths("x", "p") == []


def test_a_sensitive_container_is_one_path_not_its_leaves() -> None:
    assert sensitive_paths({"db": Sensitive({"user": "u", "pw": "p"})}) == ["db"]


# -- texts ----------------------------------------------------------------------------


def test_texts_are_every_printable_leaf_in_order() -> None:
    v = Sensitive({"a": ["x", 1, None, True, 2.5], "b": {"c": Sensitive("y")}})
    assert texts(v) == ["x", "1", "2.5", "y"]


def test_null_and_booleans_have_no_text_but_other_scalars_do() -> None:
    assert texts(None) == []
    assert texts(False) == []
    assert texts(True) == []
    assert texts(0) == ["0"]
    assert texts("") == [""]
    assert texts(Sensitive("pw")) == ["pw"]


# -- namespaces -----------------------------------------------------------------------


def test_a_namespace_without_names_offers_none() -> None:
    ns = Namespace("the facts", lambda name: name.upper())
    assert ns.lookup("os") == "OS"
    assert list(ns.names()) == []
