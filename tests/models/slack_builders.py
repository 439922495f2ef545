"""Small Slack exports for tests, laid out as Slack's export tool writes them.

An export is ``users.json``, ``channels.json`` (``groups.json`` for private
channels) and a folder per channel holding one ``YYYY-MM-DD.json`` per day.
Messages carry the fields Slack writes (``client_msg_id``, ``team``,
``user_profile``, ``blocks``, thread fields); only the ones a test is about vary.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: User id → profile; a message's display name is the name people know its author by.
PROFILES = {
    "U1": {"real_name": "Priya Shah", "display_name": "Priya"},
    "U2": {"real_name": "Bo Chen", "display_name": ""},
    "U3": {"real_name": "Cleo Park", "display_name": "cleo"},
}
HANDLES = {"U1": "priya.shah", "U2": "bo", "U3": "cleo"}


def ts(day: int, hour: int, minute: int, second: int = 0, micro: int = 100) -> str:
    """A Slack ``ts`` for 2026-03-``day`` ``hour``:``minute`` UTC ("1772460120.000100")."""
    moment = datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)
    return f"{int(moment.timestamp())}.{micro:06d}"


def users() -> list[dict[str, Any]]:
    """users.json: three people, as Slack lists them."""
    return [{"id": ident, "team_id": "T1", "name": HANDLES[ident], "deleted": False,
             "real_name": profile["real_name"], "tz": "Europe/Berlin", "is_bot": False,
             "profile": {**profile, "real_name_normalized": profile["real_name"],
                         "display_name_normalized": profile["display_name"], "team": "T1"}}
            for ident, profile in PROFILES.items()]


def channel(ident: str, name: str, **extra: Any) -> dict[str, Any]:
    """A channels.json entry (``created`` a string, as Slack wrote it in real exports)."""
    return {"id": ident, "name": name, "created": "1772442000", "creator": "U1", "is_archived": False,
            "is_general": False, "members": list(PROFILES),
            "topic": {"value": "", "creator": "", "last_set": "0"},
            "purpose": {"value": "", "creator": "", "last_set": "0"}, **extra}


def message(user: str, text: str, at: str, **extra: Any) -> dict[str, Any]:
    """A person's message as Slack exports it."""
    profile = {"real_name": PROFILES[user]["real_name"], "display_name": PROFILES[user]["display_name"],
               "team": "T1"}
    return {"client_msg_id": f"m-{at}", "type": "message", "text": text, "user": user, "ts": at, "team": "T1",
            "user_team": "T1", "source_team": "T1", "user_profile": profile,
            "blocks": [{"type": "rich_text", "block_id": "b", "elements": []}], **extra}


def parent(user: str, text: str, at: str, replies: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """A thread's first message; ``replies`` are (user, ts) pairs, as the parent lists them."""
    listed = list(replies)
    return message(user, text, at, thread_ts=at, reply_count=len(listed), reply_users_count=len(listed),
                   latest_reply=listed[-1][1] if listed else at,
                   replies=[{"user": u, "ts": t} for u, t in listed], is_locked=False, subscribed=False)


def reply(user: str, text: str, at: str, thread: str, parent_user: str = "U1") -> dict[str, Any]:
    """A reply in the thread that began at ``thread``."""
    return message(user, text, at, thread_ts=thread, parent_user_id=parent_user)


def tombstone(at: str, replies: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """What Slack leaves where a thread's first message was deleted."""
    listed = list(replies)
    return {"type": "message", "subtype": "tombstone", "text": "This message was deleted.",
            "user": "USLACKBOT", "hidden": True, "ts": at, "thread_ts": at, "reply_count": len(listed),
            "replies": [{"user": u, "ts": t} for u, t in listed], "is_locked": False, "subscribed": False}


def rename(user: str, old: str, new: str, at: str, subtype: str = "channel_name") -> dict[str, Any]:
    """A rename message: Slack keeps the old and the new name."""
    return {"type": "message", "subtype": subtype, "user": user, "ts": at, "old_name": old, "name": new,
            "text": f'<@{user}> has renamed the channel from "{old}" to "{new}"'}


def day_files(folder: str, messages: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """``messages`` in the day files of ``folder``, by the UTC date of their ts."""
    files: dict[str, list[dict[str, Any]]] = {}
    for item in messages:
        day = datetime.fromtimestamp(float(item["ts"]), UTC).date().isoformat()
        files.setdefault(f"{folder}/{day}.json", []).append(item)
    return files


def export_files(channels: Mapping[str, Iterable[dict[str, Any]]], *,
                 listed: list[dict[str, Any]] | None = None,
                 groups: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The files of an export with ``channels`` (folder name → messages), listed in channels.json."""
    files: dict[str, Any] = {"users.json": users(), "channels.json": listed if listed is not None else [
        channel(f"C{index}", name) for index, name in enumerate(channels, start=1)]}
    if groups is not None:
        files["groups.json"] = groups
    for name, messages in channels.items():
        files.update(day_files(name, messages))
    return files


def write_folder(root: Path, files: Mapping[str, Any]) -> Path:
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return root


def write_zip(path: Path, files: Mapping[str, Any]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data if isinstance(data, str) else json.dumps(data))
    return path
