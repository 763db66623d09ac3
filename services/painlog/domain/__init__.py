"""Pure painlog rules: no I/O (enforced by import-linter)."""
