"""specops.runtime: connect to hosts, gather facts, plan and apply the IR.

Operation classes (``files``, ``server``) register in ``catalog.CATALOG``,
which implements the compiler's catalog protocol. The executor reads the IR;
the IR never runs itself.
"""
