"""The painlog service over HTTP, with the real bus, Redis and database (SQLite and
PostgreSQL): sessions and pain logs stored and emitted once, bad reports refused whole,
the timeline in event time with the flare detector's flares, and its chart."""

from __future__ import annotations

import asyncio
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import redis
from faststream.redis.parser import BinaryMessageFormatV1
from sqlalchemy import func, select

from services.painlog import store
from shared.events.base import Event
from shared.events.flares import ExerciseRemoved, FlareDetected, RemovalEvidence
from shared.events.painlog import PainLogged, SessionDone
from shared.messaging.bus import EventBus
from tests.factories.painlog import pain_body, session_body
from tests.support.painlog import PainlogUser, painlog_stack
from tests.support.stack import Stack
from tests.support.waiting import eventually


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    async with painlog_stack(redis_url, database_url, prefix) as running:
        yield running


class User(PainlogUser):
    """One tenant's user, talking to the painlog service."""

    async def session(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        return await self.client.post(
            f"{self.base}/sessions", json=body, headers={**self.headers, **headers}
        )

    async def pain(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        return await self.client.post(
            f"{self.base}/pain", json=body, headers={**self.headers, **headers}
        )

    async def timeline(self, **params: str) -> httpx.Response:
        return await self.client.get(f"{self.base}/pain", params=params, headers=self.headers)

    async def chart(self, fmt: str, **params: str) -> httpx.Response:
        return await self.client.get(
            f"{self.base}/pain/chart.{fmt}", params=params, headers=self.headers
        )


async def new_user(services: Stack, user_id: str = "patient-17") -> User:
    tenant = await services.create_tenant()
    return User(services, tenant["api_key"]["key"], user_id)


def events(client: redis.Redis, prefix: str, cls: type[Event]) -> list[Any]:
    found = []
    entries: list[Any] = client.xrange(f"{prefix}{cls.TYPE}")  # type: ignore[assignment]
    for _, fields in entries:
        body, _ = BinaryMessageFormatV1.parse(fields[b"__data__"])
        found.append(cls.model_validate_json(body))
    return found


async def emitted(client: redis.Redis, prefix: str, cls: type[Event], count: int) -> list[Any]:
    """Wait for `count` events, then long enough for a wrongly emitted extra one to show."""

    async def enough() -> list[Any]:
        return found if len(found := events(client, prefix, cls)) >= count else []

    await eventually(enough)
    await asyncio.sleep(0.3)  # the outbox relay polls every 50 ms in tests
    return events(client, prefix, cls)


async def stored_rows(services: Stack) -> dict[str, int]:
    db = services.apps["painlog"].state.db
    async with db.read() as session:
        return {
            t.name: int(await session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (store.sessions, store.pain_logs)
        }


async def publish(services: Stack, event: Event) -> None:
    """Put an event on its stream as its emitting service would."""
    bus: EventBus = services.apps["painlog"].state.bus
    await bus.broker.publish(event.model_dump_json().encode(), stream=bus.stream(event.TYPE))


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


async def test_session_is_stored_and_emits_one_session_done_even_when_sent_again(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    user = await new_user(services)
    body = session_body(now() - timedelta(hours=2))
    first = await user.session(body)
    again = await user.session(body)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert first.json()["session_id"] == body["session_id"]
    # The same session in another time zone is still the same session.
    shifted = {
        **body,
        "completed_at": datetime.fromisoformat(body["completed_at"])
        .astimezone(timezone(timedelta(hours=2)))
        .isoformat(),
    }
    assert (await user.session(shifted)).json() == first.json()
    keyed = session_body(now() - timedelta(hours=1))
    replies = [await user.session(keyed, **{"Idempotency-Key": "k-1"}) for _ in range(2)]
    assert replies[1].headers["Idempotent-Replayed"] == "true"
    assert replies[1].json() == replies[0].json()

    done = await emitted(redis_client, prefix, SessionDone, 2)
    assert [e.session_id for e in done] == [body["session_id"], keyed["session_id"]]
    event = done[0]
    assert event.user_id == "patient-17"
    assert event.occurred_at == datetime.fromisoformat(body["completed_at"])
    assert event.started_at == datetime.fromisoformat(body["started_at"])
    assert [(x.exercise_id, x.reps, x.hold_s, x.pain_during) for x in event.exercises] == [
        ("glute-bridge", 10, None, 1),
        ("side-plank", None, 20, 3),
    ]
    assert event.exercises[1].pain_qualities == ("ache",)
    assert await stored_rows(services) == {"painlog_sessions": 2, "painlog_pain_logs": 0}


async def test_reused_ids_with_other_content_are_refused_and_the_first_report_stays(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    user = await new_user(services)
    session = session_body(now() - timedelta(hours=3))
    log = pain_body(now() - timedelta(hours=2), level=4)
    assert (await user.session(session)).status_code == 202
    assert (await user.pain(log)).status_code == 202
    changed_session = {**session, "exercises": session["exercises"][:1]}
    conflict = await user.session(changed_session)
    assert conflict.status_code == 409
    assert conflict.json()["errors"][0]["field"] == "session_id"
    conflict = await user.pain({**log, "level": 8})
    assert conflict.status_code == 409
    assert conflict.json()["errors"][0]["field"] == "log_id"
    # An Idempotency-Key reused for another report is refused too.
    other = pain_body(now())
    assert (await user.pain(other, **{"Idempotency-Key": "k"})).status_code == 202
    reused = await user.pain({**other, "log_id": "another"}, **{"Idempotency-Key": "k"})
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["field"] == "header.Idempotency-Key"

    assert len(await emitted(redis_client, prefix, SessionDone, 1)) == 1
    assert [e.level for e in await emitted(redis_client, prefix, PainLogged, 2)] == [4, 3]
    entries = (await user.timeline()).json()["items"]
    assert [e.get("level") for e in entries if e["kind"] == "pain"] == [4, 3]
    assert len(next(e for e in entries if e["kind"] == "session")["exercises"]) == 2


async def test_a_retry_in_another_time_zone_answers_exactly_as_the_first_time(
    services: Stack,
) -> None:
    """docs/painlog.md: the same id with the same content (time zones normalised) "answers
    exactly as the first time": `observed_at` as stored, not as the retry wrote it."""
    user = await new_user(services)
    at = now() - timedelta(hours=3)
    body = pain_body(at.astimezone(timezone(timedelta(hours=2))))
    first = await user.pain(body)
    again = await user.pain({**body, "observed_at": at.isoformat()})
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()


async def test_a_retry_in_another_time_zone_with_the_same_idempotency_key_is_a_replay(
    services: Stack,
) -> None:
    """The Idempotency-Key compares reports as the client ids do: zones normalised."""
    user = await new_user(services)
    at = now() - timedelta(hours=3)
    body = pain_body(at.astimezone(timezone(timedelta(hours=2))))
    first = await user.pain(body, **{"Idempotency-Key": "zone-retry"})
    again = await user.pain(
        {**body, "observed_at": at.isoformat()}, **{"Idempotency-Key": "zone-retry"}
    )
    assert first.status_code == again.status_code == 202, again.text
    assert again.json() == first.json()


async def test_concurrent_retries_of_one_report_make_one_event(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    user = await new_user(services)
    body = pain_body(now() - timedelta(minutes=5))
    replies = await asyncio.gather(*(user.pain(body) for _ in range(6)))
    assert {r.status_code for r in replies} == {202}
    assert len({r.text for r in replies}) == 1
    assert len(await emitted(redis_client, prefix, PainLogged, 1)) == 1


INVALID_PAIN: list[tuple[str, dict[str, Any]]] = [
    ("observed_at", {"observed_at": (now() + timedelta(hours=1)).isoformat()}),
    ("level", {"level": 11}),
    ("level", {"level": -1}),
    ("qualities.1", {"qualities": ["ache", "stabbing"]}),
    ("exercise_id", {"context": "after_exercise"}),
    ("locations.0", {"locations": ["elbow"]}),
    ("morning.stress", {"morning": {"stress": 12}}),
]
INVALID_SESSIONS: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
    ("exercises.0.pain_during", lambda b: b["exercises"][0].update(pain_during=11)),
    ("exercises.1.pain_qualities.0", lambda b: b["exercises"][1].update(pain_qualities=["x"])),
    ("exercises.0.hold_s", lambda b: b["exercises"][0].pop("reps")),
    ("exercises", lambda b: b.update(exercises=[])),
    ("completed_at", lambda b: b.update(completed_at=(now() + timedelta(hours=1)).isoformat())),
]


async def test_invalid_reports_get_422_naming_the_field_and_nothing_is_stored_or_emitted(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    user = await new_user(services)
    for field, change in INVALID_PAIN:
        response = await user.pain(pain_body(now() - timedelta(hours=1), **change))
        assert response.status_code == 422, (field, response.text)
        assert [f["field"] for f in response.json()["errors"]] == [field]
    for field, mutate in INVALID_SESSIONS:
        body = session_body(now() - timedelta(hours=1))
        mutate(body)
        response = await user.session(body)
        assert response.status_code == 422, (field, response.text)
        assert [f["field"] for f in response.json()["errors"]] == [field]
    assert await stored_rows(services) == {"painlog_sessions": 0, "painlog_pain_logs": 0}
    assert (await user.timeline()).status_code == 404
    # A valid report sent after them is the only event on the streams.
    valid = pain_body(now() - timedelta(hours=1))
    assert (await user.pain(valid)).status_code == 202
    assert [e.log_id for e in await emitted(redis_client, prefix, PainLogged, 1)] == [
        valid["log_id"]
    ]
    assert events(redis_client, prefix, SessionDone) == []


async def test_late_log_keeps_its_time_and_the_timeline_is_in_event_time(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    user = await new_user(services)
    t = now()
    session = session_body(t - timedelta(days=2, hours=14))
    after = pain_body(
        t - timedelta(days=2, hours=13),
        context="after_exercise",
        exercise_id="side-plank",
        session_id=session["session_id"],
        level=2,
    )
    recent = pain_body(t - timedelta(hours=1), level=3)
    morning = pain_body(
        t - timedelta(days=2),
        context="next_morning",
        level=6,
        morning={"hours_sat": 9, "heavy_lifting": False, "sleep_hours": 5.5, "stress": 7},
    )
    old = pain_body(t - timedelta(days=40), level=1)
    for body in (recent, old):
        assert (await user.pain(body)).status_code == 202
    assert (await user.session(session)).status_code == 202
    for body in (after, morning):  # sent two days late
        assert (await user.pain(body)).status_code == 202

    logged = {e.log_id: e for e in await emitted(redis_client, prefix, PainLogged, 4)}
    late = logged[morning["log_id"]]
    assert late.occurred_at == late.observed_at == t - timedelta(days=2)
    assert late.morning is not None and late.morning.sleep_hours == 5.5

    timeline = (await user.timeline()).json()  # the last 28 days by default
    entries = timeline["items"]
    assert [e.get("log_id") or e["session_id"] for e in entries] == [
        session["session_id"],
        after["log_id"],
        morning["log_id"],
        recent["log_id"],
    ]
    assert at(entries[2]["observed_at"]) == at(morning["observed_at"])
    assert entries[2]["morning"]["hours_sat"] == 9
    assert entries[1]["exercise_id"] == "side-plank"
    assert timeline["next_cursor"] is None

    window = await user.timeline(
        **{"from": (t - timedelta(days=45)).isoformat(), "to": (t - timedelta(days=1)).isoformat()}
    )
    assert [e.get("log_id") or e["session_id"] for e in window.json()["items"]] == [
        old["log_id"],
        session["session_id"],
        after["log_id"],
        morning["log_id"],
    ]
    limited = (await user.timeline(limit="2")).json()
    assert len(limited["items"]) == 2 and limited["next_cursor"] is not None
    backwards = await user.timeline(**{"from": t.isoformat(), "to": (t - timedelta(1)).isoformat()})
    assert backwards.status_code == 422
    assert [f["field"] for f in backwards.json()["errors"]] == ["query.from"]
    naive = await user.timeline(**{"from": "2026-11-01T00:00:00"})
    assert [f["field"] for f in naive.json()["errors"]] == ["query.from"]


async def test_flares_from_the_detector_appear_on_the_timeline_and_the_chart(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    user = await new_user(services)
    t = now()
    calm = pain_body(t - timedelta(days=3), context="next_morning", level=2)
    flared = pain_body(t - timedelta(days=2), context="next_morning", level=7)
    assert (await user.session(session_body(t - timedelta(days=2, hours=14)))).status_code == 202
    for body in (calm, flared):
        assert (await user.pain(body)).status_code == 202
    event = (await emitted(redis_client, prefix, PainLogged, 2))[1]
    flare = FlareDetected(
        tenant_id=event.tenant_id,
        user_id=event.user_id,
        occurred_at=event.observed_at,
        flare_id=uuid.uuid4(),
        log_id=flared["log_id"],
        observed_at=event.observed_at,
        level=7,
        baseline=2.0,
    )
    await publish(services, flare)
    # The detector may say it again (a retry, a replay): still one flare.
    await publish(services, flare.model_copy(update={"event_id": uuid.uuid4()}))
    await publish(
        services,
        ExerciseRemoved(
            tenant_id=event.tenant_id,
            user_id=event.user_id,
            exercise_id="side-plank",
            rule="delayed",
            severity="suspected",
            evidence=RemovalEvidence(
                exposures=3, flares_after=2, flares_without=0, sessions_without=2
            ),
            decided_at=t - timedelta(days=1),
        ),
    )

    async def with_flare_and_removal() -> dict[str, Any]:
        body: dict[str, Any] = (await user.timeline()).json()
        flared = [e for e in body["items"] if e["kind"] == "pain" and e["flare"]]
        removed = [e for e in body["items"] if e["kind"] == "removal"]
        return body if flared and removed else {}

    timeline = await eventually(with_flare_and_removal)
    pain = {e["log_id"]: e for e in timeline["items"] if e["kind"] == "pain"}
    assert pain[flared["log_id"]]["flare"] == {
        "flare_id": str(flare.flare_id),
        "baseline": 2.0,
        "spread_further": False,
    }
    assert pain[calm["log_id"]]["flare"] is None
    # One list in event time: the removal (decided a day later) comes last.
    assert [e["kind"] for e in timeline["items"]] == ["pain", "session", "pain", "removal"]
    assert timeline["items"][-1]["exercise_id"] == "side-plank"
    # Cut at `limit`, a page's flares are those of the logs it shows.
    cut = (await user.timeline(limit="2")).json()
    assert cut["next_cursor"] and [e["kind"] for e in cut["items"]] == ["pain", "session"]
    assert all(e["flare"] is None for e in cut["items"] if e["kind"] == "pain")

    svg = await user.client.get(timeline["chart"]["svg"], headers=user.headers)
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    ids = {e.get("id") for e in ET.fromstring(svg.content).iter()}
    assert {"flares", "session-0", "removal-0", "acceptable-band", "pain-next_morning"} <= ids
    png = await user.chart("png")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")


async def test_another_tenant_sees_nothing_and_keeps_its_own_reports_apart(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    first, second = await new_user(services, "shared-id"), await new_user(services, "shared-id")
    body = pain_body(now() - timedelta(hours=1), level=5)
    assert (await first.pain(body)).status_code == 202
    assert (await first.timeline()).status_code == 200
    assert (await second.timeline()).status_code == 404
    assert (await second.chart("svg")).status_code == 404
    # The same log_id under another tenant is another report, not a conflict.
    own = await second.pain({**body, "level": 2})
    assert own.status_code == 202
    seen = (await second.timeline()).json()["items"]
    assert [e["level"] for e in seen] == [2]
    assert [e["level"] for e in (await first.timeline()).json()["items"]] == [5]
    logged = await emitted(redis_client, prefix, PainLogged, 2)
    assert len({e.tenant_id for e in logged}) == 2
