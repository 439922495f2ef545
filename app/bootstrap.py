"""Wiring: the library, catalog and services, built once and handed to the views.

The window itself lives in ``views/``, which ``app/`` must not import. The GUI
registers itself under the ``debrief.gui`` entry point (see pyproject.toml),
so the command line (app/cli.py) can start it without depending on the view layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack

from app.capture_service import CaptureService
from app.changes import ChangeHub, Origin, ReviewChanges
from app.clock import Clock, system_clock
from app.drafts import DraftStore, drafts_path
from app.learnings_service import LearningsService
from app.library_watch import LibraryWatch
from app.lifecycle_service import SETTING as DUE_SETTING
from app.lifecycle_service import LifecycleService
from app.meeting_controller import MeetingController
from app.open_review import OpenReview
from app.patterns_service import PatternsService
from app.prompt_deck_controller import PromptDeckController
from app.review_service import ReviewService
from app.settings import Settings
from app.timeline_import_service import TimelineImportService
from app.undo import create_undo_stack
from models.catalog import Catalog, load_catalog
from models.language import LanguageRules, load_language_rules
from models.prompts import PromptBank, load_prompt_bank
from models.store import Library, config_dir, open_library


@dataclass
class Services:
    """Everything a window needs, built over one library."""

    library: Library
    catalog: Catalog
    reviews: ReviewService
    capture: CaptureService
    meeting: MeetingController
    settings: Settings
    imports: TimelineImportService
    undo: QUndoStack
    prompts: PromptDeckController
    #: Changes other programs make to the library (started by the window, see app/library_watch.py).
    watch: LibraryWatch
    #: Every commit's change set, ours and (through the watch) other programs'.
    changes: ChangeHub
    #: The open review: its one snapshot, kept current by the change sets (see app/open_review.py).
    current: OpenReview
    #: What is typed and not stored yet, and where the window was: kept on disk (see app/drafts.py).
    drafts: DraftStore
    #: Patterns across the library and similar past incidents (see app/patterns_service.py).
    patterns: PatternsService
    #: What is due and overdue across the library, and every review's open actions.
    lifecycle: LifecycleService
    #: Every learning of every review, by category (the learnings page).
    learnings: LearningsService
    #: What was wrong with the user's prompts.yaml (the built-in bank is used without it).
    prompt_problems: tuple[str, ...] = ()
    #: The blameless language coach's rules, and what was wrong with the user's language.yaml.
    language_rules: LanguageRules = field(default_factory=load_language_rules)


def build_services(library: Library, *, catalog: Catalog | None = None, clock: Clock = system_clock,
                   bank: PromptBank | None = None, parent: QObject | None = None) -> Services:
    """Services over an open ``library`` (catalog and prompt bank from the config folder if not given)."""
    catalog = catalog if catalog is not None else load_catalog(config_dir())
    prompt_problems: tuple[str, ...] = ()
    if bank is None:
        bank, prompt_problems = load_prompt_bank(config_dir())
    changes = ChangeHub(parent)
    watch = LibraryWatch(library, parent)
    # Changes from elsewhere take the path our own writes take: a change set on the same hub.
    watch.library_changed.connect(
        lambda: changes.announce(ReviewChanges(None, Origin.ELSEWHERE, library=True)))
    watch.review_changed.connect(lambda review_id: changes.announce(
        ReviewChanges.everything(review_id, Origin.ELSEWHERE)))
    meeting = MeetingController(library, catalog, clock, parent, changes=changes)
    prompts = PromptDeckController(library, catalog, bank, clock, parent)
    settings = Settings(config_dir() / "settings.json", parent)
    return Services(
        library=library,
        catalog=catalog,
        reviews=ReviewService(library, catalog, parent, clock=clock, changes=changes),
        capture=CaptureService(library, clock, parent, changes=changes),
        meeting=meeting,
        settings=settings,
        imports=TimelineImportService(library, catalog, changes, parent),
        undo=create_undo_stack(parent),
        prompts=prompts,
        watch=watch,
        changes=changes,
        current=OpenReview(library, changes, controllers=(prompts, meeting), watch=watch, parent=parent),
        drafts=DraftStore(drafts_path(library)),
        patterns=PatternsService(library, parent, catalog=catalog, changes=changes),
        lifecycle=LifecycleService(library, parent, clock=clock,
                                   working_days=lambda: settings.get(DUE_SETTING)),
        learnings=LearningsService(library, parent),
        prompt_problems=prompt_problems,
        language_rules=load_language_rules(config_dir()),
    )


def open_services(db_url: str | None) -> Services:
    """Open the library at ``db_url`` and build the services over it."""
    return build_services(open_library(db_url))
