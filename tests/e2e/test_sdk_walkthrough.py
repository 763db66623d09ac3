"""The README's walk-through through the generated client (clients/python, `make sdk`)
against the real system (conftest.py's `system`, the one test_walkthrough drives with raw
httpx): a tenant, the questionnaire, a quiz, the plan, a rule-one removal with its evidence
and a bad quiz, each answer a typed object of the client.

"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ROOT, System, shooting_pain_session
from tests.support.waiting import scaled

sys.path.insert(0, str(ROOT / "clients" / "python"))  # the committed client, not installed

from spinefit_client import AuthenticatedClient
from spinefit_client.api.painlog import record_session
from spinefit_client.api.planner import get_plan, list_plan_versions
from spinefit_client.api.quiz import get_questionnaire, submit_quiz
from spinefit_client.api.tenants import create_tenant
from spinefit_client.models import (
    CreatedTenant,
    FieldError,
    NewTenant,
    PlanView,
    Problem,
    Questionnaire,
    QuizAccepted,
    QuizAnswers,
    RemovalEvidence,
    RemovedView,
    SessionAccepted,
    SessionReport,
)
from spinefit_client.types import Response

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(480)]

USER = "patient-17"


def _client(system: System, token: str) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=system.base_url,
        token=token,
        timeout=httpx.Timeout(scaled(30)),
        raise_on_unexpected_status=True,
    )


def _clean_quiz() -> QuizAnswers:
    return QuizAnswers.from_dict(json.loads((ROOT / "examples" / "quiz-clean.json").read_text()))


@pytest.fixture(scope="module")
def created(system: System) -> Response[Any]:
    with _client(system, system.token) as operator:
        answer = create_tenant.sync_detailed(client=operator, body=NewTenant(name="SDK Physio"))
    assert answer.status_code == 201, answer.content
    return answer


@pytest.fixture(scope="module")
def tenant(system: System, created: Response[Any]) -> Iterator[AuthenticatedClient]:
    assert isinstance(created.parsed, CreatedTenant)
    with _client(system, created.parsed.api_key.key) as client:
        yield client


@pytest.fixture(scope="module")
def submitted(tenant: AuthenticatedClient) -> list[Response[Any]]:
    """The clean quiz, sent twice with one Idempotency-Key."""
    return [
        submit_quiz.sync_detailed(
            USER, client=tenant, body=_clean_quiz(), idempotency_key="4f1c2b0e-quiz-1"
        )
        for _ in range(2)
    ]


def _plan(client: AuthenticatedClient, version: int) -> PlanView:
    """The user's plan once it has reached `version` (the planner works from events)."""
    deadline = time.monotonic() + scaled(60)
    while True:
        plan = get_plan.sync(USER, client=client)
        if isinstance(plan, PlanView) and plan.version >= version:
            return plan
        assert time.monotonic() < deadline, f"no plan version {version}: {plan}"
        time.sleep(0.2)


def test_the_operator_creates_a_tenant_and_reads_its_key(created: Response[Any]) -> None:
    tenant = created.parsed
    assert isinstance(tenant, CreatedTenant)
    assert tenant.name == "SDK Physio"
    assert tenant.api_key.key.startswith("sf_")
    assert tenant.api_key.propagated is True


def test_the_questionnaire_is_typed(tenant: AuthenticatedClient) -> None:
    questionnaire = get_questionnaire.sync(client=tenant)
    assert isinstance(questionnaire, Questionnaire)
    assert questionnaire.version


def test_a_clean_quiz_is_accepted_once_for_its_idempotency_key(
    submitted: list[Response[Any]],
) -> None:
    first, again = submitted
    assert first.status_code == again.status_code == 202
    assert isinstance(first.parsed, QuizAccepted) and isinstance(again.parsed, QuizAccepted)
    assert first.parsed.status == "accepted"
    assert again.parsed.response_id == first.parsed.response_id


def test_the_plan_is_a_typed_object(tenant: AuthenticatedClient, submitted: Any) -> None:
    plan = _plan(tenant, 1)
    assert isinstance(plan, PlanView)
    assert plan.version == 1
    assert plan.exercises[0].id
    assert "glute-bridge" in {e.id for e in plan.exercises}
    assert plan.excluded and all(x.reason for x in plan.excluded)


def test_rule_one_removes_the_exercise_with_its_evidence(
    tenant: AuthenticatedClient, submitted: Any
) -> None:
    assert isinstance(_plan(tenant, 1), PlanView)
    session = SessionReport.from_dict(shooting_pain_session(datetime.now(UTC)))
    accepted = record_session.sync(USER, client=tenant, body=session)
    assert isinstance(accepted, SessionAccepted), accepted

    plan = _plan(tenant, 2)
    assert plan.version == 2
    assert "glute-bridge" not in {e.id for e in plan.exercises}
    removal = next(r for r in plan.removed if r.id == "glute-bridge")
    assert isinstance(removal, RemovedView)
    assert removal.rule == "immediate"
    assert isinstance(removal.evidence, RemovalEvidence)
    assert removal.evidence.statistic == "rule_one"
    assert removal.evidence.report_ids

    # The versions page by cursor: one at a time, both reached, the last page says so.
    first = list_plan_versions.sync(USER, client=tenant, limit=1)
    assert first is not None and not isinstance(first, Problem)
    assert [v.version for v in first.items] == [1] and isinstance(first.next_cursor, str)
    second = list_plan_versions.sync(USER, client=tenant, limit=1, cursor=first.next_cursor)
    assert second is not None and not isinstance(second, Problem)
    assert [v.version for v in second.items] == [2] and second.next_cursor is None


def test_a_bad_quiz_is_a_typed_problem_naming_the_field(tenant: AuthenticatedClient) -> None:
    body = _clean_quiz()
    body.symptoms.leg_pain = 14  # the client sends it; the server refuses it
    answer = submit_quiz.sync_detailed("patient-19", client=tenant, body=body)
    assert answer.status_code == 422
    problem = answer.parsed
    assert isinstance(problem, Problem)
    assert problem.status == 422 and problem.title
    assert isinstance(problem.errors, list) and isinstance(problem.errors[0], FieldError)
    assert problem.errors[0].field == "symptoms.leg_pain"
