"""The public surface of pressdocs.text: complete, sorted, and importable from the package."""

from __future__ import annotations

import importlib

import pytest

import pressdocs.text

SUBMODULES = ["normalize", "zishu", "dates", "phones"]


def test_all_is_sorted() -> None:
    assert pressdocs.text.__all__ == sorted(pressdocs.text.__all__)


@pytest.mark.parametrize("name", SUBMODULES)
def test_every_public_name_is_re_exported(name: str) -> None:
    module = importlib.import_module(f"pressdocs.text.{name}")
    for public in module.__all__:
        assert public in pressdocs.text.__all__
        assert getattr(pressdocs.text, public) is getattr(module, public)


def test_every_exported_name_exists_and_is_documented() -> None:
    for public in pressdocs.text.__all__:
        value = getattr(pressdocs.text, public)
        if callable(value) and hasattr(value, "__doc__") and public != "PhoneKind":
            assert value.__doc__, f"{public} has no docstring"
