"""The bundle loader on hostile files: a Bundle that imports whole, or one SourceError line naming the file.

Hypothesis mutates the full fixture bundle (values of any type anywhere, keys
deleted and added, raw YAML tags, 5,000-digit numbers, nesting 1,000 deep,
lone surrogates, times outside 1900 to 2200, texts longer than their column,
NUL characters), breaks the text of the file, or writes random bytes, as
``.yaml`` and as ``.json``. Each outcome is one of two:

* a :class:`Bundle`, which then imports into a library whole (every
  participant, event, note, learning, action and meeting there);
* a :class:`SourceError` (or :class:`DomainError`) of one line naming the
  file, never the loader's last-line "unexpected problem", with the library
  unchanged.

Any other exception fails the test, as does an import of a parsed bundle
that fails (the database refusing what the validator let through).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models.bundle import (
    ACTION_KEYS,
    CONTEXT_KEYS,
    EVENT_KEYS,
    LEARNING_KEYS,
    MEETING_KEYS,
    NOTE_KEYS,
    PARTICIPANT_KEYS,
    PHASE_KEYS,
    REVIEW_KEYS,
    TOP_KEYS,
    UNEXPECTED,
    Bundle,
    import_bundle,
    load_bundle_file,
)
from models.catalog import Catalog
from models.entities import Review
from models.errors import DomainError
from models.snapshot import load_review
from models.store import Library
from models.yamlsource import SourceError, load_yaml_file
from tests.conftest import EXAMPLES
from tests.models.hostile_documents import broken_text, mutated, plain, render

FULL = Path(__file__).resolve().parent.parent / "data" / "full_bundle.yaml"
BASE = plain(load_yaml_file(FULL))
KEYS = tuple(dict.fromkeys(TOP_KEYS + REVIEW_KEYS + PARTICIPANT_KEYS + CONTEXT_KEYS + EVENT_KEYS + NOTE_KEYS
                           + LEARNING_KEYS + ACTION_KEYS + MEETING_KEYS + PHASE_KEYS))
FORMATS = st.sampled_from(("yaml", "json"))


def _count(library: Library) -> int:
    with library.begin() as session:
        return session.scalar(select(func.count()).select_from(Review)) or 0


def check_outcome(path: Path, library: Library, catalog: Catalog) -> Bundle | None:
    """Load ``path``: a Bundle that imports whole, or a one-line refusal naming the file; never else."""
    before = _count(library)
    try:
        bundle = load_bundle_file(path, catalog)
    except (SourceError, DomainError) as exc:
        message = str(exc)
        assert str(path) in message, message
        assert "\n" not in message and "\r" not in message, message
        assert UNEXPECTED not in message, message
        assert _count(library) == before
        return None
    with library.begin() as session:
        review_id = import_bundle(session, bundle)
    assert _count(library) == before + 1
    with library.begin() as session:
        doc = load_review(session, review_id)
    assert doc is not None
    assert doc.title == bundle.review.title
    assert (len(doc.participants), len(doc.events), len(doc.notes), len(doc.learnings), len(doc.actions),
            len(doc.meetings)) == (len(bundle.participants), len(bundle.timeline), len(bundle.notes),
                                   len(bundle.learnings), len(bundle.actions), len(bundle.meetings))
    return bundle


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    return path


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(doc=mutated(BASE, KEYS), fmt=FORMATS, ascii_only=st.booleans())
def test_a_mutated_bundle_loads_or_is_refused_naming_the_file(
        doc: Any, fmt: str, ascii_only: bool, library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """Values of any type anywhere, keys deleted and added, raw tokens: a Bundle or one SourceError line."""
    path = _write(tmp_path / f"mutated.{fmt}", render(doc, fmt, ascii_only=ascii_only))
    check_outcome(path, library, catalog)


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(doc=mutated(BASE, KEYS, most=2, gentle=True), fmt=FORMATS)
def test_a_bundle_with_near_miss_values_imports_whole_or_is_refused(
        doc: Any, fmt: str, library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """Text values almost right (at and past column lengths, times at the range's edges, zones, ids).

    Many of these still parse, so this is where "a bundle that parsed imports"
    is put to the test.
    """
    check_outcome(_write(tmp_path / f"gentle.{fmt}", render(doc, fmt)), library, catalog)


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(data=st.data(), fmt=FORMATS)
def test_a_broken_bundle_file_loads_or_is_refused_naming_the_file(
        data: st.DataObject, fmt: str, library: Library, catalog: Catalog, tmp_path: Path) -> None:
    """The text itself broken (lines dropped, doubled, shifted, characters spliced in) after a mutation."""
    doc = data.draw(mutated(BASE, KEYS, most=2))
    text = data.draw(broken_text(render(doc, fmt)))
    check_outcome(_write(tmp_path / f"broken.{fmt}", text), library, catalog)


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(content=st.binary(max_size=400), fmt=FORMATS)
def test_random_bytes_are_refused_naming_the_file(content: bytes, fmt: str, library: Library,
                                                  catalog: Catalog, tmp_path: Path) -> None:
    """Random bytes are not a bundle: one SourceError line naming the file, nothing imported."""
    assert check_outcome(_write(tmp_path / f"bytes.{fmt}", content), library, catalog) is None


@pytest.mark.fuzz
@settings(max_examples=EXAMPLES)
@given(data=st.data(), fmt=FORMATS)
def test_random_bytes_spliced_into_a_valid_bundle(data: st.DataObject, fmt: str, library: Library,
                                                  catalog: Catalog, tmp_path: Path) -> None:
    """Bytes of any value (invalid UTF-8 too) spliced into a valid bundle's file."""
    original = render(BASE, fmt).encode("utf-8")
    at = data.draw(st.integers(0, len(original)))
    cut = data.draw(st.integers(0, 8))
    piece = data.draw(st.binary(max_size=8))
    check_outcome(_write(tmp_path / f"spliced.{fmt}", original[:at] + piece + original[at + cut:]),
                  library, catalog)


def test_the_unmutated_fixture_imports_as_both_formats(library: Library, catalog: Catalog,
                                                       tmp_path: Path) -> None:
    """The base the mutations start from is itself a bundle that imports, as YAML and as JSON."""
    for fmt in ("yaml", "json"):
        path = _write(tmp_path / f"base.{fmt}", render(BASE, fmt))
        assert check_outcome(path, library, catalog) is not None
