"""The closed vocabularies of the review domain.

Each is a tuple of the ids that the file formats use, in the order a person
would want to see them. They are plain strings in the database so that the
bundle format and the schema speak the same words.
"""

REVIEW_KINDS = ("incident", "near-miss")
REVIEW_STATUSES = ("draft", "scheduled", "reviewed", "closed")

ROLES = (
    "facilitator",
    "note-taker",
    "incident-commander",
    "communications",
    "responder",
    "subject-matter-expert",
    "observer",
)

EVENT_KINDS = (
    "change",
    "detection",
    "escalation",
    "communication",
    "decision",
    "action",
    "mitigation",
    "resolution",
    "impact",
    "observation",
)

NOTE_KINDS = (
    "observation",
    "went-well",
    "surprise",
    "question",
    "learning",
    "action",
    "parking-lot",
)

LEARNING_CATEGORIES = ("technical", "process", "organisational", "knowledge", "communication")

ACTION_PRIORITIES = ("low", "medium", "high")
ACTION_STATUSES = ("open", "in-progress", "done", "not-doing")

MEETING_KINDS = ("review", "actions")

#: Human labels for ids, used by exports and (translated) by views.
LABELS = {
    "incident": "Incident",
    "near-miss": "Near miss",
    "draft": "Draft",
    "scheduled": "Scheduled",
    "reviewed": "Reviewed",
    "closed": "Closed",
    "facilitator": "Facilitator",
    "note-taker": "Note-taker",
    "incident-commander": "Incident commander",
    "communications": "Communications",
    "responder": "Responder",
    "subject-matter-expert": "Subject-matter expert",
    "observer": "Observer",
    "observation": "Observation",
    "went-well": "Went well",
    "surprise": "Surprise",
    "question": "Question",
    "learning": "Learning",
    "action": "Action",
    "parking-lot": "Parking lot",
    "change": "Change",
    "detection": "Detection",
    "escalation": "Escalation",
    "communication": "Communication",
    "decision": "Decision",
    "mitigation": "Mitigation",
    "resolution": "Resolution",
    "impact": "Impact",
    "technical": "Technical",
    "process": "Process",
    "organisational": "Organisational",
    "knowledge": "Knowledge",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "open": "Open",
    "in-progress": "In progress",
    "done": "Done",
    "not-doing": "Not doing",
    "review": "Review",
    "actions": "Actions",
}


def label(value: str) -> str:
    """The human label of a vocabulary id (the id itself when unknown)."""
    return LABELS.get(value, value)
