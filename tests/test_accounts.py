"""Staff accounts (账号): added, listed, their passwords changed, disabled and enabled on
the command line and through the library; what the store keeps of a password (a scrypt
hash, never the password); who may sign in, and who may decide."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli_support import CLEAN_ENV, HAN
from pressdocs import Account, Pressdocs, Role, StoreError, schemas
from pressdocs._accounts import hash_password, verify_password
from pressdocs.cli import cli

PASSWORD = "春风又绿江南岸-2021"


def run(store: Path, *args: str, input: str | None = None) -> Result:
    """``pressdocs --store STORE ARGS`` in-process, ``input`` on standard input (the
    terminal's answers to the password prompts)."""
    return CliRunner(env=CLEAN_ENV).invoke(cli, ["--store", str(store), *args], input=input)


def audit(store: Path) -> list[dict[str, Any]]:
    result = run(store, "audit", "--json")
    assert result.exit_code == 0, result.output
    trail = json.loads(result.stdout)
    schemas.validate("audit", trail)
    return list(trail["entries"])


def store_bytes(store: Path) -> bytes:
    """Everything the store's database holds on disk (its write-ahead log too)."""
    return b"".join(p.read_bytes() for p in sorted(store.glob("*.sqlite3*")))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


# --- on the command line -------------------------------------------------------------------


def test_add_asks_the_password_twice_hidden_and_keeps_only_its_hash(store: Path) -> None:
    added = run(store, "users", "add", "李处长", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert "已添加账号 李处长（审核员）" in added.stdout
    assert PASSWORD not in added.output  # hide_input: nothing typed is echoed
    assert "密码" in added.stderr and "再输入一次密码" in added.stderr
    kept = store_bytes(store)
    assert PASSWORD.encode() not in kept and "春风又绿".encode() not in kept
    with sqlite3.connect(store / "pressdocs.sqlite3") as db:
        (stored,) = db.execute("SELECT password_hash FROM accounts WHERE name = '李处长'").fetchone()
    assert stored.startswith("scrypt$16384$8$1$")
    with Pressdocs(store=store) as pd:
        assert pd.authenticate("李处长", PASSWORD) == pd.user("李处长")
        assert pd.authenticate("李处长", PASSWORD + "x") is None


def test_two_different_passwords_typed_are_asked_again(store: Path) -> None:
    result = run(store, "users", "add", "王科长", "--role", "viewer",
                 input=f"{PASSWORD}\n{PASSWORD}!\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "两次输入的密码不一致" in result.stderr
    with Pressdocs(store=store) as pd:
        assert pd.authenticate("王科长", PASSWORD) is not None
        assert pd.authenticate("王科长", PASSWORD + "!") is None


def test_a_short_password_is_refused_in_chinese(store: Path) -> None:
    typed = run(store, "users", "add", "wang", input="short\nshort\nshort\n")
    assert typed.exit_code == 2
    assert "密码太短：至少要 8 个字符，这个只有 5 个" in typed.stderr
    piped = run(store, "users", "add", "wang", "--password-stdin", input="1234567\n")
    assert piped.exit_code == 2 and "密码太短" in piped.stderr
    english = run(store, "users", "add", "wang", "--password-stdin", "--lang", "en",
                  input="1234567\n")
    assert "the password is too short: it needs at least 8 characters" in english.stderr
    assert not HAN.search(english.stderr)
    with Pressdocs(store=store) as pd:
        assert pd.users() == []


def test_a_name_taken_also_in_another_case_is_refused_in_chinese(store: Path) -> None:
    assert run(store, "users", "add", "LiMing", "--password-stdin",
               input=f"{PASSWORD}\n").exit_code == 0
    for name in ("LiMing", "liming", "LIMING"):
        again = run(store, "users", "add", name, "--password-stdin", input="another-pw\n")
        assert again.exit_code == 2
        assert "账号 LiMing 已经存在（账号名不区分大小写）" in again.stderr
    with Pressdocs(store=store) as pd:
        assert [a.name for a in pd.users()] == ["LiMing"]
        assert pd.authenticate("liming", PASSWORD) is not None  # signs in in any case
        assert pd.authenticate("liming", "another-pw") is None


def test_list_passwd_disable_enable_and_the_audit_trail(store: Path) -> None:
    for name, role in (("李处长", "reviewer"), ("小张", "viewer")):
        result = run(store, "users", "add", name, "--role", role, "--password-stdin",
                     "--as", "管理员", input=f"{PASSWORD}\n")
        assert result.exit_code == 0, result.output
    listed = run(store, "users", "list")
    assert listed.exit_code == 0
    assert "账号（2 个）" in listed.stdout
    assert "查看者" in listed.stdout and "审核员" in listed.stdout and "启用" in listed.stdout
    assert "scrypt" not in listed.stdout

    changed = run(store, "users", "passwd", "小张", "--password-stdin", input="新的口令-2021\n")
    assert changed.exit_code == 0 and "已修改账号 小张 的密码" in changed.stdout
    disabled = run(store, "users", "disable", "小张")
    assert disabled.exit_code == 0 and "已停用账号 小张" in disabled.stdout
    twice = run(store, "users", "disable", "小张")
    assert twice.exit_code == 2 and "账号 小张 已经停用" in twice.stderr
    with Pressdocs(store=store) as pd:
        assert pd.authenticate("小张", "新的口令-2021") is None  # disabled
    enabled = run(store, "users", "enable", "小张", "--lang", "en")
    assert enabled.exit_code == 0 and "enabled account 小张 (viewer)" in enabled.stdout
    with Pressdocs(store=store) as pd:
        assert pd.authenticate("小张", PASSWORD) is None  # the old password is gone
        assert pd.authenticate("小张", "新的口令-2021") is not None
    unknown = run(store, "users", "passwd", "老王", "--password-stdin", input=f"{PASSWORD}\n")
    assert unknown.exit_code == 2
    assert "没有账号 老王（现有账号：小张、李处长）" in unknown.stderr

    trail = audit(store)
    assert [(e["action"], e["subject"], e["previous"], e["state"]) for e in trail] == [
        ("user_add", "user:李处长", "", "active"),
        ("user_add", "user:小张", "", "active"),
        ("user_password", "user:小张", "active", "active"),
        ("user_disable", "user:小张", "active", "disabled"),
        ("user_enable", "user:小张", "disabled", "active"),
    ]
    assert trail[0]["actor"] == "管理员" and trail[0]["action_label"] == "添加账号"
    assert trail[1]["data"] == {"name": "小张", "role": "viewer"}
    text = json.dumps(trail, ensure_ascii=False)
    assert PASSWORD not in text and "新的口令" not in text and "scrypt" not in text
    shown = run(store, "audit")
    assert "修改密码" in shown.stdout and "停用账号" in shown.stdout


def test_users_list_json_validates_against_its_schema(store: Path) -> None:
    empty = run(store, "users", "list", "--json")
    assert json.loads(empty.stdout) == {"users": []}
    assert "还没有账号" in run(store, "users", "list").stdout
    run(store, "users", "add", "Reviewer1", "--password-stdin", input=f"{PASSWORD}\n")
    run(store, "users", "add", "查看员", "--role", "viewer", "--password-stdin",
        input=f"{PASSWORD}\n")
    run(store, "users", "disable", "reviewer1")
    result = run(store, "users", "list", "--json", "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    schemas.validate("users", data)
    assert [(u["name"], u["role"], u["role_label"], u["disabled"], u["can_decide"])
            for u in data["users"]] == [("Reviewer1", "reviewer", "reviewer", True, False),
                                        ("查看员", "viewer", "viewer", False, False)]
    assert "password" not in json.dumps(data).replace("password_changed_at", "")
    assert json.loads(run(store, "schema", "users").stdout) == schemas.load("users")


def test_bad_names_and_roles_are_refused_before_the_password_is_asked(store: Path) -> None:
    spaced = run(store, "users", "add", "李 处长")
    assert spaced.exit_code == 2 and "含有空格、换行或看不见的字符" in spaced.stderr
    assert "密码" not in spaced.stderr.replace("看不见", "")  # never prompted
    long = run(store, "users", "add", "x" * 65)
    assert long.exit_code == 2 and "账号名须为 1 到 64 个字符" in long.stderr
    role = run(store, "users", "add", "小李", "--role", "admin")
    assert role.exit_code == 2 and "admin" in role.stderr
    empty = run(store, "users", "add", "小李", "--password-stdin", input="\n")
    assert empty.exit_code == 2 and "标准输入中没有密码" in empty.stderr


# --- the library ---------------------------------------------------------------------------


def test_library_roles_and_who_may_decide(store: Path) -> None:
    with Pressdocs(store=store) as pd:
        reviewer = pd.add_user("李处长", PASSWORD, by="管理员")
        viewer = pd.add_user("小张", PASSWORD, role=Role.VIEWER)
        assert isinstance(reviewer, Account) and reviewer.role is Role.REVIEWER
        assert reviewer.can_decide and Role.REVIEWER.can_decide
        assert not viewer.can_decide and not Role.VIEWER.can_decide
        assert (Role.REVIEWER.zh, Role.VIEWER.label("en")) == ("审核员", "viewer")
        off = pd.disable_user("李处长")
        assert off.disabled and not off.can_decide
        assert pd.authenticate("李处长", PASSWORD) is None
        assert pd.enable_user("李处长").can_decide
        assert pd.user("nobody") is None and pd.user("李 处长") is None
        assert pd.authenticate("nobody", PASSWORD) is None
        assert pd.authenticate("", "") is None
        assert "password" not in repr(pd.store.account("李处长")).replace("password_changed", "")
        with pytest.raises(StoreError, match="没有角色 admin"):
            pd.add_user("老王", PASSWORD, role="admin")
        with pytest.raises(StoreError, match="已经存在"):
            pd.add_user(" 李处长 ", PASSWORD)  # blanks around a name are not part of it
        with pytest.raises(StoreError, match="密码太短"):
            pd.set_password("李处长", "1234567")
        entries = pd.audit()
        assert [e.action for e in entries] == ["user_add", "user_add", "user_disable",
                                               "user_enable"]
        assert entries[0].actor == "管理员"
        assert all(PASSWORD not in json.dumps(e.to_dict(), ensure_ascii=False)
                   for e in entries)


def test_password_hashes_verify_and_malformed_ones_are_false() -> None:
    stored = hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert hash_password(PASSWORD) != stored  # a new salt each time
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD[:-1], stored)
    # typed in a Chinese input method's full-width mode, it is the same password
    assert verify_password("ｓｅｃｒｅｔ１２３", hash_password("secret123"))
    for broken in ("", "plain-text", stored.replace("scrypt", "bcrypt"),
                   stored.rsplit("$", 1)[0], f"{stored}$extra", stored.replace(salt, "!!"),
                   stored.replace("$16384$", "$1000$"), stored.replace("$16384$", "$0$"),
                   stored.replace("$16384$", "$1073741824$"), stored.replace(digest, "AAAA"),
                   "scrypt$16384$8$1$$"):
        assert verify_password(PASSWORD, broken) is False, broken


def test_a_store_from_before_accounts_is_upgraded(tmp_path: Path) -> None:
    from pressdocs.store import SQLiteStore
    from pressdocs.store.migrations import MIGRATIONS

    store = tmp_path / "old"
    SQLiteStore(store, migrations=MIGRATIONS[:9]).close()
    with Pressdocs(store=store) as pd:
        assert pd.users() == []
        pd.add_user("李处长", PASSWORD)
        assert pd.authenticate("李处长", PASSWORD) is not None


def test_an_unknown_name_costs_one_scrypt_like_a_known_one(store: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a name exists does not show in how long signing in takes."""
    import hashlib

    from pressdocs import _accounts

    with Pressdocs(store=store) as pd:
        pd.add_user("李处长", PASSWORD)
        calls: list[int] = []
        real = hashlib.scrypt

        def counted(*args: Any, **kwargs: Any) -> bytes:
            calls.append(kwargs["n"])
            return real(*args, **kwargs)

        monkeypatch.setattr(_accounts.hashlib, "scrypt", counted)
        for name in ("李处长", "nobody", "李 处长", ""):
            calls.clear()
            assert pd.authenticate(name, "wrong-password") is None
            assert calls == [2 ** 14], name
