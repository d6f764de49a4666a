"""Request bodies must have the shape of their schema: an object where the schema says object.

django-ninja builds every `Schema` through `DjangoGetter`, which reads the schema's fields as
*attributes* of whatever value it is given (that is how a schema reads a model instance). For a
request body that is a trap: the JSON string `"AAA"` posted where `{"title": ...}` is expected
was read as an object whose `title` is `"AAA".title()` == "Aaa", and published a version of the
linkage list. The same happened one level down (a string in a list of nested objects).

The guard below makes a `Schema` refuse a JSON scalar or array as its source, for every schema
of every app, in both directions (no response is ever built from a bare string either): such a
value is a validation error ("须为对象", 422 through the API's handler). It replaces the getter
django-ninja looks up by name at validation time, `ninja.schema.DjangoGetter`, with a subclass
that checks first; `tests/api/test_bad_input.py` fails if a django-ninja upgrade moves it.
"""

from __future__ import annotations

from typing import Any

import ninja.schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from pydantic_core import PydanticCustomError

# What json.loads produces that is not an object: these are never the source of a schema.
_NOT_AN_OBJECT = (str, bytes, bytearray, int, float, list, tuple, type(None))


class _ObjectOnlyGetter(ninja.schema.DjangoGetter):
    """django-ninja's attribute getter, refusing JSON scalars and arrays (须为对象)."""

    __slots__ = ()

    def __init__(self, obj: Any, schema_cls: Any, context: Any = None):
        if isinstance(obj, _NOT_AN_OBJECT):  # bool is an int
            raise PydanticCustomError("model_type", "须为对象（JSON object）")
        super().__init__(obj, schema_cls, context)


def install_object_only_schemas() -> None:
    """Make every ninja Schema refuse a scalar or an array as its source (idempotent)."""
    if not issubclass(ninja.schema.DjangoGetter, _ObjectOnlyGetter):
        ninja.schema.DjangoGetter = _ObjectOnlyGetter


class ApiParser(Parser):
    """django-ninja's parser, refusing a NUL character in a query, form or file parameter (its
    name, value or file name) with a validation error naming the parameter (422): PostgreSQL
    text cannot hold it."""

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            for v in values:
                text = v if isinstance(v, str) else getattr(v, "name", "") or ""
                if "\x00" in key or "\x00" in text:
                    raise NinjaValidationError(
                        [
                            {
                                "loc": ("query", key.replace("\x00", "")),
                                "type": "string_nul",
                                "msg": "含有不允许的空字符（NUL）",
                            }
                        ]
                    )
        return super().parse_querydict(data, list_fields, request)
