"""Settings examples in the docs, checked against the package they document.

``extract`` finds the examples in a page's Python blocks without running them,
``probe`` runs in a separate interpreter to import and instantiate the backends,
``client`` talks to it, and ``analysis`` turns both into violations for the rules
in :mod:`docs_audit.checks.examples`.
"""
