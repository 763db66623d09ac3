"""Pure notifier rules: no I/O (enforced by import-linter)."""
