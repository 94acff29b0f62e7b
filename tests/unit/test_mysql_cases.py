"""mysql.database and mysql.user (runtime/operations/mysql.py), expected values by hand: names that
may reach SQL, string escaping, rows read from the server, the SQL a new account runs
and what each op predicts for the ops after it."""

from __future__ import annotations

import pytest

from specops.runtime.core.command import Secret
from specops.runtime.core.fact import Facts
from specops.runtime.facts.mysql import Databases, Grants, sql_string
from specops.runtime.operations.mysql import (
    Database,
    DatabaseArgs,
    User,
    UserArgs,
    check_account,
    check_host,
    check_ident,
)

# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["shop", "Shop_2", "utf8mb4", "x" * 64])
def test_plain_identifiers_are_accepted(name: str) -> None:
    assert check_ident(name) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("shop-db", "'shop-db' is not a plain name (letters, digits, _)"),
        ("x" * 65, f"'{'x' * 65}' is not a plain name (letters, digits, _)"),
        ("", "'' is not a plain name (letters, digits, _)"),
        (5, "5 is not a plain name (letters, digits, _)"),
    ],
)
def test_other_identifiers_are_refused(name: object, message: str) -> None:
    assert check_ident(name) == message


def test_account_names_take_dots_dollars_and_dashes() -> None:
    assert check_account("shop.app$1-x") is None
    assert check_account("a b") == "'a b' is not an account name (letters, digits, _ . $ -)"
    assert check_account("a'b") == '"a\'b" is not an account name (letters, digits, _ . $ -)'
    assert check_account(5) == "5 is not an account name (letters, digits, _ . $ -)"


def test_host_patterns_take_wildcards_and_addresses() -> None:
    assert check_host("localhost") is None
    assert check_host("10.0.%") is None
    assert check_host("::1") is None
    assert check_host("a b") == "'a b' is not a host pattern"
    assert check_host("") == "'' is not a host pattern"
    assert check_host(5) == "5 is not a host pattern"


# -- SQL strings --------------------------------------------------------------------------


def test_sql_strings_double_quotes_and_escape_backslashes() -> None:
    assert sql_string("plain") == "'plain'"
    assert sql_string("it's") == "'it''s'"
    assert sql_string("a\\b") == "'a\\\\b'"
    assert sql_string("\\'") == "'\\\\'''"


# -- rows read from the server ------------------------------------------------------------


def test_databases_are_the_non_empty_rows() -> None:
    assert Databases.parse("information_schema\n\nshop\n") == ["information_schema", "shop"]


def test_a_server_that_does_not_answer_is_none() -> None:
    assert Databases.parse("@@down\n") is None
    assert Grants.parse("@@down\n") is None


def test_a_database_named_like_the_marker_is_a_database() -> None:
    # SHOW DATABASES sorts "@@down" first; the server answered, so the rows are the list.
    assert Databases.parse("@@down\ninformation_schema\nmysql\n") == [
        "@@down",
        "information_schema",
        "mysql",
    ]


def test_an_account_that_does_not_exist_has_no_grants() -> None:
    assert Grants.parse("@@nouser\n") == []


# -- mysql.database: effects --------------------------------------------------------------


def test_a_database_predicts_itself_among_the_others_in_order() -> None:
    f = Facts({Databases.ref(): ["sys", "mysql"]})
    assert Database().effects(DatabaseArgs("shop"), f) == {
        Databases.ref(): ["mysql", "shop", "sys"]
    }


def test_a_database_on_a_server_not_running_yet_predicts_only_itself() -> None:
    f = Facts({Databases.ref(): None})
    assert Database().effects(DatabaseArgs("shop"), f) == {Databases.ref(): ["shop"]}


def test_a_dropped_database_predicts_the_others() -> None:
    f = Facts({Databases.ref(): ["shop", "mysql"]})
    assert Database().effects(DatabaseArgs("shop", present=False), f) == {
        Databases.ref(): ["mysql"]
    }
    assert Database().effects(DatabaseArgs("gone", present=False), f) == {
        Databases.ref(): ["mysql", "shop"]
    }


# -- mysql.user ---------------------------------------------------------------------------


def test_a_new_account_with_a_password_runs_the_whole_statement_as_a_secret() -> None:
    a = UserArgs("shop", password="pa'ss")
    [change] = User().plan(a, Facts({Grants.ref(user="shop", host="localhost"): []}))
    [cmd] = change.commands
    assert cmd.parts[1] == Secret(
        "CREATE USER IF NOT EXISTS 'shop'@'localhost' IDENTIFIED BY 'pa''ss'"
    )
    assert cmd.display() == "printf '%s\\n' *** | mysql -N -B"


def test_a_dropped_account_predicts_no_grants() -> None:
    ref = Grants.ref(user="shop", host="%")
    f = Facts({ref: ["GRANT USAGE ON *.* TO `shop`@`%`"]})
    assert User().effects(UserArgs("shop", host="%", present=False), f) == {ref: []}


def test_a_new_account_predicts_usage_and_its_grant() -> None:
    ref = Grants.ref(user="shop", host="localhost")
    a = UserArgs("shop", database="shop")
    assert User().effects(a, Facts({ref: None})) == {
        ref: [
            "GRANT USAGE ON *.* TO `shop`@`localhost`",
            "GRANT ALL PRIVILEGES ON `shop`.* TO `shop`@`localhost`",
        ]
    }
    assert User().effects(UserArgs("shop"), Facts({ref: []})) == {
        ref: ["GRANT USAGE ON *.* TO `shop`@`localhost`"]
    }


def test_an_account_keeps_its_grants_and_gains_the_missing_one_once() -> None:
    ref = Grants.ref(user="shop", host="localhost")
    usage = "GRANT USAGE ON *.* TO `shop`@`localhost` IDENTIFIED BY PASSWORD '*D8'"
    grant = "GRANT SELECT, INSERT ON `shop`.* TO `shop`@`localhost`"
    a = UserArgs("shop", database="shop", privileges="SELECT, INSERT")
    assert User().effects(a, Facts({ref: [usage]})) == {ref: [usage, grant]}
    assert User().effects(a, Facts({ref: [usage, grant]})) == {ref: [usage, grant]}
    assert User().effects(UserArgs("shop"), Facts({ref: [usage, grant]})) == {ref: [usage, grant]}
