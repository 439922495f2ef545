"""Import profiles: how an incident tool lays out the CSV it exports, by name (``--from pagerduty``).

A profile names, per field, the header cells to try (best first) and, where
the tool has one, the time format (``epoch_ms`` for Grafana). The built-in
profiles are ``resources/import_profiles.yaml``; a user's
``import_profiles.yaml`` in the config folder adds profiles or replaces one by
id. A file's header that matches exactly one profile's ``detect`` cells is
read with that profile, and the preview says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from models.fields import Reader
from models.yamlsource import load_user_file, load_yaml_text

PROFILE_KEYS = ("id", "name", "detect", "time_format", "columns")
#: The fields a profile can name columns for; ``detail`` (the long description kept beside a
#: short summary or title) last, so it never takes a column an earlier field uses.
COLUMN_FIELDS = ("time", "date", "text", "kind", "source", "author", "detail")
USER_FILE = "import_profiles.yaml"
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def normalise(name: str) -> str:
    """A header cell or a profile's column name, compared as :func:`models.csv_timeline.normalise_header`."""
    return " ".join(re.sub(r"[_\-./]+", " ", name).split()).casefold()


@dataclass(frozen=True)
class ImportProfile:
    """One tool's CSV layout."""

    id: str
    name: str
    #: Header cells that together say a file is this tool's (none: never detected, only chosen).
    detect: tuple[str, ...]
    #: Field → header cells to try, best first.
    columns: dict[str, tuple[str, ...]]
    time_format: str | None = None

    def matches(self, headers: tuple[str, ...]) -> bool:
        names = {normalise(h) for h in headers}
        return bool(self.detect) and all(normalise(cell) in names for cell in self.detect)

    def mapping(self, headers: tuple[str, ...]) -> dict[str, str]:
        """Field → the header cell of this file that holds it (fields it cannot find are left out).

        Fields are matched in :data:`COLUMN_FIELDS` order and each column serves one field: a
        spreadsheet's "Notes" that is the text (no "What happened" column) is not its detail too.
        """
        by_name = {normalise(h): h for h in reversed(headers)}
        found: dict[str, str] = {}
        taken: set[str] = set()
        for field in COLUMN_FIELDS:
            for cell in self.columns.get(field, ()):
                key = normalise(cell)
                if key in by_name and key not in taken:
                    found[field] = by_name[key]
                    taken.add(key)
                    break
        return found

    def fallbacks(self, headers: tuple[str, ...], field: str) -> tuple[str, ...]:
        """The header cells of this file listed for ``field`` after the one :meth:`mapping` chose and
        used by no other field: where a row's cell is empty, the next may not be (Grafana's alert
        annotations have an empty text and the alert's name beside it)."""
        chosen = self.mapping(headers)
        if field not in chosen:
            return ()
        taken = {normalise(cell) for cell in chosen.values()}
        by_name = {normalise(h): h for h in reversed(headers)}
        found: list[str] = []
        for cell in self.columns.get(field, ()):
            key = normalise(cell)
            if key in by_name and key not in taken:
                taken.add(key)
                found.append(by_name[key])
        return tuple(found)


def parse_profiles(data: Any, path: str | None = None) -> list[ImportProfile]:
    """Validate an import profiles document (``profiles: [{id, name, detect, time_format, columns}]``)."""
    doc = Reader(path).document(data, ("profiles",), shape="must be a mapping with a 'profiles' list")
    found: list[ImportProfile] = []
    for m in doc.mappings("profiles", PROFILE_KEYS, required=True,
                          shape="must be a mapping with id and name"):
        profile_id = m.identifier("id", _ID, noun="a profile id", limit=40,
                                  rule="lower-case letters, digits and dashes")
        if any(p.id == profile_id for p in found):
            m.fail("id", f"profile {profile_id!r} appears twice")
        columns_doc = m.mapping("columns", COLUMN_FIELDS, shape="must map fields (time, text, …) to lists")
        columns = {field: columns_doc.texts(field, shape="must be a list of column names")
                   for field in COLUMN_FIELDS if columns_doc.get(field) is not None}
        if "time" not in columns or "text" not in columns:
            m.fail("columns", "must name the columns of at least time and text")
        time_format = m.optional_text("time_format")
        found.append(ImportProfile(profile_id, m.text("name", required=True),
                                   m.texts("detect", shape="must be a list of column names"), columns,
                                   time_format or None))
    return found


@cache
def builtin_profiles() -> tuple[ImportProfile, ...]:
    name = "resources/import_profiles.yaml"
    text = resources.files("resources").joinpath("import_profiles.yaml").read_text(encoding="utf-8")
    return tuple(parse_profiles(load_yaml_text(text, path=name), name))


def load_profiles(config_folder: Path | None = None) -> tuple[dict[str, ImportProfile], tuple[str, ...]]:
    """Every profile by id (the user's file over the built-ins), and what was wrong with the user's file."""
    profiles = {p.id: p for p in builtin_profiles()}
    problems: tuple[str, ...] = ()
    if config_folder is not None and (config_folder / USER_FILE).is_file():
        loaded = load_user_file(config_folder / USER_FILE, parse_profiles)
        if isinstance(loaded, str):
            problems = (loaded,)
        else:
            profiles.update((p.id, p) for p in loaded)
    return profiles, problems


def detect(profiles: Mapping[str, ImportProfile], headers: tuple[str, ...]) -> ImportProfile | None:
    """The one profile whose ``detect`` cells are all in ``headers`` (None for none, or several)."""
    matching = [p for p in profiles.values() if p.matches(headers)]
    return matching[0] if len(matching) == 1 else None
