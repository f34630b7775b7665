"""The chunk upload goes on from where the district stands when a chunk's answer was
lost (409 offset_mismatch on the resend), also when the district already has the whole
file; a district that refuses its own offset stops the run with a Chinese message."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import pytest

from desktop.sync.attachments import CHUNK, file_path, upload
from desktop.sync.client import RequestRefusedError, SyncError


class FakeDistrict:
    """The HTTP edge. ``received`` is what the district really has; the first
    declaration answers ``believed`` (the install's view after an answer was lost)."""

    def __init__(self, size: int, *, received: int, believed: int | None,
                 stuck: bool = False) -> None:
        self.size, self.received, self.believed, self.stuck = size, received, believed, stuck
        self.puts: list[int] = []

    async def declare_attachment(self, sha256: str, size: int, media_type: str) -> dict[str, Any]:
        received, self.believed = (self.believed, None) if self.believed is not None \
            else (self.received, None)
        return {"received": received, "complete": received == self.size}

    async def put_chunk(self, sha256: str, offset: int, data: bytes) -> dict[str, Any]:
        self.puts.append(offset)
        if self.stuck or offset != self.received:  # also when complete (a strict vendor)
            raise RequestRefusedError("附件续传位置不符", status=409, code="offset_mismatch")
        self.received += len(data)
        return {"received": self.received, "complete": self.received == self.size}


def _file(folder: Path, size: int) -> str:
    data = (bytes(range(256)) * (size // 256 + 1))[:size]
    sha256 = hashlib.sha256(data).hexdigest()
    path = file_path(folder, sha256)
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return sha256


def _upload(district: FakeDistrict, folder: Path, sha256: str) -> None:
    asyncio.run(upload(district, folder, sha256, district.size, "image/jpeg"))  # type: ignore[arg-type]


def test_a_resent_chunk_the_district_already_has_goes_on_from_received(tmp_path: Path) -> None:
    size = 2 * CHUNK + 100
    sha256 = _file(tmp_path, size)
    district = FakeDistrict(size, received=CHUNK, believed=0)
    _upload(district, tmp_path, sha256)
    assert district.received == size
    assert district.puts == [0, CHUNK, 2 * CHUNK]  # the resend at 0 is refused, then on


def test_a_mismatch_when_the_district_has_the_whole_file_ends_the_upload(tmp_path: Path) -> None:
    size = 2 * CHUNK + 100
    sha256 = _file(tmp_path, size)
    district = FakeDistrict(size, received=size, believed=2 * CHUNK)
    _upload(district, tmp_path, sha256)
    assert district.puts == [2 * CHUNK]  # refused, then "complete": nothing more is sent


def test_a_district_that_refuses_its_own_offset_stops_the_run(tmp_path: Path) -> None:
    size = CHUNK + 100
    sha256 = _file(tmp_path, size)
    district = FakeDistrict(size, received=0, believed=0, stuck=True)
    with pytest.raises(SyncError, match="上传位置"):
        _upload(district, tmp_path, sha256)
    assert district.puts == [0]
