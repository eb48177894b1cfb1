"""``python -m pressdocs``: the same as the ``pressdocs`` command."""

from pressdocs.cli import main

main()
