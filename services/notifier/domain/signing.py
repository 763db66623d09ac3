"""Standard Webhooks signatures (https://www.standardwebhooks.com), by the reference library.

Headers: `webhook-id` (stable across retries: receivers deduplicate on it),
`webhook-timestamp` (seconds, per attempt) and `webhook-signature`: one `v1,<base64>` per
active secret, space-separated. After a rotation the old secret signs beside the new one for
a grace period, so a receiver verifying with either one succeeds.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105
SECRET_BYTES = 32
_WEBHOOK_ID_NAMESPACE = uuid.UUID("6f1d3b0a-5c2e-4f7e-9a51-2b8c9d0e1f37")


def format_secret(raw: bytes) -> str:
    """`whsec_<base64>` from random bytes (the caller draws them)."""
    if len(raw) < 24:
        raise ValueError("a webhook secret needs at least 24 random bytes")
    return SECRET_PREFIX + base64.b64encode(raw).decode()


def webhook_id(event_id: uuid.UUID, endpoint_id: str) -> str:
    """The same event to the same endpoint always has the same id, even if recorded twice."""
    return "msg_" + uuid.uuid5(_WEBHOOK_ID_NAMESPACE, f"{event_id}:{endpoint_id}").hex


def signature_headers(
    msg_id: str, timestamp: datetime, body: str, secrets: Sequence[str]
) -> dict[str, str]:
    if not secrets:
        raise ValueError("no secret to sign with")
    signatures = " ".join(Webhook(s).sign(msg_id, timestamp, body) for s in secrets)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signatures,
    }


def active_secrets(
    secret: str, previous: str | None, previous_expires_at: datetime | None, now: datetime
) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    if previous and previous_expires_at is not None and previous_expires_at > now:
        return [secret, previous]
    return [secret]
