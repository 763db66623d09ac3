"""Deployment: `local` runs the whole system on one machine (`make run`); the rest is config."""
