"""Facts about the local MySQL/MariaDB server: its databases (``mysql.Databases``) and
an account's grants (``mysql.Grants``), and the SQL plumbing the ``mysql.*`` ops share
with them. SQL goes to ``mysql -N -B`` on stdin as the host's root user; a read prints
@@down, not an error, when no server answers (it may be installed later in the run)."""

from __future__ import annotations

from dataclasses import dataclass

from specops.compiler.catalog import arg
from specops.runtime.core.command import Command, raw, secret, sh
from specops.runtime.core.fact import Fact, NoParams


def sql_string(v: str) -> str:
    return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'"


def run_sql(sql: str, sensitive: bool = False) -> Command:
    return sh(raw("printf '%s\\n'"), secret(sql) if sensitive else sql, raw("| mysql -N -B"))


def _query(sql: str) -> Command:
    """A read-only query: its rows, or @@down when the server cannot be reached."""
    return sh(
        raw("if command -v mysql >/dev/null && out=$(printf '%s\\n'"), sql,
        raw("| mysql -N -B 2>/dev/null); then printf '%s\\n' \"$out\"; else echo @@down; fi"),
    )  # fmt: skip


def _rows(output: str) -> list[str] | None:
    lines = [x for x in output.splitlines() if x.strip()]
    # @@down is printed alone; a database named @@down is a first row among others
    return None if lines == ["@@down"] else lines


class Databases(Fact[list[str] | None]):
    """Databases on the local server; None when no server answers (not installed or stopped)."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return _query("SHOW DATABASES")

    @classmethod
    def parse(cls, output: str) -> list[str] | None:
        return _rows(output)


@dataclass(frozen=True)
class GrantsParams:
    """The parameters of ``Grants``."""

    user: str = arg(doc="MySQL account name.")
    host: str = arg(doc="MySQL account host.")


class Grants(Fact[list[str] | None]):
    """An account's grants (``SHOW GRANTS``): [] if there is no such account, None if no server."""

    Params = GrantsParams

    @classmethod
    def command(cls, p: GrantsParams) -> Command:
        who = f"{sql_string(p.user)}@{sql_string(p.host)}"
        user, host = sql_string(p.user), sql_string(p.host)
        exists = f"SELECT COUNT(*) FROM mysql.user WHERE user={user} AND host={host}"
        return sh(
            raw("if command -v mysql >/dev/null && n=$(printf '%s\\n'"), exists,
            raw("| mysql -N -B 2>/dev/null); then if [ \"$n\" -gt 0 ]; then printf '%s\\n'"),
            f"SHOW GRANTS FOR {who}", raw("| mysql -N -B; else echo @@nouser; fi;"),
            raw("else echo @@down; fi"),
        )  # fmt: skip

    @classmethod
    def parse(cls, output: str) -> list[str] | None:
        rows = _rows(output)
        if rows == ["@@nouser"]:
            return []
        return rows
