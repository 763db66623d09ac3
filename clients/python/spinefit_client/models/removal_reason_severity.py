from enum import StrEnum


class RemovalReasonSeverity(StrEnum):
    CONFIRMED = "confirmed"
    SUSPECTED = "suspected"

    def __str__(self) -> str:
        return str(self.value)
