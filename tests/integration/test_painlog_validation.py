"""Invalid reports are refused whole (422, `application/problem+json`, each bad field named)
and nothing is stored or emitted: event times that are not real instants, client ids with
control characters, booleans for numbers, malformed JSON (real Redis, SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from tests.factories.painlog import pain_body, session_body
from tests.integration.test_painlog import new_user, now, stored_rows
from tests.support.painlog import painlog_stack
from tests.support.stack import Stack


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    async with painlog_stack(redis_url, database_url, prefix) as running:
        yield running


def fields(response: httpx.Response) -> list[str]:
    assert response.headers["content-type"] == "application/problem+json"
    return [f["field"] for f in response.json()["errors"]]


async def test_an_event_time_that_cannot_be_converted_to_utc_is_refused_naming_the_field(
    services: Stack,
) -> None:
    """`0001-01-01T00:00:00+01:00` is a valid ISO 8601 aware time, but in UTC it is before
    year 1: refused (not a 500 from the fingerprint's `astimezone(UTC)`)."""
    user = await new_user(services)
    edge = "0001-01-01T00:00:00+01:00"
    pain = await user.pain(pain_body(now(), observed_at=edge))
    assert pain.status_code == 422, pain.text
    assert fields(pain) == ["observed_at"]
    session = await user.session(session_body(now() - timedelta(hours=1), started_at=edge))
    assert session.status_code == 422, session.text
    assert fields(session) == ["started_at"]
    assert sum((await stored_rows(services)).values()) == 0


@pytest.mark.parametrize("bad_id", ["a\x00b", "line\nbreak", "esc\x1b[31m"])
async def test_client_ids_with_control_characters_are_refused_naming_the_field(
    services: Stack, bad_id: str
) -> None:
    """Client ids are printable ASCII: a NUL would fail PostgreSQL's INSERT and newlines or
    escapes would go verbatim into the logs and every answer."""
    user = await new_user(services)
    at = now() - timedelta(hours=1)
    pain = await user.pain(pain_body(at, log_id=bad_id))
    assert pain.status_code == 422, pain.text
    assert fields(pain) == ["log_id"]
    linked = await user.pain(pain_body(at, session_id=bad_id))
    assert linked.status_code == 422, linked.text
    assert fields(linked) == ["session_id"]
    session = await user.session(session_body(at, session_id=bad_id))
    assert session.status_code == 422, session.text
    assert fields(session) == ["session_id"]
    assert sum((await stored_rows(services)).values()) == 0


async def test_booleans_are_not_accepted_as_levels_or_counts(services: Stack) -> None:
    """Not pydantic's lax `true` -> 1: a client bug (a checkbox sent as the level) must not
    become a stored pain level and a `pain-logged` event."""
    user = await new_user(services)
    at = now() - timedelta(hours=1)
    pain = await user.pain(pain_body(at, level=True))
    assert pain.status_code == 422, pain.text
    assert fields(pain) == ["level"]
    morning = await user.pain(pain_body(at, morning={"stress": True}))
    assert morning.status_code == 422, morning.text
    assert fields(morning) == ["morning.stress"]
    body = session_body(at)
    body["exercises"][0].update(pain_during=False, sets=True)
    session = await user.session(body)
    assert session.status_code == 422, session.text
    assert sorted(fields(session)) == ["exercises.0.pain_during", "exercises.0.sets"]
    assert sum((await stored_rows(services)).values()) == 0


async def test_malformed_json_names_the_body_not_a_character_offset(services: Stack) -> None:
    user = await new_user(services)
    response = await user.client.post(
        f"{user.base}/pain",
        content=b'{"log_id": "l-1",',
        headers={**user.headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    # Not the character offset of the error ("17").
    assert fields(response) == ["body"]
