"""Fixtures for the export tests (no Qt here: exports get the chart as bytes)."""

from __future__ import annotations

import struct
import zlib

import pytest


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(width: int = 40, height: int = 20) -> bytes:
    """A real, tiny, grey RGB PNG: what python-docx and a browser need to size a picture."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows))
            + _chunk(b"IEND", b""))


@pytest.fixture
def chart_png() -> bytes:
    """The stand-in for the who-knew-what-when chart."""
    return make_png()
