"""schemathesis against the running server's OpenAPI document: no server errors, and
every answer matches the documented status codes and schemas.

Bounded (a few examples per operation, ~10 s) so it runs in the normal suite. For a
deeper run: ``DISTRICT_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/district/test_schemathesis.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from district.export_openapi import OPENAPI_PATH
from tests.district.server_fixture import FURONG, DistrictServer, auth_headers, running_district

EXAMPLES = int(os.environ.get("DISTRICT_FUZZ_EXAMPLES", "5"))


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DistrictServer]:
    with running_district(tmp_path_factory.mktemp("fuzz")) as server:
        yield server


@pytest.fixture(scope="module")
def fuzz_headers(fuzz_server: DistrictServer) -> dict[str, str]:
    return auth_headers(fuzz_server.enroll(FURONG)["access_token"])


def _operations() -> list[str]:
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    return [f"{method.upper()} {path}" for path, item in sorted(document["paths"].items())
            for method in sorted(item)]


# schemathesis' own pytest plugin (schema.parametrize) does not run under pytest 9 yet,
# so each operation is one parametrized test driving the operation's hypothesis strategy.
@pytest.mark.parametrize("label", _operations())
def test_api_answers_without_server_errors(label: str, fuzz_server: DistrictServer,
                                           fuzz_headers: dict[str, str]) -> None:
    api_schema = schemathesis.openapi.from_url(fuzz_server.url + "/openapi.json")
    operation = next(result.ok() for result in api_schema.get_all_operations()
                     if result.ok().label == label)
    headers = dict(fuzz_headers)
    if operation.path.startswith("/admin/"):
        headers["Authorization"] = f"Bearer {fuzz_server.admin_token}"

    @given(operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(base_url=fuzz_server.url, headers=headers, checks=[
            not_a_server_error, status_code_conformance, response_schema_conformance])

    run()
