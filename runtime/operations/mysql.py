"""MySQL and MariaDB: mysql.database and mysql.user.

specops talks to the server as the host's root user through the local socket
(Debian's MariaDB lets root in by unix_socket authentication). SQL goes to
``mysql`` on stdin; names are checked against a strict pattern before they
reach SQL, and passwords are escaped and shown as ``***``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specops.compiler.catalog import Declares, arg
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import Action, Change, Operation, register
from specops.runtime.facts.mysql import Databases, Grants, run_sql, sql_string

IDENT = re.compile(r"^[A-Za-z0-9_]{1,64}$")
HOST = re.compile(r"^[A-Za-z0-9_.%:-]{1,255}$")
# Account names are quoted wherever they are used; MariaDB takes up to 80 characters.
ACCOUNT = re.compile(r"^[A-Za-z0-9_.$-]{1,80}$")


def check_ident(v: Any) -> str | None:
    return (
        None
        if isinstance(v, str) and IDENT.match(v)
        else f"{v!r} is not a plain name (letters, digits, _)"
    )


def check_account(v: Any) -> str | None:
    ok = isinstance(v, str) and ACCOUNT.match(v)
    return None if ok else f"{v!r} is not an account name (letters, digits, _ . $ -)"


def check_host(v: Any) -> str | None:
    return None if isinstance(v, str) and HOST.match(v) else f"{v!r} is not a host pattern"


@dataclass(frozen=True)
class DatabaseArgs:
    name: str = arg(doc="Database name (letters, digits, _).", check=check_ident)
    present: bool = arg(True, doc="false drops the database, with all its data.")
    encoding: str = arg("utf8mb4", doc="Character set of a new database.", check=check_ident)


@register
class Database(Operation[DatabaseArgs]):
    """Ensure a MySQL/MariaDB database exists (or does not).

    The server may be installed and started earlier in the same run.
    Example: ``[ops.db] op = "mysql.database"  name = "shop"``
    """

    kind = "mysql.database"
    declares = Declares(identity=("name",))

    def facts(self, a: DatabaseArgs) -> list[FactRef[Any]]:
        return [Databases.ref()]

    def plan(self, a: DatabaseArgs, f: Facts) -> list[Change]:
        dbs = f[Databases.ref()]
        note = " (server not running yet)" if dbs is None else ""
        if a.present and (dbs is None or a.name not in dbs):
            sql = f"CREATE DATABASE IF NOT EXISTS `{a.name}` CHARACTER SET {a.encoding}"
            return [Change(Action.CREATE, f"create database {a.name}{note}", (run_sql(sql),))]
        if not a.present and dbs is not None and a.name in dbs:
            sql = f"DROP DATABASE IF EXISTS `{a.name}`"
            return [Change(Action.DELETE, f"drop database {a.name}", (run_sql(sql),))]
        return []

    def effects(self, a: DatabaseArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        cur: list[str] | None = f[Databases.ref()]
        dbs = set(cur or [])
        dbs = dbs | {a.name} if a.present else dbs - {a.name}
        return {Databases.ref(): sorted(dbs)}


@dataclass(frozen=True)
class UserArgs:
    name: str = arg(doc="Account name.", check=check_account)
    password: str | None = arg(
        None,
        doc="Password, set when the account is created (an existing one keeps its own); "
        "without one the account authenticates as the server's default plugin says "
        "(unix_socket for local accounts on Debian's MariaDB).",
        secret=True,
    )
    host: str = arg(
        "localhost", doc="Where it may connect from (a host pattern).", check=check_host
    )
    database: str | None = arg(
        None, doc="Grant privileges on this database's tables.", check=check_ident
    )
    privileges: str = arg(
        "ALL PRIVILEGES",
        doc='The grant, as SHOW GRANTS prints it: "ALL PRIVILEGES" or e.g. "SELECT, INSERT".',
        check=lambda v: (
            None if re.fullmatch(r"[A-Z ,]+", v) else "upper-case privilege names, comma-separated"
        ),
    )
    present: bool = arg(True, doc="false drops the account.")


def _grant_line(a: UserArgs) -> str:
    return f"GRANT {a.privileges} ON `{a.database}`.* TO `{a.name}`@`{a.host}`"


@register
class User(Operation[UserArgs]):
    """Ensure a MySQL/MariaDB account exists with privileges on one database (or is dropped).

    The password is set only when the account is created.
    Example: ``[ops.db_user] op = "mysql.user"  name = "shop"  password = "${db_password}"
    database = "shop"``
    """

    kind = "mysql.user"
    declares = Declares(identity=("name", "host"))

    def facts(self, a: UserArgs) -> list[FactRef[Any]]:
        return [Grants.ref(user=a.name, host=a.host)]

    def plan(self, a: UserArgs, f: Facts) -> list[Change]:
        grants = f[Grants.ref(user=a.name, host=a.host)]
        who = f"{sql_string(a.name)}@{sql_string(a.host)}"
        if not a.present:
            if not grants:
                return []
            return [
                Change(
                    Action.DELETE,
                    f"drop account {a.name}@{a.host}",
                    (run_sql(f"DROP USER IF EXISTS {who}"),),
                )
            ]
        out = []
        if not grants:
            note = " (server not running yet)" if grants is None else ""
            sql = f"CREATE USER IF NOT EXISTS {who}"
            if a.password is not None:
                sql += f" IDENTIFIED BY {sql_string(a.password)}"
            out.append(
                Change(
                    Action.CREATE,
                    f"create account {a.name}@{a.host}{note}",
                    (run_sql(sql, a.password is not None),),
                )
            )
        if a.database and _grant_line(a) not in (grants or []):
            sql = f"GRANT {a.privileges} ON `{a.database}`.* TO {who}"
            out.append(
                Change(
                    Action.UPDATE,
                    f"grant {a.privileges} on {a.database} to {a.name}@{a.host}",
                    (run_sql(sql),),
                )
            )
        return out

    def effects(self, a: UserArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        ref = Grants.ref(user=a.name, host=a.host)
        if not a.present:
            return {ref: []}
        cur: list[str] | None = f[ref]
        grants = list(cur or [f"GRANT USAGE ON *.* TO `{a.name}`@`{a.host}`"])
        if a.database and _grant_line(a) not in grants:
            grants.append(_grant_line(a))
        return {ref: grants}
