"""What the catalogue's pages share: the two rights and the reader's own jurisdiction."""

from __future__ import annotations

from shenguan.core.errors import NotFound
from shenguan.org.roles import Perm
from shenguan.org.views import require_perm

reader = require_perm(Perm.CATALOG_READ, Perm.CATALOG_MANAGE)


manager = require_perm(Perm.CATALOG_MANAGE)


def _own_jurisdiction(request) -> int:
    jid = request.user.jurisdiction_id
    if jid is None:
        raise NotFound()
    return jid


def _can_manage(request, jurisdiction_id: int | None = None) -> bool:
    u = request.user
    if not u.can(Perm.CATALOG_MANAGE):
        return False
    return jurisdiction_id is None or jurisdiction_id == u.jurisdiction_id
