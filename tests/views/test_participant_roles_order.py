"""Roles stored in another order than the dialog lists them are not a change (nor a conflict)."""

from PySide6.QtWidgets import QDialog

from app.review_service import ReviewService
from models.store import open_library
from views.participant_dialog import ParticipantDialog
from views.stale_edit_dialog import StaleEditChoice, StaleEditDialog


def test_untouched_roles_in_another_order_are_neither_a_change_nor_a_conflict(review_window, qtbot, db_url,
                                                                             catalog, monkeypatch):
    window = review_window
    page = window.review_page
    review_id = page.review_id
    # roles as a bundle or the command line stored them: not in the dialog's order
    person_id = window.services.reviews.add_participant(review_id, name="Priya",
                                                        roles=["responder", "facilitator"])
    qtbot.waitUntil(lambda: page.doc is not None and len(page.doc.participants) == 1)
    shown = page.doc.participants[0]
    # A colleague adds a role; this window does not know yet.
    ReviewService(open_library(db_url), catalog).update_participant(
        review_id, person_id, roles=["responder", "facilitator", "observer"])

    def accept(dialog):
        dialog._brought_in.setText("paged by alert")  # the only thing this user changes
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ParticipantDialog, "exec", accept)
    asked = []
    monkeypatch.setattr(StaleEditDialog, "ask",
                        lambda _p, error, label, **_k: asked.append((error.field, error.theirs, error.mine))
                        or StaleEditChoice.RELOAD)
    page.level_setting._participants._edit(shown)
    doc = window.services.reviews.get(review_id)
    assert doc is not None and doc.participants[0].brought_in == "paged by alert"
    assert set(doc.participants[0].roles) == {"responder", "facilitator", "observer"}  # theirs kept
    assert not asked, "asked about roles the user never touched"
