"""Every SpineFit metric, defined once (each service is its own process and registry)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "spinefit_http_requests_total",
    "HTTP requests handled",
    ["service", "method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "spinefit_http_request_duration_seconds",
    "HTTP request duration",
    ["service", "method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_CONSUMED = Counter(
    "spinefit_events_consumed_total",
    "Events taken from a stream, by outcome (applied, duplicate, failed, dead_lettered)",
    ["service", "stream", "outcome"],
)
EVENT_HANDLE_SECONDS = Histogram(
    "spinefit_event_handle_seconds",
    "Time to apply one event (or one batch) including its transaction",
    ["service", "stream"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
DEAD_LETTERS = Counter(
    "spinefit_dead_letters_total",
    "Messages moved to <stream>.dlq",
    ["service", "stream", "reason"],
)
OUTBOX_PUBLISHED = Counter(
    "spinefit_outbox_published_total", "Outbox events relayed to Redis", ["service", "stream"]
)
OUTBOX_RELAY_FAILURES = Counter(
    "spinefit_outbox_relay_failures_total", "Failed outbox relay attempts", ["service"]
)
OUTBOX_PENDING = Gauge(
    "spinefit_outbox_pending", "Outbox events not yet relayed (last seen)", ["service"]
)
STREAM_LAG = Gauge(
    "spinefit_stream_lag", "Entries not yet delivered to the service's group", ["service", "stream"]
)
STREAM_PENDING = Gauge(
    "spinefit_stream_pending", "Entries delivered but not acknowledged", ["service", "stream"]
)
QUIZ_SUBMISSIONS = Counter(
    "spinefit_quiz_submissions_total", "Quiz submissions by outcome", ["outcome"]
)
WEBHOOK_ATTEMPTS = Counter(
    "spinefit_webhook_attempts_total",
    "Webhook delivery attempts by outcome (succeeded, retry, failed, gone)",
    ["outcome"],
)
WEBHOOK_ATTEMPT_SECONDS = Histogram(
    "spinefit_webhook_attempt_seconds",
    "Duration of one webhook attempt, resolution and connection included",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
WEBHOOK_ENDPOINTS_DISABLED = Counter(
    "spinefit_webhook_endpoints_disabled_total",
    "Webhook endpoints disabled by the notifier (gone: 410; failing: failed for too long)",
    ["reason"],
)
WEBHOOK_IN_FLIGHT = Gauge("spinefit_webhook_in_flight", "Webhook attempts under way")
PLANS_GENERATED = Counter(
    "spinefit_plans_generated_total", "Plan versions saved by the planner, by trigger", ["trigger"]
)
PLANNER_REMOVALS = Counter(
    "spinefit_planner_removals_total",
    "exercise-removed events by what the planner did (applied, duplicate, not_in_plan, ...)",
    ["outcome"],
)
FLARES_DETECTED = Counter(
    "spinefit_flares_detected_total", "Pain observations classified as flares (notified once each)"
)
EXERCISES_REMOVED = Counter(
    "spinefit_exercises_removed_total",
    "Removals decided by the flare detector, by rule and severity",
    ["rule", "severity"],
)
