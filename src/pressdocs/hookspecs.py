"""The hook specifications: every point where a plugin can extend pressdocs.

Plugins implement hooks with :data:`pressdocs.hookimpl` and never import pluggy::

    from pressdocs import hookimpl, Parser

    class RtfParser(Parser):
        name = "rtf"
        ...

    @hookimpl
    def register_parsers(register):
        register(RtfParser())

Four families of hooks:

- ``register_<things>(register)`` — add capabilities (parsers, classifiers, validators,
  channels, exporters, mail sources).  Called once per plugin when the plugin manager is
  built; ``register`` takes one capability instance and records which plugin added it.
  Collected; return value ignored.
- ``prepare_<object>(...)`` — adjust an object before pressdocs uses it.  Collected;
  implementations change the object in place; return value ignored.
- ``register_commands(cli)`` and ``register_routes(register)`` — add commands to the
  command line and pages to the review desk.
- ``handle_event(event)`` — listen to what happens (:mod:`pressdocs.events`).
  Collected; return value ignored; an exception in a listener is reported, never stops
  a batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click
    from starlette.routing import BaseRoute

    from pressdocs.capabilities import (
        BlobBucket,
        Channel,
        Classifier,
        Exporter,
        MailSource,
        Parser,
        Validator,
    )
    from pressdocs.config import Config
    from pressdocs.events import Event  # the event classes load when an event is sent
    from pressdocs.models import Submission

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "pressdocs"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_parsers(register: Callable[[Parser], None]) -> None:
    """Register :class:`pressdocs.Parser` instances.

    Called once per plugin when the plugin manager is built.  Call ``register(parser)``
    for each parser; a parser named like one already registered is refused with a
    :class:`pressdocs.errors.PluginError` naming both plugins.
    """


@hookspec
def register_classifiers(register: Callable[[Classifier], None]) -> None:
    """Register :class:`pressdocs.Classifier` instances.

    Called once per plugin when the plugin manager is built.  Every classifier is
    asked about every document; the most confident answer wins.
    """


@hookspec
def register_validators(register: Callable[[Validator], None]) -> None:
    """Register :class:`pressdocs.Validator` instances, one per rule code.

    Called once per plugin when the plugin manager is built.  A validator whose code
    is already registered is refused; switch a built-in rule off in the configuration
    (``[rules.PD203] enabled = false``) instead of replacing it.
    """


@hookspec
def register_channels(register: Callable[[Channel], None]) -> None:
    """Register :class:`pressdocs.Channel` instances (email, SMS, group bots).

    Called once per plugin when the plugin manager is built.
    """


@hookspec
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register :class:`pressdocs.Exporter` instances (Excel, HTML, …).

    Called once per plugin when the plugin manager is built.
    """


@hookspec
def register_mail_sources(register: Callable[[MailSource], None]) -> None:
    """Register :class:`pressdocs.MailSource` instances (IMAP, Maildir, mbox, .eml, …).

    Called once per plugin when the plugin manager is built.  The first source whose
    ``handles(location)`` is true reads a location.
    """


@hookspec
def register_blob_buckets(register: Callable[[BlobBucket], None]) -> None:
    """Register :class:`pressdocs.BlobBucket` instances (an S3-compatible bucket, …).

    Called once per plugin when the plugin manager is built.  The first bucket whose
    ``handles(location)`` is true keeps the originals of a store configured with
    ``bucket = "…"``.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``pressdocs`` command line.

    Called once when the CLI starts, with the top-level click group; use
    ``@cli.command()`` to add a command.  Keep commands thin: parse options, call
    library code, render the result.
    """


@hookspec
def register_routes(register: Callable[[BaseRoute], None]) -> None:
    """Add pages to the review desk (``pressdocs serve``), as Datasette's plugins do.

    Called once when the desk starts; ``register`` takes a Starlette route
    (``starlette.routing.Route``), served behind the desk's login (``request.user`` is
    the account; ``pressdocs.web.security.desk_of(request).open()`` gives the office's
    :class:`pressdocs.Pressdocs`).  A plugin's routes come before the desk's own.
    """


@hookspec
def prepare_config(config: Config) -> None:
    """Adjust the configuration after it is loaded and before anything uses it.

    Called once per run.  Change ``config`` in place (for example add units to the
    unit directory from another system); return value ignored.
    """


@hookspec
def prepare_submission(submission: Submission, config: Config) -> None:
    """Adjust a submission after its documents are read and before it is validated.

    Called once per submission.  Change ``submission`` in place (for example fill in
    the unit from another directory); return value ignored.
    """


@hookspec
def handle_event(event: Event) -> None:
    """Listen to events (:mod:`pressdocs.events`): a submission processed or checked, a
    finding raised, a plan imported, a batch finished, a notice sent.

    Called for every event, by every plugin that implements it, after what the event
    tells is committed; tell events apart with ``isinstance``.  Return value ignored; an
    exception here is reported as a warning and never stops a batch.
    """
