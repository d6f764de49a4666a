"""Domain errors: a stable code, a Chinese message, the field at fault, and an HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal by the domain (业务错误) that the edge turns into a 4xx answer."""

    status = 400

    def __init__(
        self, code: str, message: str, field: str | None = None, *, status: int | None = None
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        """The one error body of the API: {code, message, field}."""
        return {"code": self.code, "message": self.message, "field": self.field}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, field={self.field!r})"


class ValidationFailed(DomainError):
    """Input that breaks a rule (输入不合规): 422 with the field named."""

    status = 422


class BadRequest(DomainError):
    """A request that cannot be understood (请求格式错误): 400."""

    status = 400


class PermissionDenied(DomainError):
    """An action the actor may not take on an object it can see (无权操作): 403."""

    status = 403


class NotFound(DomainError):
    """An object that does not exist or that the actor may not see (不存在): 404."""

    status = 404

    def __init__(self, message: str = "对象不存在或无权查看", code: str = "not_found", field=None):
        super().__init__(code, message, field)


class Conflict(DomainError):
    """A transition not allowed from the current state, or a duplicate (状态冲突): 409."""

    status = 409


class RateLimited(DomainError):
    """Too many requests from one system client (请求过于频繁): 429."""

    status = 429


class ErrorList(ValidationFailed):
    """Several problems found at once, each with its row and column (批量校验错误)."""

    def __init__(self, problems: list[dict], message: str = "数据校验未通过，未写入任何数据"):
        super().__init__("validation_failed", message, None)
        self.problems = problems

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["problems"] = self.problems
        return body
