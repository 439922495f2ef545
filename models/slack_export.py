"""Timelines from a Slack export: the folder or .zip Slack's export tool writes.

An export holds ``users.json``, ``channels.json`` (and ``groups.json`` for
private channels) and one folder per channel with a JSON file per day
(``general/2026-03-02.json``) listing that day's messages. Day files follow
the workspace's local dates, so times come from each message's ``ts`` (Unix
seconds, UTC), never from the file name.

Each message of the chosen channel becomes a ``communication`` event with the
source "slack #channel". Its author becomes a participant, by the name people
know them by: the message's ``user_profile`` (display name, else real name),
else ``users.json`` (real name, display name, user name), else the user id.
Bot and integration messages (alerts, deploys) are kept without a participant;
their text comes from their attachments when the message has none. Thread
replies follow their parent, in time order, marked "↳ ". Slack markup becomes
readable text (``<@U1>`` → "@Ana", ``<#C1|ops>`` → "#ops", ``<https://x|docs>``
→ "docs (https://x)", ``<!here>`` → "@here", ``&amp;`` → "&"), and access
tokens Slack puts in file links (``?t=xoxe-…``) are taken out. An edited
message keeps its current text, marked "(edited)".

Joins, leaves, integrations added or removed, pins, reminders and deleted
messages are housekeeping: they are skipped and the preview says how many.
Topic and purpose changes are kept: in an incident channel they often carry
the status ("Mitigated, monitoring").
A zip is read in memory, member by member, never extracted; one that would
unpack to more than :data:`MAX_UNPACKED_BYTES` is refused.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy.orm import Session

from models.timeline_import import (
    MAX_NAME,
    ImportPreview,
    ImportProblem,
    ParsedRow,
    ParsedTimeline,
    make_preview,
)
from models.yamlsource import SourceError

MAX_UNPACKED_BYTES = 512 * 1024 * 1024
REPLY_MARK = "↳ "
EDITED_MARK = " (edited)"

#: Message subtypes that say nothing about the incident.
HOUSEKEEPING = frozenset((
    "channel_join", "channel_leave", "group_join", "group_leave", "member_joined_channel",
    "member_left_channel", "bot_add", "bot_remove", "bot_enable", "bot_disable", "app_conversation_join",
    "pinned_item", "unpinned_item", "reminder_add", "reminder_delete", "tombstone", "message_deleted",
    "joiner_notification", "slackbot_response", "channel_archive", "channel_unarchive", "group_archive",
    "group_unarchive",
))

_DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
_MARKUP = re.compile(r"<([^<>\n]*)>")
_TOKEN_PARAM = re.compile(r"(?<=[?&])[^=&#]*=xox[a-z]-[^&#]*&?")
_SCHEMES = ("https://", "http://", "mailto:", "tel:")


@dataclass(frozen=True)
class SlackChannel:
    id: str
    name: str


class _Export:
    """The files of an export, from a folder or a zip, by their path inside it ("general/2026-03-02.json")."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, zipfile.ZipInfo] = {}
        self._read_bytes = 0
        if path.is_dir():
            self._names = self._folder_names(path)
        else:
            self._names = self._zip_names(path)
        if "users.json" not in self._names or "channels.json" not in self._names:
            self.close()
            raise SourceError("not a Slack export: users.json and channels.json are missing "
                              f"(export a workspace from Slack and pick the {self._what()})", path=str(path))

    def _what(self) -> str:
        return ".zip it gives you" if self._zip is not None else "folder that holds them"

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def names(self) -> set[str]:
        return self._names

    def read_json(self, name: str) -> Any:
        """The parsed JSON of member ``name``; ``SourceError`` naming it when it is not JSON."""
        return self.decode_json(name, self.read(name))

    def decode_json(self, name: str, data: bytes) -> Any:
        try:
            return json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise SourceError(f"{name}: not UTF-8 text (byte {exc.start})", path=str(self.path)) from exc
        except json.JSONDecodeError as exc:
            raise SourceError(f"{name}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                              path=str(self.path)) from exc

    def read(self, name: str) -> bytes:
        """The bytes of member ``name`` (within the zip's unpacking budget)."""
        if self._zip is None:
            try:
                return (self.path / name).read_bytes()
            except OSError as exc:
                raise SourceError(f"{name}: cannot read it: {exc.strerror or exc}", path=str(self.path)) \
                    from exc
        info = self._members[name]
        budget = MAX_UNPACKED_BYTES - self._read_bytes
        try:
            with self._zip.open(info) as member:
                # Read one byte past the budget: the sizes in a zip's directory can lie.
                data = member.read(budget + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
            raise SourceError(f"{name}: cannot read it from the zip: {exc}", path=str(self.path)) from exc
        self._read_bytes += len(data)
        if len(data) > budget:
            raise self._too_big()
        return data

    def _too_big(self) -> SourceError:
        limit = MAX_UNPACKED_BYTES // (1024 * 1024)
        return SourceError(f"the zip unpacks to more than {limit} MB, more than a Slack export import "
                           "reads; refused (is it a zip bomb?)", path=str(self.path))

    @staticmethod
    def _folder_names(path: Path) -> set[str]:
        names: set[str] = set()
        try:
            for entry in path.iterdir():
                if entry.is_file() and entry.suffix == ".json":
                    names.add(entry.name)
                elif entry.is_dir():
                    names.update(f"{entry.name}/{day.name}" for day in entry.iterdir()
                                 if day.is_file() and _DAY_FILE.fullmatch(day.name))
        except OSError as exc:
            raise SourceError(f"cannot read the folder: {exc.strerror or exc}", path=str(path)) from exc
        return names

    def _zip_names(self, path: Path) -> set[str]:
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise SourceError("not a zip file (a Slack export is a .zip or the folder unpacked from it)",
                              path=str(path)) from exc
        except OSError as exc:
            raise SourceError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc
        infos = [i for i in self._zip.infolist()
                 if not i.is_dir() and not i.filename.startswith(("__MACOSX/", "/"))]
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            self._zip.close()
            raise self._too_big()
        # Some tools zip the export folder itself: read from where users.json is.
        tops = sorted((i.filename for i in infos if PurePosixPath(i.filename).name == "users.json"),
                      key=lambda n: (n.count("/"), n))
        prefix = tops[0][: -len("users.json")] if tops else ""
        for info in infos:
            if info.filename.startswith(prefix):
                inner = info.filename[len(prefix):]
                parts = inner.split("/")
                if len(parts) == 1 or (len(parts) == 2 and _DAY_FILE.fullmatch(parts[1])):
                    self._members[inner] = info
        return set(self._members)


def slack_channels(path: Path) -> list[str]:
    """The names of the export's channels that have messages, sorted; ``SourceError`` if it is no export."""
    export = _Export(path)
    try:
        return [c.name for c in _channels(export)]
    finally:
        export.close()


def parse_slack(path: Path, *, channel: str | None = None) -> ParsedTimeline:
    """Read one channel of a Slack export (the only one if ``channel`` is None)."""
    export = _Export(path)
    try:
        channels = _channels(export)
        chosen = _choose(channels, channel, path)
        users = _users(export.read_json("users.json"))
        all_channels = {c.id: c.name for c in _all_channels(export)}
        return _Reader(export, chosen, users, all_channels, tuple(c.name for c in channels)).read()
    finally:
        export.close()


def preview_slack(session: Session, review_id: int, path: Path, *,
                  channel: str | None = None) -> ImportPreview:
    """One channel of the Slack export at ``path`` as events for ``review_id``."""
    return make_preview(session, review_id, parse_slack(path, channel=channel))


class ChannelChoiceError(SourceError):
    """The export has several channels and none was chosen."""

    def __init__(self, path: Path, channels: list[str]) -> None:
        super().__init__(f"the export has {len(channels)} channels, choose one: {', '.join(channels)}",
                         path=str(path))
        self.channels = channels


def render_markup(text: str, users: dict[str, str], channels: dict[str, str]) -> str:
    """Slack's message markup as plain text a person reads."""
    out: list[str] = []
    last = 0
    for match in _MARKUP.finditer(text):
        out.append(_unescape(text[last:match.start()]))
        out.append(_render_token(match.group(1), users, channels))
        last = match.end()
    out.append(_unescape(text[last:]))
    return "".join(out)


def strip_tokens(url: str) -> str:
    """``url`` without query parameters that carry Slack access tokens (``?t=xoxe-…``)."""
    cleaned = _TOKEN_PARAM.sub("", url)
    return re.sub(r"[?&]+(?=#|$)", "", cleaned)


def _render_token(inner: str, users: dict[str, str], channels: dict[str, str]) -> str:
    target, _bar, label = inner.partition("|")
    label = _unescape(label)
    if target.startswith("@"):
        ident = target[1:]
        return "@" + (users.get(ident) or label.lstrip("@") or ident)
    if target.startswith("#"):
        ident = target[1:]
        return "#" + (label.lstrip("#") or channels.get(ident) or ident)
    if target.startswith("!"):
        command = target[1:]
        if command in ("here", "channel", "everyone"):
            return "@" + command
        name = command.split("^", 1)[0]
        return label or ("@" + name if name in ("subteam",) else name)
    url = strip_tokens(_unescape(target))
    if not label:
        return url.removeprefix("mailto:")
    bare = url
    for scheme in _SCHEMES:
        bare = bare.removeprefix(scheme)
    if label in (url, bare) or label.rstrip("/") == bare.rstrip("/"):
        return label
    return f"{label} ({url})"


def _bot_name(data: dict[str, Any]) -> str:
    """The name a bot or integration posts under ("PagerDuty"), or ""."""
    profile = data.get("bot_profile")
    for candidate in (data.get("username"), profile.get("name") if isinstance(profile, dict) else None):
        if isinstance(candidate, str) and candidate.strip():
            return " ".join(candidate.split())
    return ""


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _all_channels(export: _Export) -> list[SlackChannel]:
    found: list[SlackChannel] = []
    for listing in ("channels.json", "groups.json"):
        if listing not in export.names():
            continue
        data = export.read_json(listing)
        if not isinstance(data, list):
            raise SourceError(f"{listing}: should list channels", path=str(export.path))
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and item.get("name"):
                found.append(SlackChannel(id=str(item.get("id") or item["name"]), name=item["name"]))
    return found


def _channels(export: _Export) -> list[SlackChannel]:
    """The listed channels that have day files, by name."""
    folders = {name.split("/", 1)[0] for name in export.names() if "/" in name}
    channels = sorted((c for c in _all_channels(export) if c.name in folders), key=lambda c: c.name)
    if not channels:
        raise SourceError("not a Slack export: no channel has day files (channel/YYYY-MM-DD.json)",
                          path=str(export.path))
    return channels


def _choose(channels: list[SlackChannel], wanted: str | None, path: Path) -> SlackChannel:
    if wanted is None or not wanted.strip():
        if len(channels) == 1:
            return channels[0]
        raise ChannelChoiceError(path, [c.name for c in channels])
    name = wanted.strip().removeprefix("#")
    for candidate in channels:
        if candidate.name == name or candidate.id == name:
            return candidate
    raise SourceError(f"no channel {name!r} with messages in the export (channels: "
                      f"{', '.join(c.name for c in channels)})", path=str(path))


def _users(data: Any) -> dict[str, str]:
    """User id → the name people know them by, from users.json."""
    names: dict[str, str] = {}
    if not isinstance(data, list):
        return names
    for user in data:
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            continue
        profile: dict[str, Any] = user["profile"] if isinstance(user.get("profile"), dict) else {}
        for candidate in (user.get("real_name"), profile.get("real_name"), profile.get("display_name"),
                          user.get("name")):
            if isinstance(candidate, str) and candidate.strip():
                names[user["id"]] = " ".join(candidate.split())
                break
    return names


def _parse_ts(value: Any) -> tuple[int, int] | None:
    """A Slack ``ts`` ("1452837318.000002") as (seconds, microseconds), exactly; None if it is not one."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,12}(\.\d{1,9})?", value):
        return None
    seconds, _dot, fraction = value.partition(".")
    return int(seconds), int((fraction + "000000")[:6])


@dataclass
class _Message:
    file: str
    position: int
    ts: str
    moment: tuple[int, int]
    thread: str | None
    data: dict[str, Any]


class _Reader:
    """Reads one channel's day files into rows."""

    def __init__(self, export: _Export, channel: SlackChannel, users: dict[str, str],
                 channels: dict[str, str], channel_names: tuple[str, ...]) -> None:
        self.export = export
        self.channel = channel
        self.users = dict(users)
        self.channels = channels
        self.channel_names = channel_names
        self.problems: list[ImportProblem] = []
        self.skipped: Counter[str] = Counter()
        self.bot_messages = 0

    def read(self) -> ParsedTimeline:
        messages = list(self._messages())
        self._prefer_profiles(messages)
        names = self._unique_names()
        ordered = self._thread_order(messages)
        rows: list[ParsedRow] = []
        seen: set[str] = set()
        source = f"slack #{self.channel.name}"
        for message in ordered:
            if message.ts in seen:
                self.skipped["repeated"] += 1
                continue
            seen.add(message.ts)
            text = self._text(message.data)
            if not text:
                self.skipped["empty"] += 1
                continue
            author = self._author(message.data)
            people: tuple[str, ...] = ()
            if author is not None:
                people = (names.get(author) or author,)
            elif bot := _bot_name(message.data):
                text = f"{bot}: {text}"
            reply = message.thread is not None and message.thread != message.ts
            if reply:
                text = REPLY_MARK + text
            if isinstance(message.data.get("edited"), dict):
                text += EDITED_MARK
            seconds, micros = message.moment
            at = datetime.fromtimestamp(seconds, UTC) + timedelta(microseconds=micros)
            rows.append(ParsedRow(row=len(rows) + 1, at=at, text=text, kind="communication", source=source,
                                  participants=people, reply=reply,
                                  external_id=f"slack:{self.channel.id}:{message.ts}"))
        return ParsedTimeline(path=self.export.path, kind="slack", rows=tuple(rows),
                              problems=tuple(self.problems), notices=tuple(self._notices(rows)),
                              skipped=sum(self.skipped.values()), channels=self.channel_names,
                              channel=self.channel.name)

    def _messages(self) -> Iterator[_Message]:
        prefix = self.channel.name + "/"
        for name in sorted(n for n in self.export.names() if n.startswith(prefix)):
            raw = self.export.read(name)
            try:
                data = self.export.decode_json(name, raw)
            except SourceError as exc:
                self.problems.append(ImportProblem(None, exc.reason))
                continue
            if not isinstance(data, list):
                self.problems.append(ImportProblem(None, f"{name}: should list messages"))
                continue
            for position, item in enumerate(data, start=1):
                if not isinstance(item, dict) or item.get("type", "message") != "message":
                    continue
                subtype = item.get("subtype")
                if subtype in HOUSEKEEPING:
                    self.skipped[str(subtype)] += 1
                    continue
                moment = _parse_ts(item.get("ts"))
                if moment is None:
                    self.problems.append(ImportProblem(
                        None, f"{name}, message {position}: ts {item.get('ts')!r} is not a Slack time"))
                    continue
                thread = item.get("thread_ts") if isinstance(item.get("thread_ts"), str) else None
                yield _Message(name, position, item["ts"], moment, thread, item)

    def _prefer_profiles(self, messages: list[_Message]) -> None:
        """Names from the messages' own profiles (the latest wins) over users.json."""
        for message in sorted(messages, key=lambda m: m.moment):
            profile = message.data.get("user_profile")
            user = message.data.get("user")
            if isinstance(profile, dict) and isinstance(user, str):
                for candidate in (profile.get("display_name"), profile.get("real_name")):
                    if isinstance(candidate, str) and candidate.strip():
                        self.users[user] = " ".join(candidate.split())
                        break

    def _unique_names(self) -> dict[str, str]:
        """User id → participant name; two people with one name get their ids added."""
        counts = Counter(name.casefold() for name in self.users.values())
        return {
            ident: (name if counts[name.casefold()] == 1 else f"{name} ({ident})")[:MAX_NAME]
            for ident, name in self.users.items()
        }

    @staticmethod
    def _thread_order(messages: list[_Message]) -> list[_Message]:
        """Top-level messages by time, each followed by its replies by time."""
        replies: dict[str, list[_Message]] = {}
        top: list[_Message] = []
        timestamps = {m.ts for m in messages}
        for message in messages:
            if message.thread is not None and message.thread != message.ts and message.thread in timestamps:
                replies.setdefault(message.thread, []).append(message)
            else:
                top.append(message)
        ordered: list[_Message] = []
        for message in sorted(top, key=lambda m: m.moment):
            ordered.append(message)
            ordered.extend(sorted(replies.get(message.ts, ()), key=lambda m: m.moment))
        return ordered

    def _author(self, data: dict[str, Any]) -> str | None:
        """The user id of the person who wrote ``data``; None for bots and integrations."""
        if data.get("subtype") == "bot_message" or (data.get("bot_id") and not data.get("user")):
            self.bot_messages += 1
            return None
        comment = data.get("comment")
        if data.get("subtype") == "file_comment" and isinstance(comment, dict):
            user = comment.get("user")
        else:
            user = data.get("user")
        if not isinstance(user, str) or not user:
            return None
        if user not in self.users:
            self.users[user] = user
        return user

    def _text(self, data: dict[str, Any]) -> str:
        text = data.get("text")
        rendered = self._render(text).strip() if isinstance(text, str) else ""
        if rendered:
            return rendered
        parts: list[str] = []
        for attachment in data.get("attachments") or ():
            if not isinstance(attachment, dict):
                continue
            own = [self._render(attachment[key]).strip() for key in ("pretext", "title", "text")
                   if isinstance(attachment.get(key), str) and attachment[key].strip()]
            if not own and isinstance(attachment.get("fallback"), str):
                own = [self._render(attachment["fallback"]).strip()]
            parts.extend(p for p in own if p)
        files: list[Any] = data["files"] if isinstance(data.get("files"), list) else [data.get("file")]
        if not parts:
            parts.extend(f"shared a file: {f.get('title') or f.get('name')}" for f in files
                         if isinstance(f, dict) and (f.get("title") or f.get("name")))
        return "\n".join(parts)

    def _render(self, text: str) -> str:
        return render_markup(text, self.users, self.channels)

    def _notices(self, rows: list[ParsedRow]) -> list[str]:
        notices: list[str] = []
        housekeeping = {k: v for k, v in self.skipped.items() if k not in ("empty", "repeated")}
        if housekeeping:
            listed = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(housekeeping.items()))
            notices.append(f"housekeeping messages skipped: {sum(housekeeping.values())} ({listed})")
        if self.skipped["empty"]:
            notices.append(f"messages without text skipped: {self.skipped['empty']}")
        if self.skipped["repeated"]:
            notices.append(f"messages that appear twice in the export, taken once: "
                           f"{self.skipped['repeated']}")
        if self.bot_messages:
            notices.append(f"messages from bots or integrations, imported without a participant: "
                           f"{self.bot_messages}")
        replies = sum(1 for r in rows if r.reply)
        if replies:
            notices.append(f"thread replies, placed after their parent and marked {REPLY_MARK.strip()}: "
                           f"{replies}")
        if not rows and not self.problems:
            notices.append(f"#{self.channel.name} has no messages to import")
        return notices
