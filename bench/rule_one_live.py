"""Rule one as a user sees it, on a running system (`make run` in another terminal):
hundreds of simulated users (6 tenants x 50, each with a plan from the quiz) send sessions
and pain logs in the background (~15 writes a second in all, each tenant under its rate
limit), and 30 of them, one every 2 s, report shooting pain during an exercise of their
plan; printed: the time from that POST's 202 to GET /plan listing the exercise as removed.
Loopback only, bounded (about 90 s). Measured, not asserted.

PYTHONPATH=. .venv/bin/python bench/rule_one_live.py [base URL, default http://127.0.0.1:8080]
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.common import check_loopback
from tests.factories.quiz import clean_answers

B = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
OP = (Path(__file__).resolve().parents[1] / "var" / "operator-token").read_text().strip()
TENANTS, USERS_PER, PROBES_PER = 6, 50, 5
rng = random.Random(7)


class Paced:
    """At most `rate` requests a second for one tenant key (under its 50/s limit)."""

    def __init__(self, rate):
        self.gap, self.next = 1 / rate, time.monotonic()

    async def wait(self):
        now = time.monotonic()
        self.next = max(self.next + self.gap, now)
        await asyncio.sleep(max(0.0, self.next - now))


async def main() -> None:
    check_loopback(B, "base URL")
    async with httpx.AsyncClient(base_url=B, timeout=30, trust_env=False) as c:
        tenants = []
        for t in range(TENANTS):
            r = await c.post(
                "/admin/v1/tenants",
                json={"name": f"Sim clinic {t}"},
                headers={"Authorization": f"Bearer {OP}"},
            )
            tenants.append((r.json()["api_key"]["key"], Paced(35)))

        async def call(tenant, method, path, **kw):
            key, pace = tenant
            for _ in range(20):
                await pace.wait()
                r = await c.request(method, path, headers={"Authorization": f"Bearer {key}"}, **kw)
                if r.status_code != 429:
                    return r
                await asyncio.sleep(float(r.headers.get("retry-after", "1")))
            raise RuntimeError("rate limited throughout")

        users = [(tenants[t], f"sim-{t}-{u}") for t in range(TENANTS) for u in range(USERS_PER)]
        await asyncio.gather(
            *(call(t, "POST", f"/v1/users/{u}/quiz", json=clean_answers()) for t, u in users)
        )
        plans = {}

        async def plan_of(t, u):
            while True:
                r = await call(t, "GET", f"/v1/users/{u}/plan")
                if r.status_code == 200:
                    plans[u] = r.json()
                    return
                await asyncio.sleep(0.5)

        await asyncio.gather(*(plan_of(t, u) for t, u in users))
        print(f"{len(users)} users with plans ({TENANTS} tenants)")
        stop = time.monotonic() + 75
        writes = 0

        async def background():
            nonlocal writes
            while time.monotonic() < stop:
                t, u = rng.choice(users)
                now = datetime.now(UTC) - timedelta(minutes=1)
                ex = plans[u]["exercises"][-1]["id"]
                if rng.random() < 0.5:
                    body = {
                        "session_id": f"bg-{uuid.uuid4().hex[:12]}",
                        "started_at": (now - timedelta(minutes=30)).isoformat(),
                        "completed_at": now.isoformat(),
                        "exercises": [{"exercise_id": ex, "sets": 2, "reps": 10, "pain_during": 2}],
                    }
                    await call(t, "POST", f"/v1/users/{u}/sessions", json=body)
                else:
                    body = {
                        "log_id": f"bg-{uuid.uuid4().hex[:12]}",
                        "observed_at": now.isoformat(),
                        "level": rng.randint(1, 4),
                        "context": "other",
                    }
                    await call(t, "POST", f"/v1/users/{u}/pain", json=body)
                writes += 1
                await asyncio.sleep(rng.expovariate(15 / 4))  # 4 writers: ~15 writes/s in all

        latencies = []

        async def probe(t, u, delay):
            await asyncio.sleep(delay)
            victim = plans[u]["exercises"][0]["id"]
            now = datetime.now(UTC) - timedelta(minutes=1)
            body = {
                "session_id": f"r1-{uuid.uuid4().hex[:12]}",
                "started_at": (now - timedelta(minutes=30)).isoformat(),
                "completed_at": now.isoformat(),
                "exercises": [
                    {
                        "exercise_id": victim,
                        "sets": 2,
                        "reps": 10,
                        "pain_during": 6,
                        "pain_qualities": ["shooting"],
                    }
                ],
            }
            r = await call(t, "POST", f"/v1/users/{u}/sessions", json=body)
            assert r.status_code == 202, r.text
            t0 = time.monotonic()
            while time.monotonic() - t0 < 30:
                p = (await call(t, "GET", f"/v1/users/{u}/plan")).json()
                if victim in {x["id"] for x in p.get("removed", [])}:
                    latencies.append(time.monotonic() - t0)
                    return
                await asyncio.sleep(0.05)
            latencies.append(float("inf"))

        chosen = rng.sample(users, TENANTS * PROBES_PER)
        await asyncio.gather(
            *(background() for _ in range(4)),
            *(probe(t, u, 5 + i * 2) for i, (t, u) in enumerate(chosen)),
        )
        latencies.sort()
        print(f"{writes} background writes in 75 s; {len(latencies)} rule-one sessions")
        median = statistics.median(latencies) * 1000
        p90 = latencies[int(len(latencies) * 0.9)] * 1000
        print(
            f"202 -> removal in GET /plan: median {median:.0f} ms, p90 {p90:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    asyncio.run(main())
