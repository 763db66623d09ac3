from enum import StrEnum


class PainReportQualitiesItem(StrEnum):
    ACHE = "ache"
    BURNING = "burning"
    NUMBNESS = "numbness"
    RADIATING = "radiating"
    SHOOTING = "shooting"
    TINGLING = "tingling"

    def __str__(self) -> str:
        return str(self.value)
