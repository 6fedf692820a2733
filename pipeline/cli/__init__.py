"""The ``wirewatch`` command line (``pipeline.cli:main``): one module per command, ``_main`` builds the
argparse tree. Building it imports nothing heavy: each command imports what it needs when it runs."""

from ._main import COMMANDS, build_parser, main

__all__ = ["main", "build_parser", "COMMANDS"]
