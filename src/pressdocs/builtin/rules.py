"""Built-in plugin: the notice's rules (PD101 …), registered as validators.

The rules themselves live in :mod:`pressdocs.rules`; this module only hands them to the
plugin manager, the same way a third-party plugin registers its own.
"""

from __future__ import annotations

from collections.abc import Callable

from pressdocs.capabilities import Validator
from pressdocs.hookspecs import hookimpl
from pressdocs.rules import builtin_validators

__all__ = ["register_validators"]


@hookimpl
def register_validators(register: Callable[[Validator], None]) -> None:
    """Register every built-in rule."""
    for validator in builtin_validators():
        register(validator)
