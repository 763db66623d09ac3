"""Stream names. Each event type travels on the stream named after it (kebab-case), and each
stream has a `<stream>.dlq` dead-letter stream beside it. A deployment-wide prefix (settings)
keeps environments and test runs apart on one Redis.
"""

from __future__ import annotations

from typing import Final

TENANT_KEY_ISSUED: Final = "tenant-key-issued"
TENANT_KEY_REVOKED: Final = "tenant-key-revoked"
QUIZ_COMPLETED: Final = "quiz-completed"
USER_REFERRED: Final = "user-referred"
PLAN_GENERATED: Final = "plan-generated"
SESSION_DONE: Final = "session-done"
PAIN_LOGGED: Final = "pain-logged"
FLARE_DETECTED: Final = "flare-detected"
EXERCISE_REMOVED: Final = "exercise-removed"

DLQ_SUFFIX: Final = ".dlq"
# Urgent events (rule-one pain) are also copied to `<stream>.priority`, read by a consumer of
# their own so they never queue behind the main stream's backlog.
PRIORITY_LANE: Final = "priority"


def stream_name(prefix: str, event_type: str) -> str:
    return f"{prefix}{event_type}"


def lane_name(stream: str, lane: str) -> str:
    return f"{stream}.{lane}" if lane else stream


def dlq_name(stream: str) -> str:
    return f"{stream}{DLQ_SUFFIX}"
