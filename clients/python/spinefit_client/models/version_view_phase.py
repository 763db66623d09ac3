from enum import StrEnum


class VersionViewPhase(StrEnum):
    ACUTE = "acute"
    RECOVERY = "recovery"
    SUBACUTE = "subacute"

    def __str__(self) -> str:
        return str(self.value)
