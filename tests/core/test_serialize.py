"""`core.serialize.to_jsonable`: every value becomes plain JSON types, the same by its fast
exact-type path and its general path, and converted documents are not walked again."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections import OrderedDict

from shenguan.core.serialize import JsonSafe, canonical_json, to_jsonable
from shenguan.linkage.models import PushKind

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_values_become_plain_json_types():
    value = {
        1: dt.date(2026, 2, 28),
        "at": dt.datetime(2026, 3, 1, 8, 0, tzinfo=BEIJING),
        "naive": dt.datetime(2026, 3, 1, 8, 0),
        "set": {"b", "a"},
        "tuple": (1, 2.5, None, True),
        "money": decimal.Decimal("1.10"),
        "uid": uuid.UUID(int=7),
        "kind": PushKind.APPROVAL,
        "ordered": OrderedDict([("x", dt.time(9, 30))]),
        "nested": [{"deep": [dt.date(2026, 1, 1)]}],
    }
    out = to_jsonable(value)
    assert out == {
        "1": "2026-02-28",
        "at": "2026-03-01T00:00:00+00:00",
        "naive": "2026-03-01T08:00:00",
        "set": ["a", "b"],
        "tuple": [1, 2.5, None, True],
        "money": "1.10",
        "uid": "00000000-0000-0000-0000-000000000007",
        "kind": "approval",
        "ordered": {"x": "09:30:00"},
        "nested": [{"deep": ["2026-01-01"]}],
    }
    # the result is JSON as it is (json.dumps needs no encoder) and round-trips unchanged
    assert json.loads(json.dumps(out)) == out


def test_converted_documents_are_taken_as_they_are():
    done = JsonSafe({"a": [1, 2]})
    assert to_jsonable(done) is done
    wrapped = to_jsonable({"snapshot": done, "at": dt.date(2026, 1, 2)})
    assert wrapped["snapshot"] is done
    assert wrapped["at"] == "2026-01-02"


def test_canonical_json_is_stable_for_equal_values():
    a = {"b": 1, "a": {"y": dt.date(2026, 1, 1), "x": [1]}}
    b = {"a": {"x": [1], "y": "2026-01-01"}, "b": 1}
    assert canonical_json(a) == canonical_json(b) == '{"a":{"x":[1],"y":"2026-01-01"},"b":1}'
