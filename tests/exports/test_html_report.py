"""The HTML report: hostile notes stay inert, same sections as Markdown, chart inlined, unique anchors."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser
from pathlib import Path

import docx

from exports.docx_report import to_docx
from exports.html_report import sanitize, slugify, to_html, write_html
from exports.markdown_report import to_markdown
from models.snapshot import EventRow, ReviewReport
from tests.exports.test_markdown_report import at, headings, make_report, note

LONG_WORD = "A" * 10_000
HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[y](JaVaScRiPt:alert(2)) and [ok](https://example.org/runbook)",
    '<a href="javascript:alert(3)" onclick="alert(4)">z</a>',
    "<svg onload=alert(5)></svg><iframe src=javascript:alert(6)></iframe>",
    "![pic](javascript:alert(7))",
    LONG_WORD,
    "العميل لم يتمكن من الدفع",
    "השרת לא הגיב בזמן",
    "Rollback worked 🎉🔥👩🏽‍💻",
)


class _Parsed(HTMLParser):
    """Every start tag with its attributes, and the text of the document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Parsed:
    parser = _Parsed()
    parser.feed(html)
    parser.close()
    return parser


def hostile_report(chart_png: bytes | None = None) -> ReviewReport:
    notes = tuple(note(200 + i, "timeline", "observation", text, event_id=10 if i % 2 else None)
                  for i, text in enumerate(HOSTILE))
    event = EventRow(10, at(9, 14), "<script>alert('event')</script>", "change", "deploy log", False,
                     ("Responder A",))
    return make_report(chart_png=chart_png, title="<img src=x onerror=alert(0)> السبب", notes=notes,
                       events=(event,), summary="[s](javascript:alert(9)) **bold**")


def test_hostile_notes_give_no_executable_html(chart_png: bytes) -> None:
    """Script tags, handlers and javascript: links never reach the HTML as markup."""
    report = hostile_report(chart_png)
    parsed = parse(to_html(report))
    for tag, attrs in parsed.tags:
        assert tag not in {"script", "iframe", "svg", "object", "embed"}, tag
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name)
            if name in {"href", "src"}:
                assert value is not None
                assert not value.strip().lower().startswith("javascript:"), (tag, name, value)
                if value.startswith("data:"):
                    assert tag == "img" and value.startswith("data:image/png;base64,")
    srcs = [attrs.get("src") for tag, attrs in parsed.tags if "src" in attrs]
    assert srcs == [f"data:image/png;base64,{base64.b64encode(chart_png).decode()}"]
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text  # shown as text, not run
    assert LONG_WORD in text
    for piece in HOSTILE[-3:]:
        assert piece in text
    links = [attrs.get("href") for tag, attrs in parsed.tags if tag == "a"]
    assert "https://example.org/runbook" in links


def test_user_text_is_marked_dir_auto() -> None:
    """Right-to-left text sits in elements with dir="auto"; the document declares utf-8 and a language."""
    html = to_html(hostile_report())
    assert '<html lang="en">' in html and '<meta charset="utf-8">' in html
    finder = _DirOfText(("العميل", "השרת", "السبب", "Rollback worked"))
    finder.feed(html)
    assert finder.found == {"العميل": True, "השרת": True, "السبب": True, "Rollback worked": True}
    assert "overflow-wrap: anywhere" in html and "word-break: break-word" in html


def test_hostile_notes_give_a_word_file_that_opens(chart_png: bytes) -> None:
    """The same notes make a .docx python-docx reads back, text intact."""
    document = docx.Document(io.BytesIO(to_docx(hostile_report(chart_png))))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for piece in HOSTILE:
        assert piece in text


def test_same_section_headings_as_markdown_in_order(chart_png: bytes) -> None:
    """Every heading of the Markdown export, in the same order, and no others."""
    report = make_report(chart_png=chart_png)
    parsed = _Headings()
    parsed.feed(to_html(report))
    assert parsed.found == [text for text in headings(to_markdown(report, image_name="c.png"))]


def test_chart_is_inlined_with_alt_text(chart_png: bytes) -> None:
    """The chart is a data: URI image with alt text; without a chart there is no image."""
    tags = parse(to_html(make_report(chart_png=chart_png))).tags
    images = [attrs for tag, attrs in tags if tag == "img"]
    assert len(images) == 1
    assert base64.b64decode(str(images[0]["src"]).split(",", 1)[1]) == chart_png
    assert images[0]["alt"]
    assert not [tag for tag, _ in parse(to_html(make_report())).tags if tag == "img"]


def test_anchors_are_unique_and_the_contents_link_to_them() -> None:
    """A title that repeats a section name gets distinct ids; every contents link points at one."""
    html = to_html(make_report(title="Timeline"))
    tags = parse(html).tags
    ids = [attrs["id"] for _, attrs in tags if "id" in attrs]
    assert len(ids) == len(set(ids))
    assert "timeline" in ids and "timeline-2" in ids
    links = [str(attrs["href"])[1:] for tag, attrs in tags
             if tag == "a" and str(attrs.get("href")).startswith("#")]
    assert links and set(links) <= set(ids)
    assert "what-went-well" in links  # the section, not the discussion phase before it


def test_sanitizer_keeps_only_the_allow_list() -> None:
    """Raw markup that got past Markdown is still cut down to inert tags and web links."""
    dirty = ('<p onclick="x()">a<script>alert(1)</script><img src=x onerror=alert(1)>'
             '<a href="javascript:alert(1)">j</a><a href="/relative">r</a><a href="mailto:a@b.c">m</a>'
             '<a href="https://e.org" style="color:red">w</a><span dir="rtl">s</span></p>')
    assert sanitize(dirty) == ('<p>a<a rel="noopener noreferrer">j</a><a rel="noopener noreferrer">r</a>'
                               '<a href="mailto:a@b.c" rel="noopener noreferrer">m</a>'
                               '<a href="https://e.org" rel="noopener noreferrer">w</a>s</p>')


def test_print_stylesheet_and_slugs() -> None:
    """Print CSS breaks pages before sections and hides the contents; slugs keep any script's letters."""
    html = to_html(make_report())
    assert "@media print" in html and "break-before: page" in html and "nav.toc { display: none; }" in html
    assert slugify("What went well") == "what-went-well"
    assert slugify("Ärger & Ölpreis!") == "ärger-ölpreis"
    assert slugify("🎉") == "section"


def test_private_notes_only_when_asked(tmp_path: Path) -> None:
    """write_html writes UTF-8; the private note appears only with include_private."""
    target = tmp_path / "r.html"
    write_html(make_report(), target)
    assert "Facilitator-only aside" not in target.read_text(encoding="utf-8")
    write_html(make_report(), target, include_private=True)
    assert "Facilitator-only aside" in target.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


class _Headings(HTMLParser):
    """The text of h1-h3 headings inside <main>, contents box excluded."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: str | None = None
        self._in_nav = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self._in_nav = True
        elif tag in {"h1", "h2", "h3"} and not self._in_nav:
            self._open = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_nav = False
        elif tag in {"h1", "h2", "h3"} and self._open is not None:
            self.found.append(self._open)
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open += data


class _DirOfText(HTMLParser):
    """For each needle: whether the text holding it is inside an element with dir="auto"."""

    VOID = frozenset({"br", "img", "col", "meta", "hr", "input", "link"})

    def __init__(self, needles: tuple[str, ...]) -> None:
        super().__init__()
        self.needles = needles
        self.found: dict[str, bool] = {}
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self._stack.append(dict(attrs).get("dir") == "auto")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        for needle in self.needles:
            if needle in data:
                self.found[needle] = self.found.get(needle, True) and any(self._stack)


def test_a_line_that_looks_like_a_link_definition_is_still_shown() -> None:
    """"[1]: https://..." in a note was taken as a Markdown link definition and vanished from the report."""
    notes = (note(300, "timeline", "observation", "[1]: https://status.example/incident"),
             note(301, "timeline", "observation", "[name]: https://files.example/x\nsee above"))
    text = "".join(parse(to_html(make_report(notes=notes))).text)
    assert "[1]: https://status.example/incident" in text
    assert "[name]: https://files.example/x" in text
