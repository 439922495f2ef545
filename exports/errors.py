"""Errors of the export formats, in a module of their own so that naming one loads no writer."""


class ReportTemplateError(ValueError):
    """The chosen company template cannot be used as a Word template."""
