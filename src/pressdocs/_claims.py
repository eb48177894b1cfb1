"""Who a batch is to the other batches on its store, and whether a claim's batch has died.

Several batches may share a store (on one machine or several); each message is claimed
by one of them before it is processed (:meth:`pressdocs.store.Store.claim_message`), for
``[limits] lease_seconds``.  A batch names itself ``PID@HOST#MACHINE/TOKEN``: the token
tells two batches of one process apart, the machine (``/etc/machine-id``, or the host's
name) tells machines apart.  A claim left by a batch of *this* machine whose process is
gone (killed, or the machine restarted) need not run out: the next batch takes the
message at once; a claim of another machine's batch runs out after the lease.
"""

from __future__ import annotations

import os
import secrets
import socket
from functools import cache
from pathlib import Path

__all__ = ["gone_from_here", "worker_name"]


@cache
def _machine() -> str:
    try:
        return Path("/etc/machine-id").read_text(encoding="ascii").strip()[:12] or "-"
    except OSError:
        return "-"


def worker_name() -> str:
    """A new name for a batch of this process."""
    return f"{os.getpid()}@{socket.gethostname()}#{_machine()}/{secrets.token_hex(4)}"


def gone_from_here(worker: str) -> bool:
    """Whether ``worker`` (a :func:`worker_name`) ran on this machine and its process is
    gone; ``False`` for another machine's, or whenever that cannot be told."""
    pid, _, rest = worker.partition("@")
    host, _, rest = rest.partition("#")
    machine = rest.partition("/")[0]
    if not pid.isdigit() or host != socket.gethostname() or machine != _machine():
        return False
    if int(pid) == os.getpid():
        return False  # another batch of this very process, alive
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        return False
    return False
