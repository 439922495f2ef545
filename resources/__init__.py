"""Read-only data: templates, severities, stylesheets. Read with :func:`read_text`."""

from importlib import resources


def read_text(*parts: str) -> str:
    """The text of a bundled resource file, e.g. ``read_text("style.qss")``."""
    return resources.files(__name__).joinpath(*parts).read_text(encoding="utf-8")
