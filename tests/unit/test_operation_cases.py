"""The operation base (runtime/core/operation.py): changes as JSON, shared argument helpers,
the defaults every op inherits, and what ``register`` puts into the catalog."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import pytest

from specops.compiler.catalog import Catalog, Declares, PathAttrs
from specops.runtime.core import operation
from specops.runtime.core.command import sh
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import Action, Change, Operation, _source, attrs_of, register
from specops.runtime.core.reach import ANYTHING, NOTHING
from specops.runtime.core.words import check_one_line

# -- changes --------------------------------------------------------------------------


def test_a_change_as_json_names_everything_it_carries() -> None:
    c = Change(
        Action.UPDATE,
        "set mode of /f",
        (sh("chmod", "0644", "/f"), sh("echo", "a b")),
        diff="-a\n+b\n",
        depends_on="seed",
        fetch=("/h/f", "/c/f"),
    )
    assert c.to_json() == {
        "action": "update",
        "summary": "set mode of /f",
        "commands": ["chmod 0644 /f", "echo 'a b'"],
        "diff": "-a\n+b\n",
        "uncertain": {"depends_on": "seed"},
        "fetch": {"from": "/h/f", "to": "/c/f"},
    }


def test_a_hidden_change_shows_no_command_and_a_plain_one_no_extra_keys() -> None:
    hidden = Change(Action.RUN, "run it", (sh("echo", "tok"), sh("true")), hidden=True)
    assert hidden.to_json() == {
        "action": "run",
        "summary": "run it",
        "commands": ["(hidden: sensitive)"],
    }
    assert Change(Action.DELETE, "remove /f", ()).to_json() == {
        "action": "delete",
        "summary": "remove /f",
        "commands": [],
    }
    assert Change(Action.CREATE, "x", (), diff="").to_json()["diff"] == ""


def test_the_symbols_a_plan_shows() -> None:
    assert [(a.name, a.value) for a in Action] == [
        ("CREATE", "+"),
        ("UPDATE", "~"),
        ("DELETE", "-"),
        ("RUN", "!"),
    ]


# -- argument helpers -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "\n", "end\r\n"])
def test_a_line_break_in_a_one_line_value_is_refused(value: str) -> None:
    assert check_one_line(value) == "must be one line: a line break would add a line to the file"


@pytest.mark.parametrize("value", ["", "a b\tc", None, 3, ["a\nb"]])
def test_other_values_pass_the_one_line_check(value: object) -> None:
    assert check_one_line(value) is None


def test_attributes_of_a_written_path() -> None:
    assert attrs_of("/f", "755", "root") == [
        PathAttrs("/f", {"mode": "0755", "user": "root"}, is_dir=False)
    ]
    assert attrs_of("/d", "2775", group="staff", is_dir=True) == [
        PathAttrs("/d", {"mode": "2775", "group": "staff"}, is_dir=True)
    ]
    assert attrs_of("/f", "7", "u", "g") == [
        PathAttrs("/f", {"mode": "0007", "user": "u", "group": "g"}, is_dir=False)
    ]
    assert attrs_of("/f", "0640") == [PathAttrs("/f", {"mode": "0640"}, is_dir=False)]


def test_a_path_given_no_mode_or_owner_has_no_attributes() -> None:
    assert attrs_of("/f") == []
    assert attrs_of("/f", None, "", "", is_dir=True) == []
    assert attrs_of("/f", "", None, None) == []


# -- what an op inherits --------------------------------------------------------------


@dataclass(frozen=True)
class ToyArgs:
    path: str
    mode: str | None = None


class Toy(Operation[ToyArgs]):
    """A toy op.

    Used by the tests only."""

    kind = "toy.thing"


class Builtin(Operation[ToyArgs]):
    kind = "toy.builtin"


Builtin.__module__ = "specops.runtime.toy"


def test_an_op_inherits_no_facts_no_effects_no_attributes_and_no_guard() -> None:
    op, a = Toy(), ToyArgs("/f")
    assert op.facts(a) == []
    assert op.effects(a, Facts()) == {}
    assert op.attributes(a) == []
    assert op.reads(a) == []
    with pytest.raises(NotImplementedError):
        op.plan(a, Facts())


def test_an_op_of_a_users_module_may_reach_anything_a_builtin_one_nothing() -> None:
    assert Toy().reach(ToyArgs("/f")) == ANYTHING
    assert Builtin().reach(ToyArgs("/f")) == NOTHING


def test_args_builds_the_dataclass() -> None:
    assert Toy().args({"path": "/f", "mode": "0600"}) == ToyArgs("/f", "0600")
    with pytest.raises(TypeError):
        Toy().args({"nope": 1})


# -- register -------------------------------------------------------------------------


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[Catalog]:
    """``register`` writes into a catalog of its own, not the shared one."""
    cat = Catalog()
    monkeypatch.setattr(operation, "CATALOG", cat)
    monkeypatch.setattr(operation, "OPERATIONS", {})
    yield cat


def test_register_copies_what_the_optimizer_needs_into_the_catalog(fresh: Catalog) -> None:
    class Rich(Operation[ToyArgs]):
        """Rich toy.

        More."""

        kind = "toy.rich"
        declares = Declares(
            identity=("path",),
            resource="path",
            part_of=("toy.whole", "content"),
            container=True,
            merge="items",
            tree=True,
            refers=(("user", "user"),),
            makes_dir=("home", "/home/{name}"),
        )

    assert register(Rich) is Rich
    t = fresh.get("toy.rich")
    assert t is not None
    assert (t.kind, t.args, t.doc, t.builtin) == (
        "toy.rich", ToyArgs, "Rich toy.\n\n        More.", False,
    )  # fmt: skip
    assert t.declares is Rich.declares
    assert t.attributes is None and t.reads is None
    assert isinstance(operation.OPERATIONS["toy.rich"], Rich)


def test_the_optimizers_knobs_outside_declares_are_refused() -> None:
    with pytest.raises(TypeError, match=r"Old: identity, resource go in declares = Declares"):

        class Old(Operation[ToyArgs]):
            kind = "toy.old"
            identity = ("path",)
            resource = "path"


def test_args_come_from_the_type_parameter(fresh: Catalog) -> None:
    assert Toy.Args is ToyArgs
    register(Toy)
    t = fresh.get(Toy.kind)
    assert t is not None and t.args is ToyArgs

    class Untyped(Operation):  # type: ignore[type-arg]
        kind = "toy.untyped"

    with pytest.raises(TypeError, match="name its arguments, Operation"):
        register(Untyped)


K = TypeVar("K")
V = TypeVar("V")


def test_only_a_dataclass_type_parameter_of_operation_names_the_args() -> None:
    # Another generic base beside Operation[...] is not read for Args (two parameters
    # would not even unpack); a type parameter that is no dataclass names nothing.
    class Paired(Operation[ToyArgs], Generic[K, V]):
        kind = "toy.paired"

    assert Paired.Args is ToyArgs

    class NotADataclass(Operation[str]):
        kind = "toy.str"

    assert "Args" not in vars(NotADataclass)
    with pytest.raises(TypeError, match="name its arguments, Operation"):
        register(NotADataclass)


def test_register_defaults_and_a_class_without_a_docstring(fresh: Catalog) -> None:
    register(Builtin)
    t = fresh.get("toy.builtin")
    assert t is not None
    assert (t.doc, t.builtin, t.declares) == ("", True, Declares())


def test_overridden_attributes_and_guard_reads_are_read_from_raw_arguments(
    fresh: Catalog,
) -> None:
    class Attr(Operation[ToyArgs]):
        kind = "toy.attr"

        def attributes(self, a: ToyArgs) -> list[PathAttrs]:
            return attrs_of(a.path, a.mode)

        def reads(self, a: ToyArgs) -> list[str]:
            return [a.path + "/guard"]

    register(Attr)
    t = fresh.get("toy.attr")
    assert t is not None and t.attributes is not None and t.reads is not None
    assert t.attributes({"path": "/f", "mode": "600"}) == [
        PathAttrs("/f", {"mode": "0600"}, is_dir=False)
    ]
    assert t.reads({"path": "/d"}) == ["/d/guard"]


def test_the_same_class_registered_again_is_one_op(fresh: Catalog) -> None:
    class Again(Operation[ToyArgs]):
        kind = "toy.again"

        def reads(self, a: ToyArgs) -> list[str]:
            return [a.path]

    register(Again)
    first = operation.OPERATIONS["toy.again"]
    register(Again)  # a new ``reads`` wrapper: a different OpType, yet the same class
    assert operation.OPERATIONS["toy.again"] is not first
    assert fresh.kinds() == ["toy.again"]


def test_another_class_under_a_taken_kind_is_refused(fresh: Catalog) -> None:
    def make(doc: str) -> type[Operation[ToyArgs]]:
        class Clash(Operation[ToyArgs]):
            kind = "toy.clash"

        Clash.__doc__ = doc
        return Clash

    register(make("one"))
    register(make("one"))  # the same file and name: the module imported twice
    renamed = make("two")
    renamed.__qualname__ = "Other"
    with pytest.raises(ValueError) as e:
        register(renamed)
    assert str(e.value) == "operation 'toy.clash' registered twice"
    moved = make("two")
    moved.__module__ = "specops.runtime.toy"  # another file, or none
    with pytest.raises(ValueError) as e:
        register(moved)
    assert str(e.value) == "operation 'toy.clash' registered twice"


def test_the_source_of_a_class_is_its_file_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _source(Toy) == __file__
    assert _source(int) is None  # built in: TypeError
    # a class typed into an interactive session: OSError
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    assert _source(type("M", (), {"__module__": "__main__"})) is None
