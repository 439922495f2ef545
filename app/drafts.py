"""What is on screen and not stored yet, kept on disk as it is typed: nothing is lost in a crash.

One small JSON file per library in the user's data folder (``drafts/``),
written atomically (whole or not at all) about a second after typing stops:

* per review, the half-typed note and the level-setting fields being edited;
* the session: which review was open, in which phase, at which walkthrough
  event, and whether Debrief closed cleanly. A session that did not close
  cleanly (a crash, a killed process, a laptop out of battery) is reopened where
  it was.

The file lives beside the library, not in it: a library that is locked, full
or gone must not cost what was typed. A file that cannot be read (half-written
by an older version, edited by hand) is set aside as ``.unreadable`` and
drafts start afresh; a failed write is retried with the next keystroke.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exports.common import write_atomic
from models.store import Library, data_dir

#: Keys a draft may hold for a review besides level-setting fields.
NOTE = "note"
#: Longest draft text kept (a pasted novel is cut, never refused: this is a safety net).
MAX_TEXT = 100_000


@dataclass(frozen=True)
class Session:
    """Where the window was: the open review, its phase, its walkthrough event, and a clean close."""

    review_id: int | None = None
    phase: str | None = None
    event_id: int | None = None
    clean: bool = True


@dataclass(frozen=True)
class ReviewDraft:
    """What was typed in one review and not stored: the note field and level-setting fields by name."""

    note: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not self.note and not self.fields


def drafts_path(library: Library, folder: Path | None = None) -> Path:
    """The drafts file of ``library``: one per library, named by a hash of its address."""
    key = hashlib.sha256(library.describe().encode("utf-8")).hexdigest()[:16]
    return (folder if folder is not None else data_dir() / "drafts") / f"{key}.json"


class DraftStore:
    """Reads and writes one library's drafts file; every method is safe to call at any moment."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data = self._read()
        #: The last write's error (None when it worked): a full disk must not break typing.
        self.error: OSError | None = None

    # session
    def session(self) -> Session:
        raw = self._data.get("session")
        if not isinstance(raw, dict):
            return Session()
        return Session(review_id=_int(raw.get("review_id")), phase=_str(raw.get("phase")),
                       event_id=_int(raw.get("event_id")), clean=raw.get("clean") is not False)

    def set_session(self, session: Session) -> None:
        wanted = {"review_id": session.review_id, "phase": session.phase,
                  "event_id": session.event_id, "clean": session.clean}
        if self._data.get("session") == wanted and self.error is None:
            return  # already on disk: opening a review records it more than once
        self._data["session"] = wanted
        self._write()

    # drafts
    def review(self, review_id: int) -> ReviewDraft:
        raw = self._reviews().get(str(review_id))
        if not isinstance(raw, dict):
            return ReviewDraft()
        fields = raw.get("fields")
        return ReviewDraft(
            note=_str(raw.get(NOTE)) or "",
            fields={str(k): v for k, v in fields.items() if isinstance(v, str)} if isinstance(fields, dict)
            else {})

    def set_review(self, review_id: int, draft: ReviewDraft) -> None:
        """Keep ``draft`` for ``review_id`` (an empty draft removes the entry); written at once."""
        reviews = self._reviews()
        if draft.is_empty():
            if reviews.pop(str(review_id), None) is None:
                return
        else:
            reviews[str(review_id)] = {NOTE: draft.note[:MAX_TEXT],
                                       "fields": {k: v[:MAX_TEXT] for k, v in draft.fields.items()}}
        self._data["reviews"] = reviews
        self._write()

    # private
    def _reviews(self) -> dict[str, Any]:
        reviews = self._data.get("reviews")
        return dict(reviews) if isinstance(reviews, dict) else {}

    def _read(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except OSError:  # none yet, or unreadable: drafts start afresh
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):  # not UTF-8, not JSON, nested beyond reason
            data = None
        if not isinstance(data, dict):
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_name(self.path.name + ".unreadable"))
            return {}
        return data

    def _write(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self._data, indent=1).encode("utf-8"))
        except OSError as exc:
            self.error = exc
        else:
            self.error = None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None
