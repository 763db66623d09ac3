from enum import StrEnum


class RemovalEntrySeverity(StrEnum):
    CONFIRMED = "confirmed"
    SUSPECTED = "suspected"

    def __str__(self) -> str:
        return str(self.value)
