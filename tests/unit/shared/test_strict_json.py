"""The strict JSON body parser: what `json.loads` reads, except a key twice in an object."""

from __future__ import annotations

import json

import pytest
from fastapi.routing import APIRoute

from services.notifier.api import router as notifier
from services.painlog.api import router as painlog
from services.quiz.api import router as quiz
from services.tenants.api import router as tenants
from shared.http.strict_json import DuplicateKey, StrictJsonRoute, loads


def test_what_json_loads_reads_is_read_alike() -> None:
    for text in ['{"a": 1, "b": [1, {"a": 2}], "c": {"a": null}}', "[]", '"x"', "3.5"]:
        assert loads(text.encode()) == json.loads(text)
    assert loads('{"a": "é"}'.encode("utf-16")) == {"a": "é"}  # as json.loads detects it
    with pytest.raises(json.JSONDecodeError):
        loads(b'{"a": ')


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"a": 1, "a": 2}', ("a",)),
        ('{"a": 1, "b": {"c": 1, "d": 2, "c": 1}}', ("b", "c")),
        ('{"items": [{"x": 1}, {"x": 1, "x": 1}]}', ("items", 1, "x")),
        ('[{"k": 1, "k": 2}]', (0, "k")),
        ('{"b": {"c": 1, "c": 2}, "a": 1, "a": 2}', ("a",)),  # the outer one first
    ],
)
def test_a_key_twice_is_named_by_its_path(text: str, field: tuple[str | int, ...]) -> None:
    with pytest.raises(DuplicateKey) as refused:
        loads(text.encode())
    assert refused.value.status_code == 422
    (problem,) = refused.value.problem.extras["errors"]
    assert problem["field"] == ".".join(str(p) for p in field)
    assert problem["type"] == "duplicate_key"


def test_a_deeply_nested_duplicate_is_found_without_recursion() -> None:
    depth = 900
    text = '{"a": ' * depth + '{"k": 1, "k": 2}' + "}" * depth
    with pytest.raises(DuplicateKey) as refused:
        loads(text.encode())
    field = refused.value.problem.extras["errors"][0]["field"]
    assert field == ("a." * depth + "k")[:200]  # a field's name is cut at 200 characters


@pytest.mark.parametrize("router", [notifier, painlog, quiz, tenants], ids=lambda r: r.tags[0])
def test_every_route_with_a_body_parses_it_strictly(router: object) -> None:
    routes = [r for r in router.routes if isinstance(r, APIRoute) and r.body_field]  # type: ignore[attr-defined]
    assert routes
    assert all(isinstance(r, StrictJsonRoute) for r in routes)
