"""A store's bucket: the :class:`~pressdocs.BlobBucket` that handles ``bucket = "…"``,
bound to its location and context as the store's :class:`~pressdocs.store.BlobRemote`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pressdocs._redact import scrub
from pressdocs.capabilities import BlobBucket, Context
from pressdocs.errors import ConfigError

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs

__all__ = ["Bucket", "bucket_of"]


class Bucket:
    """One bucket location, as the store asks it (see :class:`pressdocs.BlobBucket`)."""

    def __init__(self, capability: BlobBucket, location: str, context: Context) -> None:
        self.capability, self.location, self.context = capability, location, context

    @property
    def name(self) -> str:
        return scrub(self.location)  # never a password in a message

    def put(self, sha256: str, path: Path) -> None:
        self.capability.put(self.location, sha256, path, self.context)

    def get(self, sha256: str, target: Path) -> bool:
        return bool(self.capability.get(self.location, sha256, target, self.context))

    def has(self, sha256: str) -> bool:
        return bool(self.capability.has(self.location, sha256, self.context))


def bucket_of(app: Pressdocs) -> Bucket | None:
    """The configured bucket (``bucket = "…"``), or ``None``; a location no plugin
    handles is a :class:`ConfigError` saying so."""
    location = app.config.bucket
    if not location:
        return None
    for capability in app.plugins.registry.of(BlobBucket):
        if capability.handles(location):
            return Bucket(capability, location, app.context(capability))
    raise ConfigError.of("config.no_bucket", bucket=scrub(location))
