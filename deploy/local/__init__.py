"""`make run`: every service as its own process behind one Caddy proxy, no Docker needed.

- `run`: the command line (start, banner, wait, stop);
- `proxy`: the public route table and the Caddyfile made from it;
- `proxy_problems`: what the proxy answers itself (problem details), in both Caddyfiles;
- `procs`: starting, watching, logging and stopping child processes;
- `redis_local`: the Redis in use, or an embedded Valkey when none answers.
"""
