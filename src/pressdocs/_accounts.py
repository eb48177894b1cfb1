"""Staff accounts (账号): who may sign in to the review desk, and what each may do.

The office's staff sign in to ``pressdocs serve`` with an account kept in the store.  An
account has a name (the one the audit trail records for its decisions), a role, and a
password:

- **roles** (:class:`Role`): a reviewer (审核员) may approve, return and waive, and mark
  plan items; a viewer (查看者) reads only.  A disabled account (停用) signs in no more,
  whatever its role; it is kept, so that the audit trail's names still point at it.
- **names**: 1 to 64 characters, no whitespace or control characters (what is shown is
  what is typed); case is kept as given, but two names differing only in case are one
  account (``Li`` and ``li``).  Names are compared in Unicode NFC, blanks around them
  dropped.
- **passwords** are never kept, only a hash made with scrypt, the standard library's
  memory-hard key derivation function (``hashlib.scrypt``: N = 2¹⁴, r = 8, p = 1 — 16 MiB
  and tens of milliseconds per guess — 32 bytes, a random 16-byte salt per password).
  The hash is stored as one self-describing string, ``scrypt$16384$8$1$<salt>$<hash>``
  (base64), so that the parameters can be raised later without breaking the hashes
  already kept.  A password has at least 8 characters; it is normalised (Unicode NFKC)
  before hashing, so that a password typed with a Chinese input method in full-width
  mode (ａｂｃ) is the one typed in half-width (abc).
- **signing in** (:func:`authenticate`) answers the same ``None`` for an unknown name, a
  wrong password and a disabled account, and takes as long for an unknown name as for a
  known one (a scrypt against a fixed dummy hash), so that nobody learns which names
  exist.  Rate limiting failed sign-ins is the web app's.

Every change — an account added, a password changed, an account disabled or enabled — is
an entry in the audit trail (``user_add``, ``user_password``, ``user_disable``,
``user_enable``, about ``user:NAME``), written in the same transaction; no entry holds the
password or its hash.  :class:`pressdocs.Pressdocs` exposes this as ``add_user``,
``users``, ``user``, ``set_password``, ``disable_user``, ``enable_user`` and
``authenticate``; ``pressdocs users`` is the command line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pressdocs._review import current_actor
from pressdocs.errors import StoreError
from pressdocs.models import Labelled
from pressdocs.text.dates import office_time

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs.store import AccountRecord, Store

__all__ = ["MAX_NAME", "MIN_PASSWORD", "Account", "Role", "add_user", "authenticate",
           "check_password", "disable_user", "enable_user", "hash_password", "normal_name",
           "require_user", "set_password", "user", "users", "verify_password"]

#: The fewest characters a password may have.
MIN_PASSWORD = 8
#: The most characters a password may have (a sanity limit, not a policy).
MAX_PASSWORD = 1024
#: The most characters an account name may have.
MAX_NAME = 64

# scrypt's parameters for new hashes: 128 · r · N = 16 MiB of memory per hash.
_N, _R, _P, _DKLEN, _SALT = 2 ** 14, 8, 1, 32, 16
#: The most memory a stored hash may ask scrypt for (a hash from a later release with
#: stronger parameters still verifies; a tampered one cannot exhaust the machine).
_MAX_MEMORY = 256 * 2 ** 20
#: A hash of a random password nobody knows: what an unknown name is checked against.
_DUMMY_HASH = ("scrypt$16384$8$1$kG79cyw8/11yS/LFCa4DmA==$"
               "OvSAg5ezo5Dq8FKdLN5kb2RQnv9fU5CwNJTyqS+fabI=")


class Role(Labelled):
    """What an account may do: a reviewer (审核员) approves, returns, waives and marks plan
    items; a viewer (查看者) reads only."""

    REVIEWER = "reviewer"
    VIEWER = "viewer"

    @property
    def can_decide(self) -> bool:
        """Whether the role may change anything (decide, waive, mark the plan)."""
        return self is Role.REVIEWER


@dataclass(frozen=True)
class Account:
    """A staff account, without its password hash: its name, role, when it was made,
    whether it is disabled (停用), and when its password was last set."""

    name: str
    role: Role
    created_at: datetime
    disabled: bool = False
    password_changed_at: datetime | None = None

    @property
    def can_decide(self) -> bool:
        """Whether the account may change anything: a reviewer's, not disabled."""
        return self.role.can_decide and not self.disabled

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The account as ``pressdocs users list --json`` lists it (schema ``users``)."""
        changed = self.password_changed_at
        return {"name": self.name, "role": self.role.value,
                "role_label": self.role.label(lang), "disabled": self.disabled,
                "can_decide": self.can_decide, "created_at": self.created_at.isoformat(),
                "password_changed_at": changed.isoformat() if changed else None}

    @classmethod
    def from_record(cls, record: AccountRecord) -> Account:
        return cls(name=record.name, role=Role(record.role), created_at=record.created_at,
                   disabled=record.disabled, password_changed_at=record.password_changed_at)


# --- passwords -------------------------------------------------------------------------------


def _password_bytes(password: str) -> bytes:
    return unicodedata.normalize("NFKC", password).encode("utf-8", "surrogatepass")


def check_password(password: str) -> None:
    """Refuse (:class:`StoreError`) a password too short or too long to be kept."""
    count = len(unicodedata.normalize("NFKC", password))
    if count < MIN_PASSWORD:
        raise StoreError.of("accounts.short_password", minimum=MIN_PASSWORD, count=count)
    if count > MAX_PASSWORD:
        raise StoreError.of("accounts.long_password", maximum=MAX_PASSWORD)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """The self-describing scrypt hash of ``password`` with a new random salt:
    ``scrypt$16384$8$1$<salt base64>$<hash base64>``."""
    salt = secrets.token_bytes(_SALT)
    digest = hashlib.scrypt(_password_bytes(password), salt=salt, n=_N, r=_R, p=_P,
                            dklen=_DKLEN, maxmem=_memory(_N, _R, _P))
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def _memory(n: int, r: int, p: int) -> int:
    """What scrypt (OpenSSL) needs for these parameters, with a margin."""
    return 128 * r * (n + p + 2) + 2 ** 20


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` (a :func:`hash_password` string) was
    made from.  A malformed or unknown stored string is ``False``, never an exception."""
    try:
        scheme, n_text, r_text, p_text, salt_text, hash_text = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(hash_text, validate=True)
    except (AttributeError, ValueError, binascii.Error):
        return False
    if (scheme != "scrypt" or n < 2 or n & (n - 1) or r < 1 or p < 1 or not salt
            or not 16 <= len(expected) <= 64 or _memory(n, r, p) > _MAX_MEMORY):
        return False
    try:
        digest = hashlib.scrypt(_password_bytes(password), salt=salt, n=n, r=r, p=p,
                                dklen=len(expected), maxmem=_memory(n, r, p))
    except (ValueError, MemoryError):  # parameters OpenSSL refuses
        return False
    return hmac.compare_digest(digest, expected)


# --- names --------------------------------------------------------------------------------


def _shown(name: str) -> str:
    """A name as an error shows it: characters that cannot be seen written as escapes."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name)


def normal_name(name: str) -> str:
    """An account name as kept and compared: NFC, blanks around it dropped; refused
    (:class:`StoreError`) when empty, longer than 64 characters, or holding whitespace or
    characters that cannot be seen (control, format, unassigned)."""
    text = unicodedata.normalize("NFC", name).strip()
    if not 1 <= len(text) <= MAX_NAME:
        raise StoreError.of("accounts.bad_name_length", name=_shown(text), count=len(text),
                            maximum=MAX_NAME)
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn",
                                                            "Zs", "Zl", "Zp"):
            raise StoreError.of("accounts.bad_name_char", name=_shown(text))
    return text


def _record(store: Store, name: str) -> AccountRecord | None:
    """The account called ``name``, case ignored (the store folds ASCII; other scripts'
    cases are folded here), or ``None``."""
    try:
        wanted = normal_name(name)
    except StoreError:
        return None
    found = store.account(wanted)
    if found is not None:
        return found
    folded = wanted.casefold()
    return next((a for a in store.accounts() if a.name.casefold() == folded), None)


def require_user(app: Pressdocs, name: str) -> Account:
    """The account called ``name``; :class:`StoreError` naming the accounts there are
    when there is none."""
    return Account.from_record(_existing(app, name))


def _existing(app: Pressdocs, name: str) -> AccountRecord:
    found = _record(app.store, name)
    if found is None:
        names = [a.name for a in app.store.accounts()]
        raise StoreError.of("accounts.unknown", name=_shown(name.strip()), names=names or ["-"])
    return found


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise StoreError.of("accounts.bad_role", role=str(role),
                            roles=[r.value for r in Role]) from None


def _state(record: AccountRecord) -> str:
    return "disabled" if record.disabled else "active"


# --- what the library does -------------------------------------------------------------------


def add_user(app: Pressdocs, name: str, password: str, *, role: Role | str = Role.REVIEWER,
             by: str | None = None) -> Account:
    """Add an account; refused when the name is taken (case ignored), not a usable name,
    the password too short, or the role unknown."""
    wanted, kind = normal_name(name), _role(role)
    check_password(password)
    digest = hash_password(password)
    store, actor, at = app.store, current_actor(by), datetime.now(UTC)
    with store.transaction():
        taken = _record(store, wanted)
        if taken is not None or not store.add_account(wanted, kind.value, digest, at):
            raise StoreError.of("accounts.taken", name=taken.name if taken else wanted)
        store.record_audit(actor=actor, action="user_add", subject=f"user:{wanted}",
                           previous="", state="active", text="",
                           data={"name": wanted, "role": kind.value})
    added = store.account(wanted)
    assert added is not None
    return Account.from_record(added)


def users(app: Pressdocs) -> list[Account]:
    """Every account, by name, its times in the office's zone."""
    tz = app.config.tz
    return [replace(a, created_at=office_time(a.created_at, tz),
                    password_changed_at=office_time(a.password_changed_at, tz)
                    if a.password_changed_at else None)
            for a in map(Account.from_record, app.store.accounts())]


def user(app: Pressdocs, name: str) -> Account | None:
    """The account called ``name`` (case ignored), or ``None``."""
    found = _record(app.store, name)
    return None if found is None else Account.from_record(found)


def set_password(app: Pressdocs, name: str, password: str, *,
                 by: str | None = None) -> Account:
    """Give an account a new password (a disabled one too: it stays disabled)."""
    found = _existing(app, name)
    check_password(password)
    digest = hash_password(password)
    store, actor, at = app.store, current_actor(by), datetime.now(UTC)
    with store.transaction():
        store.set_account_password(found.name, digest, at)
        store.record_audit(actor=actor, action="user_password", subject=f"user:{found.name}",
                           previous=_state(found), state=_state(found), text="",
                           data={"name": found.name})
    return _reread(store, found.name)


def _switch(app: Pressdocs, name: str, disabled: bool, by: str | None) -> Account:
    found = _existing(app, name)
    if found.disabled == disabled:
        raise StoreError.of("accounts.already_disabled" if disabled
                            else "accounts.already_enabled", name=found.name)
    store, actor = app.store, current_actor(by)
    with store.transaction():
        store.set_account_disabled(found.name, disabled)
        store.record_audit(actor=actor, action="user_disable" if disabled else "user_enable",
                           subject=f"user:{found.name}", previous=_state(found),
                           state="disabled" if disabled else "active", text="",
                           data={"name": found.name, "role": found.role})
    return _reread(store, found.name)


def disable_user(app: Pressdocs, name: str, *, by: str | None = None) -> Account:
    """Disable an account (停用): it signs in no more; it and its decisions are kept."""
    return _switch(app, name, True, by)


def enable_user(app: Pressdocs, name: str, *, by: str | None = None) -> Account:
    """Enable a disabled account again."""
    return _switch(app, name, False, by)


def _reread(store: Store, name: str) -> Account:
    record = store.account(name)
    assert record is not None
    return Account.from_record(record)


def authenticate(store: Store, name: str, password: str) -> Account | None:
    """The account ``name`` if ``password`` is its password and it is not disabled;
    ``None`` otherwise, as slowly for a name that does not exist as for one that does."""
    found = _record(store, name)
    if found is None:
        verify_password(password, _DUMMY_HASH)
        return None
    if not verify_password(password, found.password_hash) or found.disabled:
        return None
    return Account.from_record(found)
