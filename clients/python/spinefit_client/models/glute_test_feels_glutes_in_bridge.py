from enum import StrEnum


class GluteTestFeelsGlutesInBridge(StrEnum):
    NO = "no"
    UNSURE = "unsure"
    YES = "yes"

    def __str__(self) -> str:
        return str(self.value)
