from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.quiz_answers_equipment_item import QuizAnswersEquipmentItem
from ..models.quiz_answers_goals_item import QuizAnswersGoalsItem

if TYPE_CHECKING:
    from ..models.about_you import AboutYou
    from ..models.glute_test import GluteTest
    from ..models.red_flag_answers import RedFlagAnswers
    from ..models.schedule import Schedule
    from ..models.symptoms import Symptoms


T = TypeVar("T", bound="QuizAnswers")


@_attrs_define
class QuizAnswers:
    """Everything the quiz asks. Sections are nested objects; every answer is required.

    Attributes:
        about (AboutYou):
        equipment (list[QuizAnswersEquipmentItem]): Equipment available; empty means body weight only.
        glute_test (GluteTest): The article's practical test: can you feel your glutes in a bodyweight bridge.
        goals (list[QuizAnswersGoalsItem]): What the plan should aim for.
        red_flags (RedFlagAnswers): The yes/no red-flag questions of DOMAIN.md section 1, each required: no answer, no
            plan.

            Levels and messages live with the rule (`services.quiz.domain.screening`), not here.
            `bilateral_leg_symptoms` and `symptoms.leg_side == "both"` ask the same thing twice; they
            are not validated against each other (a 422 must never stand between a person and an
            emergency referral): screening treats either one as sciatica in both legs.
        schedule (Schedule):
        symptoms (Symptoms):
    """

    about: AboutYou
    equipment: list[QuizAnswersEquipmentItem]
    glute_test: GluteTest
    goals: list[QuizAnswersGoalsItem]
    red_flags: RedFlagAnswers
    schedule: Schedule
    symptoms: Symptoms

    def to_dict(self) -> dict[str, Any]:
        about = self.about.to_dict()

        equipment = []
        for equipment_item_data in self.equipment:
            equipment_item = equipment_item_data.value
            equipment.append(equipment_item)

        glute_test = self.glute_test.to_dict()

        goals = []
        for goals_item_data in self.goals:
            goals_item = goals_item_data.value
            goals.append(goals_item)

        red_flags = self.red_flags.to_dict()

        schedule = self.schedule.to_dict()

        symptoms = self.symptoms.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "about": about,
                "equipment": equipment,
                "glute_test": glute_test,
                "goals": goals,
                "red_flags": red_flags,
                "schedule": schedule,
                "symptoms": symptoms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.about_you import AboutYou  # noqa: PLC0415
        from ..models.glute_test import GluteTest  # noqa: PLC0415
        from ..models.red_flag_answers import RedFlagAnswers  # noqa: PLC0415
        from ..models.schedule import Schedule  # noqa: PLC0415
        from ..models.symptoms import Symptoms  # noqa: PLC0415

        d = dict(src_dict)
        about = AboutYou.from_dict(d.pop("about"))

        equipment = []
        _equipment = d.pop("equipment")
        for equipment_item_data in _equipment:
            equipment_item = QuizAnswersEquipmentItem(equipment_item_data)

            equipment.append(equipment_item)

        glute_test = GluteTest.from_dict(d.pop("glute_test"))

        goals = []
        _goals = d.pop("goals")
        for goals_item_data in _goals:
            goals_item = QuizAnswersGoalsItem(goals_item_data)

            goals.append(goals_item)

        red_flags = RedFlagAnswers.from_dict(d.pop("red_flags"))

        schedule = Schedule.from_dict(d.pop("schedule"))

        symptoms = Symptoms.from_dict(d.pop("symptoms"))

        quiz_answers = cls(
            about=about,
            equipment=equipment,
            glute_test=glute_test,
            goals=goals,
            red_flags=red_flags,
            schedule=schedule,
            symptoms=symptoms,
        )

        return quiz_answers
