"""Pure rules of the pain log: when a report is acceptable, what identifies it, and how a
timeline is windowed and ordered in event time. No I/O here."""
