from enum import StrEnum


class QuizResponseStatus(StrEnum):
    ACCEPTED = "accepted"
    REFER = "refer"

    def __str__(self) -> str:
        return str(self.value)
