"""The HTML report: one self-contained file (styles and chart inlined) to read on screen or print.

The content and order are the Word and Markdown reports' (:func:`report_blocks`).
Text people typed is user input: it is rendered as Markdown with raw HTML
shown as text, then sanitised with an allow-list (``nh3``), so a note can
never carry a script, an event handler or a ``javascript:`` link into the file.
Text Debrief writes itself (headings, table headers, labels) is escaped.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

import markdown
import nh3

from exports.common import (
    Bullet,
    BulletList,
    Heading,
    Paragraph,
    Picture,
    ReportOptions,
    Table,
    fitted_column_widths,
    report_blocks,
    write_atomic,
)
from models.snapshot import ReviewReport

#: What user text may become once rendered: nothing that runs, loads or styles.
ALLOWED_TAGS = frozenset({"p", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "br", "blockquote"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_LINK = re.compile(r"^(https?|mailto):", re.IGNORECASE)

# Text Markdown would leave unchanged (no inline syntax, no block syntax at the
# start): escaped directly, which keeps a 2,000-event timeline fast.
_MARKUP = re.compile(r"[\\`*_\[\]<>&\n\t]|^\s|^[#>+=-]|^\d+[.)]")
_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_SPACE = re.compile(r"[\s_-]+")
_ONE_PARAGRAPH = re.compile(r"\A<p>((?:(?!</?p>).)*)</p>\Z", re.DOTALL)

STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: #1f2328; background: #fff; margin: 0 auto; max-width: 60rem; padding: 2rem 1.5rem 4rem;
  overflow-wrap: anywhere; word-break: break-word; }
h1, h2, h3 { line-height: 1.25; margin: 2rem 0 .75rem; }
h1 { font-size: 2rem; margin-top: 0; }
h2 { font-size: 1.45rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
h3 { font-size: 1.15rem; }
a { color: #0b57d0; }
nav.toc { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .75rem 1.25rem;
  margin: 1.5rem 0; }
nav.toc h2 { font-size: 1rem; border: 0; margin: 0 0 .4rem; padding: 0; }
nav.toc ol { margin: 0; padding-left: 1.25rem; }
.aside { font-style: italic; color: #57606a; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: .75rem 0 1.25rem;
  font-size: .92rem; }
th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; text-align: start; vertical-align: top;
  overflow-wrap: anywhere; word-break: break-word; }
th { background: #f6f8fa; }
td p, li p { margin: 0 0 .4rem; }
td p:last-child, li p:last-child { margin-bottom: 0; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: .5rem; border-radius: 4px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
blockquote { margin: 0 0 .5rem; padding-left: .75rem; border-left: 3px solid #d0d7de; color: #57606a; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav.toc { display: none; }
  main > h2 ~ h2 { break-before: page; page-break-before: always; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, figure, li { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; }
}
"""


def to_html(report: ReviewReport, *, include_private: bool = False,
            options: ReportOptions | None = None) -> str:
    """The review as one self-contained HTML document (private notes only if asked)."""
    blocks = report_blocks(report, include_private=include_private, options=options)
    renderer = _Renderer()
    ids = _anchors(block for block in blocks if isinstance(block, Heading))
    body: list[str] = []
    title = ""
    headings = iter(ids)
    for block in blocks:
        if isinstance(block, Heading):
            anchor = next(headings)
            if block.level == 0 and not title:
                title = block.text
            tag = f"h{min(block.level, 2) + 1}"
            body.append(f'<{tag} id="{escape(anchor)}" dir="auto">{escape(block.text)}</{tag}>')
        elif isinstance(block, Paragraph):
            css = ' class="aside"' if block.italic else ""
            body.append(f'<div{css} dir="auto">{renderer.block(block.text)}</div>')
        elif isinstance(block, BulletList):
            body.append(_bullets(block.items, renderer))
        elif isinstance(block, Table):
            body.append(_table(block, renderer))
        elif isinstance(block, Picture):
            data = base64.b64encode(block.png).decode("ascii")
            body.append(f'<figure><img src="data:image/png;base64,{data}" alt="{escape(block.alt)}">'
                        "</figure>")
    toc = _toc([(block, anchor) for block, anchor in zip(
        (b for b in blocks if isinstance(b, Heading)), ids, strict=True) if block.level == 1])
    # The title comes first in <main>; the contents follow it.
    first, rest = (body[0], body[1:]) if body else ("", [])
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Debrief">',
        f'<title dir="auto">{escape(title)}</title>',
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        first,
        toc,
        *rest,
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def write_html(report: ReviewReport, path: Path | str, *, include_private: bool = False,
               options: ReportOptions | None = None) -> None:
    """Write the HTML report to ``path`` (UTF-8); a failed export leaves no partial file behind."""
    write_atomic(path, to_html(report, include_private=include_private, options=options).encode("utf-8"))


def sanitize(html: str) -> str:
    """``html`` reduced to the allow-list: no scripts, handlers, styles, images or non-web links."""
    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes=attributes,
                     url_schemes=set(LINK_SCHEMES), attribute_filter=_only_web_links,
                     link_rel="noopener noreferrer")


def slugify(text: str) -> str:
    """A lower-case anchor name from heading text (letters of any script kept); "section" if none."""
    slug = _SLUG_SPACE.sub("-", _SLUG_DROP.sub("", text.lower())).strip("-")
    return slug or "section"


def _only_web_links(tag: str, attribute: str, value: str) -> str | None:
    # nh3 lets relative URLs through; a report's links must be absolute web or mail links.
    if attribute == "href":
        return value if _LINK.match(value.strip()) else None
    return value


def _anchors(headings: Iterable[Heading]) -> list[str]:
    """One unique id per heading (``timeline``, ``timeline-2``, ...), in the headings' order.

    The title and sections choose first, so a section keeps its plain name
    ("#what-went-well") even when a discussion phase of the same name comes before it.
    """
    listed = list(headings)
    ids = [""] * len(listed)
    used: set[str] = set()
    for index in sorted(range(len(listed)), key=lambda i: listed[i].level > 1):
        base = slugify(listed[index].text)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        ids[index] = anchor
    return ids


def _toc(sections: list[tuple[Heading, str]]) -> str:
    if not sections:
        return ""
    items = "".join(f'<li><a href="#{escape(anchor)}" dir="auto">{escape(h.text)}</a></li>'
                    for h, anchor in sections)
    return f'<nav class="toc" aria-label="Contents"><h2 class="toc-title">Contents</h2><ol>{items}</ol></nav>'


def _bullets(items: tuple[Bullet, ...], renderer: _Renderer) -> str:
    rows = []
    for item in items:
        lead = ""
        if item.lead:
            lead = f"<strong>{escape(item.lead)}{':' if item.text else ''}</strong>"
            lead += " " if item.text else ""
        rows.append(f'<li dir="auto">{lead}{renderer.inline(item.text) if item.text else ""}</li>')
    return f"<ul>{''.join(rows)}</ul>"


#: Table widths in thousandths of the text width; an em of body text and a cell's padding in the same
#: unit, for an A4 page's text (about 450 pt at 11 pt body text).
_PER_MILLE = 1000
_EM_PER_MILLE = 25
_PADDING_PER_MILLE = 20


def _table(block: Table, renderer: _Renderer) -> str:
    # Widths from the text, as the Word report sizes them: "Responder A" is never split (nor in the PDF).
    widths = fitted_column_widths(block, _PER_MILLE, em=_EM_PER_MILLE, padding=_PADDING_PER_MILLE)
    cols = "".join(f'<col style="width: {w / 10:.1f}%">' for w in widths)
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in block.header)
    rows = "".join("<tr>" + "".join(f'<td dir="auto">{renderer.inline(c)}</td>' for c in row) + "</tr>"
                   for row in block.rows)
    return f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


class _Renderer:
    """Typed text → sanitised HTML (Markdown, raw HTML shown as text, single newlines kept)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["nl2br"], output_format="html")
        # Raw HTML in a note is text to show, not markup: "<div> was empty" keeps its "<div>".
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")
        # A line like "[1]: https://..." (or an anonymized "[name]: https://...") would be
        # taken as a link definition and vanish from the report; typed text is always shown.
        self._md.parser.blockprocessors.deregister("reference")
        self._cache: dict[str, str] = {}

    def block(self, text: str) -> str:
        """``text`` as paragraphs, lists, quotes..."""
        if not _MARKUP.search(text):
            return f"<p>{escape(text, quote=False)}</p>"
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = sanitize(self._md.reset().convert(text))
        return cached

    def inline(self, text: str) -> str:
        """``text`` for a table cell or list item: one paragraph loses its ``<p>``."""
        if not _MARKUP.search(text):
            return escape(text, quote=False)
        html = self.block(text)
        single = _ONE_PARAGRAPH.match(html)
        return single.group(1) if single else html
