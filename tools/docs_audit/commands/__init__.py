"""Subcommands that live outside ``cli.py``, each imported only when it is asked for."""
