"""新闻发布会实录: one conference as the disclosure site's column publishes it.

:func:`conference_record` gathers, from the store, what a unit sent about one conference:
the registration form (附件2: title, time, venue, organiser, person in charge) and the
materials packages that belong to it (the press release, the Q&A, the pictures, the video
links), wherever they came in: with the form, or in later mail of the same unit
(:func:`pressdocs.rules.materials.registration_for` says which form a later package
belongs to).  A submission a later correction replaced is left out.

The speakers (发布人) are those of the unit's statistics table (附件3) row for that day
when one has come in; otherwise the form's person in charge (负责人), who usually speaks.

The record holds the pictures' original bytes (from the store's blobs); the HTML exporter
(:mod:`pressdocs.builtin.export_html`) scales and copies them beside the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from pressdocs.errors import StoreError
from pressdocs.models import LinkedFile, PressRelease, QAPair, Speaker, Submission
from pressdocs.text.dates import office_day, office_time

if TYPE_CHECKING:
    from pressdocs.config import Config
    from pressdocs.store import Store

__all__ = ["ConferenceRecord", "RecordFile", "RecordPicture", "build_record"]


@dataclass
class RecordPicture:
    """One picture of the conference: its name as sent and its original bytes."""

    name: str
    media_type: str
    sha256: str
    data: bytes = field(default=b"", repr=False)


@dataclass
class RecordFile:
    """A video attached to the mail: its name as sent and where the store keeps it (a
    video can be hundreds of megabytes; the exporter copies it from there)."""

    name: str
    media_type: str
    sha256: str
    path: Path


@dataclass
class ConferenceRecord:
    """What the 新闻发布会实录 page of one conference shows."""

    title: str
    unit: str = ""
    time: datetime | None = None
    time_text: str = ""  # as written on the form, when no time could be read
    venue: str = ""
    organiser: str = ""
    speakers: list[Speaker] = field(default_factory=list)
    press_release: PressRelease | None = None
    qa: list[QAPair] = field(default_factory=list)
    pictures: list[RecordPicture] = field(default_factory=list)
    videos: list[LinkedFile] = field(default_factory=list)  # sent as download links
    video_files: list[RecordFile] = field(default_factory=list)  # sent attached
    plan_year: int | None = None
    plan_item: int | None = None
    submission_ids: list[str] = field(default_factory=list)  # where it all came from

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """A JSON-ready dict (pictures by name and sha256, not their bytes)."""
        return {
            "title": self.title, "unit": self.unit,
            "time": self.time.isoformat() if self.time else None,
            "time_text": self.time_text, "venue": self.venue, "organiser": self.organiser,
            "speakers": [s.to_dict() for s in self.speakers],
            "press_release": self.press_release.to_dict() if self.press_release else None,
            "qa": [q.to_dict() for q in self.qa],
            "pictures": [{"name": p.name, "media_type": p.media_type, "sha256": p.sha256}
                         for p in self.pictures],
            "videos": [{"name": v.name, "url": v.url} for v in self.videos],
            "video_files": [{"name": v.name, "media_type": v.media_type, "sha256": v.sha256}
                            for v in self.video_files],
            "plan_year": self.plan_year, "plan_item": self.plan_item,
            "submission_ids": self.submission_ids,
        }


def build_record(store: Store, config: Config, *, submission: Submission | None = None,
                 plan_item: int | None = None, year: int | None = None) -> ConferenceRecord:
    """The record of the conference ``submission`` tells of (its registration, or the
    registration its materials belong to), or of the conference registered for
    ``plan_item`` of ``year``'s plan (default: the latest plan)."""
    from pressdocs.rules.materials import registration_for

    current = _current(store.submissions())
    if submission is None:
        if plan_item is None:
            raise StoreError.of("export.html.no_record_wanted")
        submission = _registered_for(store, current, plan_item, year)
    form_sub: Submission | None = submission
    if submission.registration is None:
        if submission.materials is None:
            raise StoreError.of("export.html.not_a_conference", submission=submission.id[:12])
        found = registration_for(submission, store, config)
        form_sub = found[1] if found is not None else None
    packages = [submission] if form_sub is None else _materials_of(form_sub, current, store,
                                                                   config)
    return _assemble(form_sub, packages, current, store, config)


def _current(subs: list[Submission]) -> list[Submission]:
    """Submissions no later correction replaced."""
    corrected = {s.corrects for s in subs if s.corrects}
    return [s for s in subs if s.id not in corrected]


def _registered_for(store: Store, current: list[Submission], plan_item: int,
                    year: int | None) -> Submission:
    from pressdocs._reports import plan_for

    plan = plan_for(store, year)
    found = [s for s in current if s.registration is not None
             and (s.plan_year, s.plan_item) == (plan.year, plan_item)]
    if not found:
        raise StoreError.of("export.html.no_registration", item=plan_item, year=plan.year)
    return found[-1]  # the latest registration for it


def _materials_of(form_sub: Submission, current: list[Submission], store: Store,
                  config: Config) -> list[Submission]:
    """The registration's own submission and the later packages that belong to it."""
    from pressdocs.rules.matching import same_unit
    from pressdocs.rules.materials import registration_for

    packages = [form_sub]
    for s in current:
        if s.id == form_sub.id or s.materials is None or s.registration is not None:
            continue
        if not (s.unit == form_sub.unit or same_unit(s.unit, form_sub.unit, config)):
            continue
        found = registration_for(s, store, config)
        if found is not None and found[1] is not None and found[1].id == form_sub.id:
            packages.append(s)
    return packages


def _assemble(form_sub: Submission | None, packages: list[Submission],
              current: list[Submission], store: Store, config: Config) -> ConferenceRecord:
    from pressdocs.rules.materials import VIDEO_SUFFIXES, is_picture_like

    reg = form_sub.registration if form_sub is not None else None
    lead = form_sub or packages[0]
    record = ConferenceRecord(title="", unit=lead.unit, plan_year=lead.plan_year,
                              plan_item=lead.plan_item)
    seen: set[str] = set()
    for sub in packages:
        record.submission_ids.append(sub.id)
        materials = sub.materials
        if materials is None:
            continue
        record.press_release = materials.press_release or record.press_release
        record.qa = materials.qa or record.qa
        for doc in materials.pictures:
            if doc.sha256 and doc.sha256 not in seen and is_picture_like(doc) \
                    and store.has_blob(doc.sha256):
                seen.add(doc.sha256)
                record.pictures.append(RecordPicture(doc.name, doc.media_type, doc.sha256,
                                                     store.get_blob(doc.sha256)))
        for doc in materials.videos:
            if doc.sha256 and doc.sha256 not in seen and store.has_blob(doc.sha256):
                seen.add(doc.sha256)
                record.video_files.append(RecordFile(doc.name, doc.media_type, doc.sha256,
                                                     store.blob_path(doc.sha256)))
        for link in materials.linked_files:
            if PurePath(link.name).suffix.lower() in VIDEO_SUFFIXES and \
                    link.url not in {v.url for v in record.videos}:
                expires = office_time(link.expires, config.tz) if link.expires else None
                record.videos.append(replace(link, expires=expires))
    if reg is not None:
        record.title = reg.title
        record.time = office_time(reg.time, config.tz) if reg.time else None
        record.time_text = reg.time_text
        record.venue = reg.venue
        record.organiser = reg.organiser or reg.filing_unit or lead.unit
        if reg.person_in_charge.name:
            record.speakers = [Speaker(reg.person_in_charge.name,
                                       reg.person_in_charge.position)]
    else:
        record.organiser = lead.unit
    if not record.title and record.press_release is not None:
        record.title = record.press_release.title
    stated = _speakers_stated(record, current, config)
    if stated:
        record.speakers = stated
    return record


def _speakers_stated(record: ConferenceRecord, current: list[Submission],
                     config: Config) -> list[Speaker]:
    """The 发布人 of the unit's statistics table row for the conference's day."""
    from pressdocs.rules.matching import same_unit

    if record.time is None:
        return []
    day = office_day(record.time, config.tz)
    for sub in reversed(current):
        table = sub.statistics
        if table is None:
            continue
        for row in table.rows:
            unit = row.unit or table.filing_unit or sub.unit
            if row.held_on == day and row.speakers and \
                    (unit == record.unit or same_unit(unit, record.unit, config)):
                return list(row.speakers)
    return []
