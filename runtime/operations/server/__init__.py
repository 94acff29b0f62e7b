"""server.*: commands, configuration, the system, accounts. Importing the package registers them."""

from specops.runtime.operations.server import config, shell, system, users

__all__ = ["config", "shell", "system", "users"]
