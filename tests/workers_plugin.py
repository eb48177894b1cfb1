"""A plugin module for tests/test_batch_workers.py: a parser of "DIE" files that ends the
process it runs in when that is a ``batch --workers`` reader (a worker dying mid-message),
and reads them normally in the batch's own process."""

from __future__ import annotations

import multiprocessing
import os

from pressdocs import Content, Parser, hookimpl


class DyingParser(Parser):
    name = "dying"
    priority = 100  # before the built-in text parser

    def sniff(self, data: bytes, name: str) -> bool:
        return data.startswith(b"DIE")

    def parse(self, data: bytes, name: str) -> Content:
        if multiprocessing.parent_process() is not None:
            marker = os.environ.get("PRESSDOCS_TEST_DIED")
            if marker:
                with open(marker, "a") as f:
                    f.write(f"{os.getpid()}\n")
            os._exit(9)  # as a worker killed by the kernel would
        return Content(media_type="text/plain", paragraphs=[data.decode()])


@hookimpl
def register_parsers(register):  # type: ignore[no-untyped-def]
    register(DyingParser())
