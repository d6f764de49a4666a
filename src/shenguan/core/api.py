"""HTTP API of the core app: who am I."""

from ninja import Router, Schema

router = Router(tags=["core"])


class WhoAmI(Schema):
    """The acting user or system client."""

    kind: str
    id: int
    name: str
    department_id: int | None
    jurisdiction_id: int | None
    roles: list[str]


@router.get("/whoami", response=WhoAmI, summary="当前身份")
def whoami(request):
    """The identity the request acts as."""
    a = request.auth
    return {
        "kind": a.kind,
        "id": a.pk,
        "name": a.display_name,
        "department_id": a.department_id,
        "jurisdiction_id": a.jurisdiction_id,
        "roles": sorted(a.role_set),
    }
