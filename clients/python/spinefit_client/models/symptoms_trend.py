from enum import StrEnum


class SymptomsTrend(StrEnum):
    ABOUT_THE_SAME = "about_the_same"
    GETTING_BETTER = "getting_better"
    GETTING_WORSE = "getting_worse"

    def __str__(self) -> str:
        return str(self.value)
