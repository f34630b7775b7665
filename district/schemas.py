"""The wire contract of the district sync protocol (PROTOCOL.md), as pydantic models.

These models ARE the contract: FastAPI turns them into district/openapi.json, which a
district's IT vendor implements and the client (desktop/sync) is written against. Keep
changes additive (a new optional field, a new endpoint) and note each one with a dated
line in PROTOCOL.md; anything else needs a new protocol version.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
SCHEMA_VERSION = 1
MAX_MUTATIONS = 100
MAX_BODY_BYTES = 1024 * 1024
DEFAULT_PAGE = 500
MAX_PAGE = 1000

SHA256_PATTERN = r"^[0-9a-f]{64}$"
TABLE_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"
STREET_PATTERN = r"^[0-9]{12}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- errors ----------------------------------------------------------------------------


class ErrorInfo(_Model):
    code: str = Field(description="Machine-readable error code, e.g. token_expired.")
    message: str = Field(description="A Chinese sentence the client can show as it is.")
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(_Model):
    error: ErrorInfo


# --- hello -----------------------------------------------------------------------------


class VersionRange(_Model):
    min: int
    max: int


class Hello(_Model):
    server: str = Field(description="Name and version of the server software.")
    protocol: VersionRange
    schema_: VersionRange = Field(alias="schema")
    server_time: datetime = Field(description="The server's clock, UTC (timezone-aware).")
    max_mutations: int = MAX_MUTATIONS
    max_body_bytes: int = MAX_BODY_BYTES
    max_page: int = MAX_PAGE
    demo: bool = False

    model_config = ConfigDict(populate_by_name=True)


# --- identity --------------------------------------------------------------------------


class Street(_Model):
    """What an empty client needs to set its sub-center up from the server."""

    code: str = Field(description="12-digit division code (区划代码) of the street.")
    name: str = Field(description="Street name, e.g. 芙蓉街道.")
    center_name: str = Field(description="Name of the street's command sub-center.")
    issuing_authority: str = Field(description="发文机关 printed on official documents.")
    doc_prefix: str = Field(description="代字 of the street's document numbers, e.g. 芙街.")


class EnrollRequest(_Model):
    street_code: str = Field(pattern=STREET_PATTERN)
    user: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=200)
    client_id: str | None = Field(
        default=None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
        description="The install's id; omitted → the server makes one. Re-enrolling with "
                    "the same id in the same street keeps its mutation counter.")
    client_name: str = Field(default="", max_length=80, description="e.g. the PC's name")


class TokenPair(_Model):
    access_token: str
    access_expires_at: datetime
    access_expires_in: int = Field(description="Seconds until the access token expires.")


class EnrollResponse(TokenPair):
    refresh_token: str = Field(description="Long-lived; keep it in the OS keyring.")
    client_id: str
    last_mutation_id: int = Field(description="Highest mutation id applied for this client.")
    install_number: int = Field(ge=1, description=(
        "终端号: this install's number within the street (1, 2, 3 …), given at the first "
        "enrolment and kept by a re-enrolment with the same client_id. Installs k ≥ 2 put "
        "it into the numbers they make (20261123-2-0001) so two PCs never clash."))
    street: Street


class RefreshRequest(_Model):
    refresh_token: str = Field(min_length=1, max_length=200)


# --- push ------------------------------------------------------------------------------


class MutationOp(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"
    COMMAND = "command"
    VOID = "void"  # a mutation the client could not send (over the body limit): rejected


class Mutation(_Model):
    id: int = Field(ge=1, le=2**53, description="Sequential per client, starting at 1, no gaps.")
    table: str = Field(pattern=TABLE_PATTERN)
    record_id: str = Field(min_length=1, max_length=64, description="UUID (v7) of the record.")
    op: MutationOp
    base_version: int = Field(default=0, ge=0, le=2**53, description=(
        "The server version the local edit started from (0 = a new record)."))
    fields: dict[str, Any] = Field(default_factory=dict, description=(
        "upsert: the record's columns (full row; JSON values, dates as ISO strings)."))
    command: str | None = Field(default=None, max_length=40, description=(
        "op=command: accept | request_extension | request_return | submit_completion"))
    args: dict[str, Any] = Field(default_factory=dict, description="Arguments of a command.")
    attachments: list[str] = Field(default_factory=list, description=(
        "SHA-256 of files the mutation references; each must be uploaded completely first."))
    client_time: datetime | None = Field(default=None, description="Display only.")


class PushRequest(_Model):
    client_id: str = Field(min_length=1, max_length=64)
    mutations: list[Mutation] = Field(default_factory=list)


class ResultStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    CONFLICT = "conflict"


class MutationResult(_Model):
    mutation_id: int
    status: ResultStatus
    original_status: ResultStatus | None = Field(default=None, description=(
        "For status=duplicate: the status the mutation got when it was first applied."))
    code: str = Field(default="", description="Why it was rejected / conflicted.")
    message: str = Field(default="", description="Chinese explanation for the user.")
    table: str = ""
    record_id: str = ""
    version: int | None = Field(default=None, description="Server version of the record after.")
    conflict_id: int | None = None
    server_fields: dict[str, Any] | None = Field(default=None, description=(
        "For a conflict: the record as the server keeps it (the district's side). For "
        "an applied mutation whose record the server stores otherwise than sent (the "
        "district kept some of its own values, or a command changed the record): the "
        "record as stored; absent when it equals what was sent."))


class PushStop(_Model):
    """Why the batch stopped before its end (the rest was not looked at; resend it)."""

    mutation_id: int
    code: str = Field(description="gap | attachment_missing")
    message: str
    expected_mutation_id: int | None = None
    missing_attachments: list[str] = Field(default_factory=list)


class PushResponse(_Model):
    results: list[MutationResult]
    last_mutation_id: int = Field(description="Highest mutation id now applied for the client.")
    stopped: PushStop | None = None


# --- pull ------------------------------------------------------------------------------


class Owner(StrEnum):
    DISTRICT = "district"
    STREET = "street"


class Change(_Model):
    table: str
    id: str
    version: int
    deleted: bool = False
    owner: Owner
    fields: dict[str, Any]
    updated_at: datetime
    updated_by: str = Field(description="'district' or the client_id that wrote it.")


class PullResponse(_Model):
    changes: list[Change]
    cursor: str = Field(description="Opaque; send it back as ?cursor= for the next page.")
    has_more: bool
    remaining: int | None = Field(default=None, description="Estimate of changes left.")


# --- attachments -----------------------------------------------------------------------


class AttachmentCreate(_Model):
    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=0, le=512 * 1024 * 1024)
    media_type: str = Field(default="application/octet-stream", max_length=80)


class AttachmentStatus(_Model):
    sha256: str
    size: int
    media_type: str
    received: int = Field(description="Bytes stored so far: the offset of the next chunk.")
    complete: bool


# --- district-side edits (admin) -------------------------------------------------------


class StreetCreate(Street):
    code: str = Field(pattern=STREET_PATTERN)
    user: str = Field(default="", max_length=60, description="Enrolment user to create.")
    password: str = Field(default="", max_length=200)


class WorkOrderCreate(_Model):
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=4000)
    external_number: str = Field(default="", max_length=40, description="Empty → made.")
    kind: str = Field(default="livelihood", max_length=20)
    nature: str = Field(default="complaint", max_length=20)
    urgent: bool = False
    address: str = Field(default="", max_length=200)
    reporter_name: str = Field(default="", max_length=40)
    reporter_phone: str = Field(default="", max_length=20)
    deadline_at: datetime | None = None
    deadline_note: str = Field(default="", max_length=120)


class RecallRequest(_Model):
    reason: str = Field(default="", max_length=500)


class ResponsibilityItemIn(_Model):
    code: str = Field(min_length=1, max_length=20)
    item_type: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    district_duty: str = ""
    street_duty: str = ""
    legal_basis: str = ""
    lead_unit: str = Field(default="", max_length=200)
    cooperating_units: str = ""


class ResponsibilityListPublish(_Model):
    number: int = Field(ge=1, le=1_000_000)
    title: str = Field(min_length=1, max_length=120)
    published_on: date
    items: list[ResponsibilityItemIn] = Field(default_factory=list, max_length=5000)


class HolidayDay(_Model):
    day: date
    is_workday: bool = Field(description="true = make-up workday (调休上班) on a weekend")
    name: str = Field(default="", max_length=40)


class HolidayTable(_Model):
    year: int = Field(ge=2000, le=2100)
    published_on: date | None = None
    days: list[HolidayDay] = Field(default_factory=list, max_length=400)


class WhistleResponse(_Model):
    """The department's answer to a whistle target (报到 / 答复 / 办结)."""

    responder: str | None = Field(default=None, max_length=40)
    arrived_at: datetime | None = None
    response: str | None = Field(default=None, max_length=4000)
    solution_at: datetime | None = None
    outcome: str | None = Field(default=None, max_length=4000)


class RecordOut(_Model):
    table: str
    id: str
    version: int
    deleted: bool
    owner: Owner
    fields: dict[str, Any]


class StreetSummary(Street):
    clients: int
    records: int
    open_conflicts: int


class ConflictOut(_Model):
    id: int
    street: str
    client_id: str
    mutation_id: int
    table: str
    record_id: str
    code: str
    message: str
    client_fields: dict[str, Any]
    server_fields: dict[str, Any] | None
    created_at: datetime
