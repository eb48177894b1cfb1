"""Meta-tests: the public surface is complete, every hook is documented and tested."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pressdocs
from pressdocs import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(name for name, f in inspect.getmembers(hookspecs, inspect.isfunction)
               if hasattr(f, "pressdocs_spec"))
#: The modules whose names are the public surface (all re-exported from ``pressdocs``).
PUBLIC_MODULES = ("models", "errors", "capabilities", "config", "hookspecs", "events")
#: Packages of their own: the command line, the pure text functions, the JSON Schemas, and
#: the parts behind the API (built-in plugins, forms, mail, rules, store) — documented as
#: internal in the package's docstring; and the review desk, whose app and security
#: helpers plugins adding pages use.
PACKAGES = ("builtin", "cli", "extract", "forms", "locale", "mail", "ocr", "rules", "schemas", "store",
            "templates", "text", "web")


def test_there_are_hooks() -> None:
    assert len(HOOKS) >= 10


def test_every_hook_is_documented_with_its_exact_signature() -> None:
    doc = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## `(.+)`$", doc, flags=re.MULTILINE))
    for name in HOOKS:
        sig = str(inspect.signature(getattr(hookspecs, name))).replace("'", "")
        assert f"{name}{sig}" in headings, f"docs/hooks.md lacks the heading for {name}{sig}"
    documented = {h.split("(")[0] for h in headings}
    assert documented == set(HOOKS), "docs/hooks.md documents a hook that does not exist"


def test_every_hook_has_a_test() -> None:
    tree = ast.parse((ROOT / "tests" / "test_hooks.py").read_text(encoding="utf-8"))
    tests = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    missing = [h for h in HOOKS if f"test_hook_{h}" not in tests]
    assert not missing, f"hooks without a test_hook_<name> in tests/test_hooks.py: {missing}"


def test_every_hook_spec_is_typed_and_explained() -> None:
    for name in HOOKS:
        func = getattr(hookspecs, name)
        assert func.__doc__ and "Called" in func.__doc__, name
        sig = inspect.signature(func)
        assert sig.return_annotation != inspect.Signature.empty, name
        for param in sig.parameters.values():
            assert param.annotation != inspect.Parameter.empty, f"{name}({param.name})"


def _isort_style(name: str) -> tuple[int, str]:
    """The order ruff keeps ``__all__`` in (RUF022): CONSTANTS, then Classes, then the rest."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


def test_public_all_is_sorted_and_resolves() -> None:
    names = pressdocs.__all__
    assert list(names) == sorted(names, key=_isort_style)
    for name in names:
        assert hasattr(pressdocs, name), name


def test_public_all_is_complete() -> None:
    """Every public name of the public modules is re-exported from ``pressdocs``."""
    exported = set(pressdocs.__all__)
    internal = {"PROJECT_NAME", "hookspec", "CAPABILITY_KINDS", "find_config_file",
                "check_config"}
    for modname in PUBLIC_MODULES:
        module = getattr(__import__(f"pressdocs.{modname}"), modname)
        missing = set(module.__all__) - exported - internal
        assert not missing, f"pressdocs.{modname} exports {missing} but pressdocs does not"


def test_modules_behind_the_api_are_private() -> None:
    """As HTTPX does: a module a caller may import has a plain name; every other one
    starts with an underscore."""
    package = ROOT / "src" / "pressdocs"
    plain = {p.stem for p in package.glob("*.py") if not p.stem.startswith("_")}
    assert plain == set(PUBLIC_MODULES)
    assert {p.name for p in package.iterdir() if p.is_dir() and not p.name.startswith("_")
            and not p.name.endswith(".egg-info")} == set(PACKAGES)


def test_version_is_the_package_metadata_version() -> None:
    from importlib.metadata import version

    assert pressdocs.__version__ == version("pressdocs")


def test_importing_pressdocs_and_asking_the_version_stay_light() -> None:
    """``import pressdocs`` loads neither the document readers nor the mail intake, and
    ``pressdocs --version`` not even the plugins: they load when a command needs them."""
    import subprocess
    import sys

    heavy = ("pressdocs._intake", "pressdocs._pipeline", "pressdocs._reading", "docx", "pypdf",
             "openpyxl", "imapclient", "jsonschema", "phonenumbers", "chinese_calendar")
    probe = ("import sys, pressdocs; "
             "print(' '.join(m for m in sys.modules if m in sys.argv[1:]))")
    loaded = subprocess.run([sys.executable, "-c", probe, *heavy], capture_output=True,
                            text=True, check=True).stdout.split()
    assert loaded == []
    probe = ("import sys; from pressdocs.cli import main; sys.argv = ['pressdocs', '--version']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(' '.join(m for m in sys.modules if m.startswith('pressdocs.builtin')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "pressdocs" and out[2:] == []  # "pressdocs X.Y.Z", no built-in plugin


def test_the_result_types_are_public_and_load_when_named() -> None:
    for name in ("BatchReport", "MessageOutcome", "ReadResult", "PlanStatusReport",
                 "AnnualReport", "PlanImport", "RuleInfo", "PlanState", "PlanItemStatus"):
        assert name in pressdocs.__all__
        assert getattr(pressdocs, name).__name__ == name
