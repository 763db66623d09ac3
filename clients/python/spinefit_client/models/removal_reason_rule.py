from enum import StrEnum


class RemovalReasonRule(StrEnum):
    DELAYED = "delayed"
    IMMEDIATE = "immediate"

    def __str__(self) -> str:
        return str(self.value)
