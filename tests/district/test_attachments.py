"""Attachments: content-addressed, resumable chunks, checked hash, per street."""

from __future__ import annotations

import hashlib
import os

from desktop.domain.ids import new_id
from tests.district.conftest import Api
from tests.district.server_fixture import OTHER_STREET, DistrictServer


def _declare(api: Api, data: bytes) -> tuple[str, dict]:
    sha = hashlib.sha256(data).hexdigest()
    response = api.http.post("/api/attachments", headers=api.headers, json={
        "sha256": sha, "size": len(data), "media_type": "image/jpeg"})
    assert response.status_code == 200, response.text
    return sha, response.json()


def _put(api: Api, sha: str, offset: int, chunk: bytes):
    return api.http.put(f"/api/attachments/{sha}", params={"offset": offset}, content=chunk,
                        headers=api.headers | {"Content-Type": "application/octet-stream"})


def test_interrupted_upload_resumes_and_the_mutation_waits_for_it(
        enrolled: Api, district: DistrictServer) -> None:
    data = os.urandom(300_000)
    sha, status = _declare(enrolled, data)
    assert status == {"sha256": sha, "size": 300_000, "media_type": "image/jpeg",
                      "received": 0, "complete": False}
    assert _put(enrolled, sha, 0, data[:100_000]).json()["received"] == 100_000
    demand = enrolled.mutation("demand", new_id(), {"title": "带照片"}, attachments=[sha])
    waiting = enrolled.push([demand]).json()
    assert waiting["stopped"]["code"] == "attachment_missing" and waiting["results"] == []
    assert waiting["stopped"]["missing_attachments"] == [sha] and waiting["last_mutation_id"] == 0
    # the client restarts: asks where to resume, sends a wrong offset, then the right ones
    resume = enrolled.http.get(f"/api/attachments/{sha}/status", headers=enrolled.headers).json()
    assert resume["received"] == 100_000
    wrong = _put(enrolled, sha, 50_000, data[50_000:60_000])
    assert wrong.status_code == 409 and wrong.json()["error"]["details"]["received"] == 100_000
    assert _put(enrolled, sha, 100_000, data[100_000:]).json()["complete"] is True
    done = enrolled.http.get(f"/api/attachments/{sha}/status", headers=enrolled.headers).json()
    assert done["complete"] is True
    assert enrolled.push([demand]).json()["results"][0]["status"] == "applied"
    download = enrolled.http.get(f"/api/attachments/{sha}", headers=enrolled.headers)
    assert download.content == data and download.headers["content-type"] == "image/jpeg"
    other = Api(district, district.enroll(OTHER_STREET))
    hidden = other.http.get(f"/api/attachments/{sha}/status", headers=other.headers)
    assert hidden.status_code == 404


def test_bytes_that_do_not_match_the_hash_start_over(enrolled: Api) -> None:
    data = b"x" * 1000
    sha = hashlib.sha256(b"something else!").hexdigest()
    enrolled.http.post("/api/attachments", headers=enrolled.headers,
                       json={"sha256": sha, "size": len(data)})
    response = _put(enrolled, sha, 0, data)
    assert response.status_code == 422 and response.json()["error"]["code"] == "hash_mismatch"
    status = enrolled.http.get(f"/api/attachments/{sha}/status", headers=enrolled.headers).json()
    assert status["received"] == 0 and status["complete"] is False
