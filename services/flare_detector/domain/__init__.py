"""Pure flare_detector rules: no I/O (enforced by import-linter)."""
