"""API schemas of the documents app."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class SealOut(Schema):
    id: int
    name: str
    department_id: int
    seal_text: str
    state: str
    certificate_sha256: str
    certificate_subject: str
    certificate_not_after: dt.datetime | None
    sm2_public_key: str
    enabled_on: dt.date | None
    retired_on: dt.date | None
    retirement_memo: str


class PublicSealOut(Schema):
    name: str
    department: str
    state: str
    state_label: str
    enabled_on: dt.date | None
    retired_on: dt.date | None
    retirement_memo: str
    certificate_sha256: str


class SealRetireIn(Schema):
    retired_on: dt.date
    retirement_memo: str


class DocumentOut(Schema):
    id: int
    licence_id: int
    version: int
    state: str
    reason: str
    seal_id: int
    size: int
    sha256: str
    sm3: str
    sm2_signature: str
    requested_at: dt.datetime
    issued_at: dt.datetime | None
    issued_by_name: str
    superseded_at: dt.datetime | None
    superseded_reason: str


class ReissueIn(Schema):
    reason: str


class VerifyLicenceOut(Schema):
    number: str
    item: str
    holder: str
    state: str
    state_label: str
    state_since: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    issuer: str


class VerifyFileOut(Schema):
    authentic: bool
    pades_valid: bool
    sm2_valid: bool
    known_document: bool
    current: bool
    version: int | None
    seal: str
    signer: str
    signed_at: str
    sha256: str
    licence: VerifyLicenceOut | None
    verdict: str
    problems: list[str]
