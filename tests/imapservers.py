"""Real IMAP servers on loopback for tests.

- :class:`Dovecot` — Debian's dovecot-imapd started with a private configuration, holding
  a Maildir per user that tests fill by dropping files into ``new/`` (see
  shared/notes/dovecot-on-loopback.md).  Dovecot advertises and answers ``ID``.
- :class:`NeteaseLikeServer` — a small asyncio IMAP server that behaves like 163 where it
  matters: it answers ``SELECT`` with ``NO SELECT Unsafe Login`` until the client has sent
  ``ID``.  It serves one folder of messages given to it, enough for the source to log in,
  select, search and fetch.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

__all__ = ["Dovecot", "NeteaseLikeServer", "free_port"]

PASSWORD = "secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Dovecot:
    """A Dovecot IMAP server on 127.0.0.1:<port> with static password :data:`PASSWORD`."""

    def __init__(self, root: Path, *, password: str = PASSWORD):
        self.root = root
        self.password = password  # a static password for every user (Chinese allowed)
        self.port = free_port()
        self.binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self.tls_port = 0

    @staticmethod
    def available() -> bool:
        return (shutil.which("dovecot") or os.path.exists("/usr/sbin/dovecot")) and _has_user(
            "dovecot") and _has_user("dovenull") and os.geteuid() == 0

    def start(self, tls: tuple[Path, Path] | None = None) -> Dovecot:
        """Start; with ``tls`` (certificate, key) an imaps listener runs on :attr:`tls_port`."""
        d = self.root
        self.tls_port = free_port() if tls else 0
        ssl = f"ssl = yes\nssl_cert = <{tls[0]}\nssl_key = <{tls[1]}" if tls else "ssl = no"
        for sub in ("run", "state", "mail"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        conf = d / "dovecot.conf"
        conf.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{d}/mail/%u/Maildir
first_valid_uid = 1
first_valid_gid = 1
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
service imap-login {{
  inet_listener imap {{
    port = {self.port}
  }}
  inet_listener imaps {{
    port = {self.tls_port}
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
passdb {{
  driver = static
  args = password={self.password}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={d}/mail/%u
}}
""", encoding="utf-8")
        os.chmod(d, 0o755)
        # Dovecot daemonises: its children would hold captured pipes open forever.
        with (d / "start.err").open("wb") as err:
            subprocess.run([self.binary, "-c", str(conf)], check=True,
                           stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start: {(d / 'dovecot.log').read_text()}")

    def maildir(self, user: str, folder: str = "") -> Path:
        """The Maildir of ``user`` (a sub-folder in Maildir++ layout when ``folder`` is given)."""
        base = self.root / "mail" / user / "Maildir"
        path = base / f".{folder}" if folder else base
        for sub in ("cur", "new", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        return path

    def deliver(self, user: str, data: bytes, name: str, folder: str = "",
                mtime: float | None = None) -> Path:
        """Drop one message into the user's Maildir (as a local delivery agent would)."""
        path = self.maildir(user, folder) / "new" / name
        path.write_bytes(data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        self.fix_owner()
        return path

    def fix_owner(self) -> None:
        uid, gid = pwd.getpwnam("dovecot").pw_uid, pwd.getpwnam("dovecot").pw_gid
        for path in [self.root / "mail", *(self.root / "mail").rglob("*")]:
            os.chown(path, uid, gid)

    def stop(self, *, connections: bool = False) -> None:
        """Stop the server.  Dovecot's master leaves the ``imap`` processes serving open
        connections running; with ``connections`` they are ended too, as a server that
        goes down (a restart, a crash) ends its clients' connections."""
        pid_file = self.root / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            children = _children(pid) if connections else []
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                return
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, 9)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.05)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class NeteaseLikeServer:
    """An IMAP server that refuses SELECT with ``NO SELECT Unsafe Login`` until ``ID``.

    ``always_unsafe`` makes it refuse even after ID (as 163 does for a mailbox whose
    owner has not allowed the client).  With ``idle`` it offers IDLE (RFC 2177) once the
    client has sent ID, as 163 does, and announces ``* N EXISTS`` in IDLE when a message
    is added to :attr:`messages` meanwhile; without, it offers no IDLE at all.
    """

    def __init__(self, messages: list[bytes], *, always_unsafe: bool = False,
                 idle: bool = False):
        self.messages = messages
        self.always_unsafe = always_unsafe
        self.idle = idle
        self.port = free_port()
        self.commands: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = threading.Event()
        self._server: asyncio.base_events.Server | None = None

    def __enter__(self) -> NeteaseLikeServer:
        self._thread.start()
        self._started.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._session, "127.0.0.1", self.port))
        self._started.set()
        self._loop.run_forever()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sent_id = False
        selected = False

        def send(line: str | bytes) -> None:
            writer.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

        send("* OK Coremail System IMap Server Ready(163com[20141201])")
        await writer.drain()
        while True:
            raw = await reader.readline()
            if not raw:
                break
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            tag, _, rest = line.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            self.commands.append(command if command != "UID" else "UID " + args.split()[0].upper())
            if command == "CAPABILITY":
                # 163 also offers STARTTLS; this stand-in speaks no TLS, so it does not
                idle = " IDLE" if self.idle and sent_id else ""
                send("* CAPABILITY IMAP4rev1 XLIST SPECIAL-USE ID LITERAL+ XAPPLEPUSHSERVICE "
                     f"UIDPLUS X-CM-EXT-1{idle}")
                send(f"{tag} OK CAPABILITY completed")
            elif command == "IDLE" and selected and self.idle and sent_id:
                send("+ idling")
                await writer.drain()
                known = len(self.messages)
                while True:
                    try:
                        raw = await asyncio.wait_for(reader.readline(), 0.1)
                    except TimeoutError:
                        if len(self.messages) != known:
                            known = len(self.messages)
                            send(f"* {known} EXISTS")
                            await writer.drain()
                        continue
                    break
                if not raw:
                    break
                send(f"{tag} OK IDLE terminated")
            elif command == "LOGIN":
                send(f"{tag} OK LOGIN completed")
            elif command == "ID":
                sent_id = True
                send('* ID ("name" "Coremail Imap" "vendor" "Mailtech" "TransID" "test")')
                send(f"{tag} OK ID completed")
            elif command in ("SELECT", "EXAMINE"):
                if not sent_id or self.always_unsafe:
                    send(f"{tag} NO SELECT Unsafe Login. Please contact kefu@188.com for help")
                else:
                    selected = True
                    send(f"* {len(self.messages)} EXISTS")
                    send("* 0 RECENT")
                    send("* OK [UIDVALIDITY 1] UIDs valid")
                    send(f"* OK [UIDNEXT {len(self.messages) + 1}] Predicted next UID")
                    send("* FLAGS (\\Answered \\Seen \\Deleted \\Draft \\Flagged)")
                    send(f"{tag} OK [READ-WRITE] SELECT completed")
            elif command == "UID" and selected:
                sub, _, subargs = args.partition(" ")
                if sub.upper() == "SEARCH":
                    uids = " ".join(str(i + 1) for i in range(len(self.messages)))
                    send(f"* SEARCH {uids}")
                    send(f"{tag} OK SEARCH completed")
                elif sub.upper() == "FETCH":
                    for uid in _uid_set(subargs.split(" ", 1)[0], len(self.messages)):
                        body = self.messages[uid - 1]
                        writer.write(f'* {uid} FETCH (UID {uid} INTERNALDATE "01-Mar-2021 09:30:00 '
                                     f'+0800" BODY[] {{{len(body)}}}\r\n'.encode())
                        writer.write(body + b")\r\n")
                    send(f"{tag} OK FETCH completed")
                else:
                    send(f"{tag} OK {sub} completed")
            elif command == "LOGOUT":
                send("* BYE LOGOUT received")
                send(f"{tag} OK LOGOUT completed")
                await writer.drain()
                break
            elif command == "NOOP":
                send(f"{tag} OK NOOP completed")
            else:
                send(f"{tag} BAD command not supported here")
            await writer.drain()
        writer.close()


def _uid_set(spec: str, count: int) -> list[int]:
    uids: list[int] = []
    for part in spec.split(","):
        if ":" in part:
            lo, hi = part.split(":")
            hi_n = count if hi == "*" else int(hi)
            uids.extend(range(int(lo), hi_n + 1))
        else:
            uids.append(int(part))
    return [u for u in uids if 1 <= u <= count]
