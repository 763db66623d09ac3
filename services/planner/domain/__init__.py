"""Pure planner rules: no I/O (enforced by import-linter)."""
