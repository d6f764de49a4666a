"""Materials attached to approval records (办件材料)."""

from __future__ import annotations

import hashlib
import os
import unicodedata

from django.conf import settings
from django.db import transaction

from shenguan.audit.services import audit_record
from shenguan.core.errors import Conflict, NotFound, ValidationFailed
from shenguan.org.roles import Perm

from .. import validators as v
from ..models import (
    ApprovalRecord,
    Material,
    MaterialKind,
    RecordState,
)
from .common import _require, _require_department, actor_name

# Accepted file types: extension → (MIME type, magic bytes at the start).
MATERIAL_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}


def material_max_bytes() -> int:
    """The size limit of one material file (settings.SHENGUAN_MATERIAL_MAX_BYTES, 10 MB)."""
    return int(getattr(settings, "SHENGUAN_MATERIAL_MAX_BYTES", 10 * 1024 * 1024))


def clean_filename(name: str) -> str:
    """The last path component of an uploaded name as given (full-width characters kept, ADR
    0042), without control, format (bidi) or reserved characters."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        c for c in name if unicodedata.category(c) not in ("Cc", "Cf") and c not in '<>:"|?*'
    ).strip(" .\u3000")
    return name[:200]


def material_path(sha256: str, ext: str) -> str:
    """Where a file is stored under MEDIA_ROOT: by its hash, never by the name it came with."""
    return f"linkage/{sha256[:2]}/{sha256[2:4]}/{sha256}{ext}"


def material_add(
    *, actor, record: ApprovalRecord, kind: str, name: str, filename: str, fileobj
) -> Material:
    """Attach a file to a draft record (上传材料): type and size checked, sha256 kept."""
    _require(actor, Perm.APPROVAL_RECORD, "无权上传办件材料")
    _require_department(actor, record.department_id, "只能为本部门的办件上传材料")
    kind = v.clean_choice(kind, MaterialKind, "kind", "材料类型")
    filename = clean_filename(filename)
    if not filename:
        raise ValidationFailed("filename_required", "文件名无效", "file")
    ext = os.path.splitext(filename)[1].lower()
    if ext not in MATERIAL_TYPES:
        allowed = "、".join(sorted(MATERIAL_TYPES))
        raise ValidationFailed("bad_file_type", f"不支持的文件类型：仅限 {allowed}", "file")
    name = v.clean_text(
        name or os.path.splitext(filename)[0], "name", "材料名称", 200, required=True
    )
    mime, magics = MATERIAL_TYPES[ext]
    limit = material_max_bytes()
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = fileobj.read(1024 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise ValidationFailed(
                "file_too_large", f"文件过大：不得超过 {limit // (1024 * 1024)} MB", "file"
            )
        digest.update(chunk)
        chunks.append(chunk)
    if size == 0:
        raise ValidationFailed("empty_file", "文件为空", "file")
    head = chunks[0][:16]
    if not any(head.startswith(m) for m in magics):
        raise ValidationFailed("file_type_mismatch", "文件内容与扩展名不符", "file")
    sha = digest.hexdigest()
    rel = material_path(sha, ext)
    root = os.path.realpath(settings.MEDIA_ROOT)
    full = os.path.realpath(os.path.join(root, rel))
    if not full.startswith(root + os.sep):  # defence in depth: rel is built from hex only
        raise ValidationFailed("bad_path", "文件存储位置无效", "file")
    if not os.path.exists(full):
        os.makedirs(os.path.dirname(full), exist_ok=True)
        tmp = f"{full}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, full)
    with transaction.atomic():
        rec = ApprovalRecord.objects.select_for_update().get(pk=record.pk)
        if rec.state != RecordState.DRAFT:
            raise Conflict("record_completed", "办件已办结推送，不能再上传材料", "state")
        m = Material.objects.create(
            jurisdiction_id=rec.jurisdiction_id,
            record=rec,
            kind=kind,
            name=name,
            filename=filename,
            content_type=mime,
            size=size,
            sha256=sha,
            storage_path=rel,
            uploaded_by_name=actor_name(actor),
        )
        audit_record(
            actor=actor,
            action="approval.material.add",
            obj=m,
            after={"record_id": rec.pk, "name": name, "sha256": sha, "size": size, "kind": kind},
        )
    return m


def material_open(material: Material):
    """The stored file of a material, opened for reading (the caller checked visibility)."""
    root = os.path.realpath(settings.MEDIA_ROOT)
    full = os.path.realpath(os.path.join(root, material.storage_path))
    if not full.startswith(root + os.sep) or not os.path.exists(full):
        raise NotFound("文件不存在", code="file_missing")
    return open(full, "rb")
