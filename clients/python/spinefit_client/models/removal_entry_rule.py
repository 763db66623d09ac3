from enum import StrEnum


class RemovalEntryRule(StrEnum):
    DELAYED = "delayed"
    IMMEDIATE = "immediate"

    def __str__(self) -> str:
        return str(self.value)
