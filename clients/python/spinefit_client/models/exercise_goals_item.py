from enum import StrEnum


class ExerciseGoalsItem(StrEnum):
    DAILY_ACTIVITIES = "daily_activities"
    GENERAL_FITNESS = "general_fitness"
    LOSE_WEIGHT = "lose_weight"
    MOBILITY = "mobility"
    REDUCE_PAIN = "reduce_pain"
    RETURN_TO_RUNNING = "return_to_running"
    RETURN_TO_SPORT = "return_to_sport"
    STRENGTH = "strength"

    def __str__(self) -> str:
        return str(self.value)
