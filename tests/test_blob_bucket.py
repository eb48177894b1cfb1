"""The originals in a bucket that several machines share (a :class:`pressdocs.BlobBucket`
plugin): every blob a batch keeps is put there before its row commits, and a machine
that lacks a blob fetches it from there, checked by its sha256.

The bucket here is a plugin of the test keeping blobs in a folder (``folder-bucket://``),
as an S3-compatible bucket plugin keeps them in a bucket; two "machines" are two
configurations with their own blobs folders on one PostgreSQL store.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from cli_support import demo_mailbox_with_plan
from pressdocs import BlobBucket, Context, Pressdocs, hookimpl, load_plugins
from pressdocs.errors import ConfigError, StoreError

SCHEME = "folder-bucket://"


class FolderBucket(BlobBucket):
    """A bucket in a folder: ``folder-bucket:///path``."""

    name = "folder-bucket"
    description = "原件存储桶（测试用文件夹）"

    def __init__(self) -> None:
        self.calls = {"put": 0, "get": 0}
        self.failing = False

    def handles(self, location: str) -> bool:
        return location.startswith(SCHEME)

    def _at(self, location: str, sha256: str) -> Path:
        return Path(location.removeprefix(SCHEME)) / sha256

    def put(self, location: str, sha256: str, path: Path, context: Context) -> None:
        if self.failing:
            raise ConnectionError("the bucket went away")
        self.calls["put"] += 1
        target = self._at(location, sha256)
        if not target.exists():
            shutil.copyfile(path, target)

    def get(self, location: str, sha256: str, target: Path, context: Context) -> bool:
        self.calls["get"] += 1
        found = self._at(location, sha256)
        if not found.exists():
            return False
        shutil.copyfile(found, target)
        return True

    def has(self, location: str, sha256: str, context: Context) -> bool:
        return self._at(location, sha256).exists()


class Plugin:
    def __init__(self, bucket: FolderBucket) -> None:
        self.bucket = bucket

    @hookimpl
    def register_blob_buckets(self, register):  # type: ignore[no-untyped-def]
        register(self.bucket)


def _machine(root: Path, name: str, bucket_dir: Path, url: str,
             bucket: FolderBucket) -> Pressdocs:
    config = root / f"{name}.toml"
    config.write_text(f'bucket = "{SCHEME}{bucket_dir}"\nblobs = "{root / name}"\n', "utf-8")
    plugins = load_plugins(entry_points=False, extra=[("folder-bucket", Plugin(bucket))])
    return Pressdocs(config=config, store=url, plugins=plugins)


def test_two_machines_share_the_originals_through_a_bucket(tmp_path: Path,
                                                            postgres_url: str) -> None:
    mail, _ = demo_mailbox_with_plan(tmp_path)
    bucket_dir = tmp_path / "bucket"
    bucket_dir.mkdir()
    bucket = FolderBucket()
    first = _machine(tmp_path, "machine-a", bucket_dir, postgres_url, bucket)
    report = first.batch(str(mail))
    assert report.new == 5
    kept = {p.name for p in bucket_dir.iterdir()}
    named = {o.submission.id for o in report.outcomes}  # the messages' sha256
    named |= {d.sha256 for o in report.outcomes for d in o.submission.documents if d.sha256}
    assert named <= kept  # every original and document the ledger names is in the bucket
    for sha in kept:
        assert hashlib.sha256((bucket_dir / sha).read_bytes()).hexdigest() == sha
    first.close()

    second = _machine(tmp_path, "machine-b", bucket_dir, postgres_url, bucket)
    assert not any((tmp_path / "machine-b").rglob("*.*"))  # nothing of its own yet
    sub = report.outcomes[0].submission
    original = second.store.get_blob(sub.id)  # fetched from the bucket
    assert hashlib.sha256(original).hexdigest() == sub.id
    assert second.store.blob_path(sub.id).is_relative_to(tmp_path / "machine-b")
    again = second.batch(str(mail))
    assert {o.status.value for o in again.outcomes} == {"duplicate"}
    second.close()


def test_a_damaged_or_unreachable_bucket_is_a_clear_error(tmp_path: Path,
                                                         postgres_url: str) -> None:
    mail, _ = demo_mailbox_with_plan(tmp_path)
    bucket_dir = tmp_path / "bucket"
    bucket_dir.mkdir()
    bucket = FolderBucket()
    first = _machine(tmp_path, "machine-a", bucket_dir, postgres_url, bucket)
    sub = first.batch(str(mail)).outcomes[0].submission
    first.close()
    (bucket_dir / sub.id).chmod(0o644)
    (bucket_dir / sub.id).write_bytes(b"not the message")
    second = _machine(tmp_path, "machine-b", bucket_dir, postgres_url, bucket)
    with pytest.raises(StoreError, match="已损坏（内容与其 sha256 不符）"):
        second.store.get_blob(sub.id)
    local = tmp_path / "machine-b" / "blobs" / sub.id[:2] / sub.id[2:]
    assert not local.exists()  # the damaged copy was not kept
    second.close()

    # a bucket that fails while a batch keeps a message: the message waits for the next run
    bucket.failing = True
    more = tmp_path / "more"
    more.mkdir()
    shutil.copy(next(mail.iterdir()), more / "again.eml")
    (more / "again.eml").write_bytes((more / "again.eml").read_bytes() + b"\r\n")  # new bytes
    third = _machine(tmp_path, "machine-c", bucket_dir, postgres_url, bucket)
    report = third.batch(str(more))
    assert report.new == 0 and len(report.deferred) == 1
    assert "the bucket went away" in report.deferred[0].reason.text()
    bucket.failing = False
    assert third.batch(str(more)).new == 1
    third.close()


def test_a_bucket_no_plugin_handles_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "pressdocs.toml"
    config.write_text('bucket = "s3://press/originals"\n', "utf-8")
    with pytest.raises(ConfigError, match="没有插件能存取原件存储桶 s3://press/originals"):
        _ = Pressdocs(config=config, store=tmp_path / "store").store
