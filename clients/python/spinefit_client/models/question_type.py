from enum import StrEnum


class QuestionType(StrEnum):
    BOOLEAN = "boolean"
    CHOICE = "choice"
    INTEGER = "integer"
    MULTI_CHOICE = "multi_choice"

    def __str__(self) -> str:
        return str(self.value)
