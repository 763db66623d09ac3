"""Use cases of the notifier, by what they act on: `endpoints` (a tenant's endpoints),
`deliveries` (recording them, reading them, a test event, a manual retry) and `attempts` (the
result of one attempt, and the endpoint's health after it).

Each reads as load, decide (a rule of `services.notifier.domain`), save. Nothing here
commits: the caller's unit of work does.
"""

from services.notifier.service import attempts, deliveries, endpoints

__all__ = ["attempts", "deliveries", "endpoints"]
