"""files.*: paths, content, edits, transfers, trees. Importing the package registers them."""

from specops.runtime.operations.files import basic, edit, get, sync, transfer, tree

__all__ = ["basic", "edit", "get", "sync", "transfer", "tree"]
