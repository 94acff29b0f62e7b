"""git.repo and git.config (runtime/operations/git.py), expected values by hand: what the facts read
from git's output, option names, and what a checkout predicts for the ops after it."""

from __future__ import annotations

import pytest

from specops.runtime.core.fact import Facts
from specops.runtime.core.reach import Reach
from specops.runtime.facts.git import Checkout, Config, Head, Remote
from specops.runtime.operations.git import ConfigArgs, GitConfig, Repo, RepoArgs, check_option

SHA1 = "1111111111111111111111111111111111111111"
SHA2 = "2222222222222222222222222222222222222222"
URL = "https://example.org/app.git"

# -- what the facts read ------------------------------------------------------------------


def test_a_checkout_without_origin_has_an_empty_remote() -> None:
    assert Head.parse(f"{SHA1}\nclean\n") == Checkout(SHA1, "", False)
    assert Head.parse(f"{SHA1}\ndirty\n") == Checkout(SHA1, "", True)


def test_a_checkout_with_changed_tracked_files_is_dirty() -> None:
    assert Head.parse(f"{SHA1}\n{URL}\ndirty\n") == Checkout(SHA1, URL, True)


def test_no_checkout_or_no_output_is_none() -> None:
    assert Head.parse("absent\n") is None
    assert Head.parse("") is None


def test_a_config_value_keeps_its_spaces_and_ends_at_the_last_newline() -> None:
    assert Config.parse("value:a b  \n") == "a b  "
    assert Config.parse("value:FOX\n") == "FOX"
    assert Config.parse("value:\n") == ""
    assert Config.parse("unset\n") is None


def test_the_remote_prefers_the_commit_of_an_annotated_tag() -> None:
    out = f"{SHA1}\trefs/tags/v1\n{SHA2}\trefs/tags/v1^{{}}\n"
    assert Remote.parse(out) == SHA2


def test_the_remote_without_a_match_is_empty_and_without_git_none() -> None:
    assert Remote.parse("") == ""
    assert Remote.parse("@@nogit\n") is None


# -- option names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["user.email", "safe.directory", "Core.autoCRLF", "url.https://x.org/.insteadOf"]
)
def test_section_dot_key_names_are_accepted(name: str) -> None:
    assert check_option(name) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("email", "'email' is not section.key"),
        ("1x.y", "'1x.y' is not section.key"),
        ("user.e mail", "'user.e mail' is not section.key"),
        ("user.a=b", "'user.a=b' is not section.key"),
        (5, "5 is not section.key"),
    ],
)
def test_other_option_names_are_refused(name: object, message: str) -> None:
    assert check_option(name) == message


# -- git.repo -----------------------------------------------------------------------------


def test_a_checkout_reaches_its_tree() -> None:
    assert Repo().reach(RepoArgs(URL, "/srv/app")) == Reach(paths=("/srv/app",))


def test_a_checkout_whose_ref_cannot_be_resolved_yet_names_the_ref() -> None:
    # The remote was read where git was missing (None); the checkout exists in the plan
    # because an earlier op predicted it.
    a = RepoArgs(URL, "/srv/app", "v2")
    f = Facts(
        {Head.ref(path="/srv/app"): Checkout(SHA1, URL, False), Remote.ref(url=URL, ref="v2"): None}
    )
    [change] = Repo().plan(a, f)
    assert change.summary == "check out v2 (111111111111 → v2) in /srv/app"


def test_a_checkout_predicts_the_commit_the_remote_names() -> None:
    a = RepoArgs(URL, "/srv/app", "main")
    f = Facts({Head.ref(path="/srv/app"): None, Remote.ref(url=URL, ref="main"): SHA2})
    assert Repo().effects(a, f) == {Head.ref(path="/srv/app"): Checkout(SHA2, URL, False)}


def test_a_checkout_at_a_commit_predicts_that_commit_clean() -> None:
    a = RepoArgs(URL, "/srv/app", SHA1)
    f = Facts({Head.ref(path="/srv/app"): Checkout(SHA2, URL, True)})
    assert Repo().effects(a, f) == {Head.ref(path="/srv/app"): Checkout(SHA1, URL, False)}


def test_a_checkout_of_an_unknown_commit_predicts_a_new_one() -> None:
    a = RepoArgs(URL, "/srv/app", "main")
    f = Facts({Head.ref(path="/srv/app"): None, Remote.ref(url=URL, ref="main"): None})
    assert Repo().effects(a, f) == {Head.ref(path="/srv/app"): Checkout("(new)", URL, False)}


# -- git.config ---------------------------------------------------------------------------


def test_an_option_predicts_its_value_in_its_config() -> None:
    a = ConfigArgs("user.email", "ops@example.org", "/srv/app")
    assert GitConfig().effects(a, Facts({})) == {
        Config.ref(name="user.email", repo="/srv/app"): "ops@example.org"
    }
    b = ConfigArgs("safe.directory", "/srv/app")
    assert GitConfig().effects(b, Facts({})) == {
        Config.ref(name="safe.directory", repo=""): "/srv/app"
    }
