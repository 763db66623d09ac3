"""A key sent twice in one JSON object is refused with a 422 naming it, never resolved by
keeping the last one: on the pain log's reports and the quiz, nothing is stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.factories.painlog import pain_body, session_body
from tests.factories.quiz import clean_answers
from tests.support.painlog import painlog_stack
from tests.support.quiz import tenants_and_quiz
from tests.support.stack import bearer, stack


def _twice(body: dict[str, Any], once: str, again: str) -> bytes:
    """The body as JSON with `again` written right after `once` (a key a second time)."""
    text = json.dumps(body)
    assert text.count(once) == 1, once
    return text.replace(once, f"{once} {again}").encode()


def _assert_names(answer: httpx.Response, field: str) -> None:
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["type"] == "/problems/validation-failed"
    assert [(f["field"], f["type"]) for f in problem["errors"]] == [(field, "duplicate_key")]
    assert field in problem["detail"]


async def test_pain_reports_with_a_key_twice_are_refused_naming_it(
    redis_url: str, database_url: str, prefix: str
) -> None:
    async with painlog_stack(redis_url, database_url, prefix) as services:
        key = (await services.create_tenant())["api_key"]["key"]
        client = services.clients["painlog"]
        headers = {**bearer(key), "Content-Type": "application/json"}
        at = datetime.now(UTC) - timedelta(hours=1)
        pain = pain_body(at, level=3)
        doubled = _twice(pain, '"level": 3,', '"level": 9,')
        answer = await client.post("/v1/users/u1/pain", content=doubled, headers=headers)
        _assert_names(answer, "level")
        session = session_body(at)
        doubled = _twice(session, '"sets": 2,', '"sets": 5,')
        answer = await client.post("/v1/users/u1/sessions", content=doubled, headers=headers)
        _assert_names(answer, "exercises.1.sets")
        assert (await client.get("/v1/users/u1/pain", headers=headers)).status_code == 404
        sent_once = await client.post("/v1/users/u1/pain", json=pain, headers=headers)
        assert sent_once.status_code == 202, sent_once.text


async def test_a_quiz_with_a_nested_key_twice_is_refused_naming_it(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    async with stack(tenants_and_quiz(redis_url, tmp_path, prefix)) as services:
        auth = bearer((await services.create_tenant())["api_key"]["key"])
        quiz = services.clients["quiz"]
        doubled = _twice(clean_answers(), '"leg_pain": 4,', '"leg_pain": 9,')
        answer = await quiz.post(
            "/v1/users/u1/quiz",
            content=doubled,
            headers={**auth, "Content-Type": "application/json"},
        )
        _assert_names(answer, "symptoms.leg_pain")
        assert (await quiz.get("/v1/users/u1/quiz", headers=auth)).status_code == 404
