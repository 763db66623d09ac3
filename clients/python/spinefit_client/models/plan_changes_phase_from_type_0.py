from enum import StrEnum


class PlanChangesPhaseFromType0(StrEnum):
    ACUTE = "acute"
    RECOVERY = "recovery"
    SUBACUTE = "subacute"

    def __str__(self) -> str:
        return str(self.value)
