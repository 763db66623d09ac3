from enum import StrEnum


class RemovedViewRule(StrEnum):
    DELAYED = "delayed"
    IMMEDIATE = "immediate"

    def __str__(self) -> str:
        return str(self.value)
