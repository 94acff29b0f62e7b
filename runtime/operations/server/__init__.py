"""server.*: commands, configuration, the system, accounts, packages. Importing the package
registers them."""

from specops.runtime.operations.server import config, packages, shell, system, users

__all__ = ["config", "packages", "shell", "system", "users"]
