from enum import StrEnum


class AttemptViewOutcome(StrEnum):
    FAILED = "failed"
    GONE = "gone"
    RETRY = "retry"
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
