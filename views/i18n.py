"""Translation helpers for the view layer."""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark ``text`` for translation in ``context`` without translating it yet.

    Qt's own ``QT_TRANSLATE_NOOP`` is typed as returning ``object``; this one
    returns the ``str`` it was given, and ``pyside6-lupdate`` finds it by name.
    """
    return text
