"""Review of the painlog service: defects found by probing edge cases, each written as a test
that fails today and passes once the defect is fixed. Same in-process stack as
`test_painlog.py` (real Redis, SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from services.painlog import store
from tests.factories.painlog import pain_body, session_body
from tests.support.painlog import PainlogUser, painlog_stack
from tests.support.stack import Stack


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    async with painlog_stack(redis_url, database_url, prefix) as running:
        yield running


class User(PainlogUser):
    """One tenant's user, talking to the painlog service."""

    async def post(self, path: str, body: dict[str, Any], **headers: str) -> httpx.Response:
        return await answer(
            self.client.post(f"{self.base}/{path}", json=body, headers={**self.headers, **headers})
        )

    async def get(self, path: str, **params: str) -> httpx.Response:
        return await answer(
            self.client.get(f"{self.base}/{path}", params=params, headers=self.headers)
        )


async def new_user(services: Stack) -> User:
    tenant = await services.create_tenant()
    return User(services, tenant["api_key"]["key"])


async def answer(request: Awaitable[httpx.Response]) -> httpx.Response:
    """The ASGI transport re-raises what the app did not handle: that is a 500."""
    try:
        return await request
    except Exception as exc:
        pytest.fail(f"500: the service crashed with {type(exc).__name__}: {exc}")


def fields(response: httpx.Response) -> list[str]:
    return [f["field"] for f in response.json()["errors"]]


async def stored_rows(services: Stack) -> int:
    db = services.apps["painlog"].state.db
    async with db.read() as session:
        counts = [
            int(await session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (store.sessions, store.pain_logs)
        ]
    return sum(counts)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --- Event times at the edge of the calendar crash the service (500) ----------------------


async def test_event_time_that_cannot_be_converted_to_utc_is_a_422_not_a_crash(
    services: Stack,
) -> None:
    """`0001-01-01T00:00:00+01:00` is a valid ISO 8601 aware time, but in UTC it is before
    year 1: the fingerprint's `astimezone(UTC)` raises OverflowError (500)."""
    user = await new_user(services)
    edge = "0001-01-01T00:00:00+01:00"
    pain = await user.post("pain", pain_body(now(), observed_at=edge))
    assert pain.status_code == 422, pain.text
    assert fields(pain) == ["observed_at"]
    session = await user.post("sessions", session_body(now() - timedelta(hours=1), started_at=edge))
    assert session.status_code == 422, session.text
    assert fields(session) == ["started_at"]
    assert await stored_rows(services) == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        # default `from` = `to` - 28 days is before year 1: OverflowError in resolve_window
        ({"to": "0001-01-02T00:00:00+00:00"}, "query.to"),
        # after year 9999 in UTC: OverflowError when the query binds it
        ({"from": "9999-12-31T20:00:00-05:00"}, "query.from"),
        ({"from": "2026-01-01T00:00:00+00:00", "to": "9999-12-31T20:00:00-05:00"}, "query.to"),
    ],
)
async def test_timeline_window_at_the_edge_of_the_calendar_is_not_a_crash(
    services: Stack, params: dict[str, str], field: str
) -> None:
    user = await new_user(services)
    assert (await user.post("pain", pain_body(now() - timedelta(hours=1)))).status_code == 202
    for path in ("pain", "pain/chart.svg"):
        response = await user.get(path, **params)
        assert response.status_code in (200, 422), response.text
        if response.status_code == 422:
            assert fields(response) == [field]


# --- Client ids accept control characters (NUL: 500 on PostgreSQL) -------------------------


@pytest.mark.parametrize("bad_id", ["a\x00b", "line\nbreak", "esc\x1b[31m"])
async def test_client_ids_with_control_characters_are_refused_naming_the_field(
    services: Stack, bad_id: str
) -> None:
    """`log_id` / `session_id` are only length-bounded: a NUL makes PostgreSQL fail the
    INSERT (500) and SQLite stores it; newlines and escapes go verbatim into the logs
    (`pain_logged log_id=...`) and every answer. `user_id` has a pattern; client ids need one."""
    user = await new_user(services)
    at = now() - timedelta(hours=1)
    pain = await user.post("pain", pain_body(at, log_id=bad_id))
    assert pain.status_code == 422, pain.text
    assert fields(pain) == ["log_id"]
    linked = await user.post("pain", pain_body(at, session_id=bad_id))
    assert linked.status_code == 422, linked.text
    assert fields(linked) == ["session_id"]
    session = await user.post("sessions", session_body(at, session_id=bad_id))
    assert session.status_code == 422, session.text
    assert fields(session) == ["session_id"]
    assert await stored_rows(services) == 0


# --- JSON booleans are taken as pain levels and counts -------------------------------------


async def test_booleans_are_not_accepted_as_levels_or_counts(services: Stack) -> None:
    """pydantic's lax mode turns `true` into 1 and `false` into 0: a client bug (a checkbox
    sent as the level) becomes a stored pain level and a `pain-logged` event."""
    user = await new_user(services)
    at = now() - timedelta(hours=1)
    pain = await user.post("pain", pain_body(at, level=True))
    assert pain.status_code == 422, pain.text
    assert fields(pain) == ["level"]
    morning = await user.post("pain", pain_body(at, morning={"stress": True}))
    assert morning.status_code == 422, morning.text
    assert fields(morning) == ["morning.stress"]
    body = session_body(at)
    body["exercises"][0].update(pain_during=False, sets=True)
    session = await user.post("sessions", body)
    assert session.status_code == 422, session.text
    assert sorted(fields(session)) == ["exercises.0.pain_during", "exercises.0.sets"]
    assert await stored_rows(services) == 0


# --- A retry in another time zone does not answer as the first time ------------------------


async def test_retry_of_a_pain_log_in_another_time_zone_answers_exactly_as_the_first_time(
    services: Stack,
) -> None:
    """docs/painlog.md: the same id with the same content (time zones normalised) "answers
    exactly as the first time". The fingerprint agrees it is the same log, but the answer's
    `observed_at` echoes the retry's body instead of what was stored."""
    user = await new_user(services)
    at = now() - timedelta(hours=3)
    body = pain_body(at.astimezone(timezone(timedelta(hours=2))))
    first = await user.post("pain", body)
    again = await user.post("pain", {**body, "observed_at": at.isoformat()})
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()


async def test_a_retry_in_another_time_zone_with_the_same_idempotency_key_is_a_replay(
    services: Stack,
) -> None:
    """The Idempotency-Key compares reports as the client ids do: zones normalised."""
    user = await new_user(services)
    at = now() - timedelta(hours=3)
    body = pain_body(at.astimezone(timezone(timedelta(hours=2))))
    first = await user.post("pain", body, **{"Idempotency-Key": "zone-retry"})
    again = await user.post(
        "pain", {**body, "observed_at": at.isoformat()}, **{"Idempotency-Key": "zone-retry"}
    )
    assert first.status_code == again.status_code == 202, again.text
    assert again.json() == first.json()


# --- The timeline (health data) may be cached; its chart may not --------------------------


async def test_timeline_json_is_not_cacheable_like_its_chart(services: Stack) -> None:
    user = await new_user(services)
    assert (await user.post("pain", pain_body(now() - timedelta(hours=1)))).status_code == 202
    chart = await user.get("pain/chart.svg")
    assert "no-store" in chart.headers.get("cache-control", "")
    timeline = await user.get("pain")
    assert timeline.status_code == 200
    assert "no-store" in timeline.headers.get("cache-control", ""), dict(timeline.headers)


# --- Malformed JSON names a character offset as the bad field ------------------------------


async def test_malformed_json_names_the_body_not_a_character_offset(services: Stack) -> None:
    user = await new_user(services)
    response = await answer(
        user.client.post(
            f"{user.base}/pain",
            content=b'{"log_id": "l-1",',
            headers={**user.headers, "content-type": "application/json"},
        )
    )
    assert response.status_code == 422
    # Today: [{"field": "17", "message": "JSON decode error"}]: the offset of the error.
    assert fields(response) == ["body"]
