"""Settings examples in the docs, checked against the package they document.

- ``extract``: finds the examples in a page's Python blocks without running them.
- ``static``: what the page alone shows to be wrong, and what to send to the probe.
- ``probe`` (with ``validators``): runs in a separate interpreter, imports and
  instantiates the backends and asks the programs' own parsers about the arguments.
- ``client``: starts the probe once per run and reads its answer.
- ``verdicts``, ``received``, ``paths``: the probe's answer as violations.
- ``analysis``: the one pass that ties them together for the rules in
  :mod:`docs_audit.checks.examples`; ``options`` is its configuration table.
"""
