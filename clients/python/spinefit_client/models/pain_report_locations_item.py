from enum import StrEnum


class PainReportLocationsItem(StrEnum):
    BUTTOCK = "buttock"
    CALF = "calf"
    FOOT = "foot"
    KNEE = "knee"
    LOWER_BACK = "lower_back"
    THIGH = "thigh"

    def __str__(self) -> str:
        return str(self.value)
