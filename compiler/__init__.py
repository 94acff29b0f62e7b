"""specops.compiler: spec files and Python deploys in, operation IR out.

Stages, each a module with its own input and output types:
``load`` (``load_toml``/``load_yaml``) -> ``Document``; ``spec`` (validate and
expand) -> ``Spec``; ``lower`` -> per-host ``OpNode`` lists; ``optimize`` -> the
same, deduplicated and ordered. The compiler never talks to a host and never
imports ``specops.runtime``: the operation catalog it validates against is
passed in (see ``catalog``).
"""
