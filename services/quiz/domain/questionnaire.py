"""The questionnaire served by `GET /v1/quiz`: versioned questions, answer types, allowed values.

Answer types, bounds and allowed values are read from the JSON schema of `QuizAnswers`, the
same schema that validates a submission, so the questionnaire and the validator cannot
disagree. Only the words are written here. A question's id is the dotted path of its field.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from services.quiz.domain.screening import RED_FLAG_RULES
from shared.events.base import Frozen
from shared.events.quiz import ReferralLevel
from shared.events.quiz_answers import QuizAnswers

# Bump whenever a question, its wording or its allowed values change; responses record it.
QUESTIONNAIRE_VERSION = "2026-11-1"

QuestionType = Literal["boolean", "integer", "choice", "multi_choice"]
RED_FLAG_SECTION = "red_flags"

SECTION_TITLES: dict[str, str] = {
    "about": "About you",
    "symptoms": "Your symptoms",
    "red_flags": "Safety questions",
    "equipment": "Your equipment",
    "goals": "Your goals",
    "schedule": "Your time",
    "glute_test": "A quick glute test",
}

# Written for a person in pain: short, plain words, one thing per question. Red-flag questions
# say "new" because long-standing, already-checked symptoms are not an emergency.
QUESTION_TEXTS: dict[str, str] = {
    "about.age": "How old are you?",
    "symptoms.duration": "How long have you had these symptoms?",
    "symptoms.trend": "Over the past week, are your symptoms getting worse, about the same, "
    "or getting better?",
    "symptoms.back_pain": "On a typical day this week, how bad is the pain in your back? "
    "0 is no pain, 10 is the worst pain you can imagine.",
    "symptoms.leg_pain": "On a typical day this week, how bad is the pain in your leg? "
    "0 is no pain, 10 is the worst pain you can imagine.",
    "symptoms.pain_below_knee": "Does the pain, numbness or tingling go below your knee?",
    "symptoms.leg_side": "Which leg is affected?",
    "symptoms.aggravating_movements": "Which of these make your symptoms worse? "
    "Choose all that apply.",
    "symptoms.directions_that_spread": "Which movements send the pain further down your leg? "
    "Choose all that apply.",
    "symptoms.directions_that_ease": "Which movements ease the pain, or bring it back up "
    "towards your back? Choose all that apply.",
    "symptoms.pain_spreads_with_movement": "When you move about, does the pain spread "
    "further down your leg?",
    "symptoms.first_episode": "Is this the first time you have had sciatica or back pain?",
    "red_flags.saddle_numbness": "Do you have new numbness or pins and needles between your "
    "legs, around your genitals or around your back passage (where you would sit on a saddle)?",
    "red_flags.bladder_dysfunction": "Do you have new trouble passing urine, or have you "
    "leaked urine without meaning to?",
    "red_flags.bowel_incontinence": "Have you newly lost control of your bowels, or can you "
    "no longer feel when you need to go?",
    "red_flags.sexual_dysfunction": "Have you noticed new problems with sexual function, or "
    "numbness of your genitals?",
    "red_flags.bilateral_leg_symptoms": "Do you have sciatica (pain, numbness or tingling "
    "down the leg) in both legs?",
    "red_flags.rapidly_worsening_weakness": "Is your leg getting weaker quickly, over hours or "
    "days? For example your knee gives way, or you cannot stand on your heels or toes.",
    "red_flags.spreading_numbness": "Is an area of numbness in your legs or feet spreading?",
    "red_flags.foot_drop": "Has your foot started to drop or slap when you walk, so that you "
    "catch your toes?",
    "red_flags.worsening_weakness": "Has one of your legs been getting weaker over the past "
    "days or weeks, even slowly?",
    "red_flags.cancer_history_with_new_pain": "Have you ever had cancer, and is this back pain "
    "new since then?",
    "red_flags.unexplained_weight_loss": "Have you lost weight recently without trying?",
    "red_flags.fever_or_unwell": "Do you have a fever or chills, or feel generally unwell?",
    "red_flags.immunosuppressed": "Is your immune system weakened, by an illness or by "
    "medicines (for example chemotherapy or transplant medicines)?",
    "red_flags.iv_drug_use": "Do you inject drugs, or have you injected drugs recently?",
    "red_flags.long_term_steroids": "Have you taken steroid tablets (such as prednisolone) "
    "for more than 3 months?",
    "red_flags.significant_trauma": "Did this pain start after a serious accident or injury, "
    "such as a car crash or a fall from a height?",
    "red_flags.minor_trauma_with_osteoporosis": "Do you have osteoporosis (thin bones), and "
    "did this pain start after a minor fall, bump or strain?",
    "red_flags.constant_pain_not_eased_by_rest": "Is your pain there all the time, with no "
    "rest or position that eases it?",
    "red_flags.severe_night_pain": "Does severe pain keep you awake at night, whatever "
    "position you lie in?",
    "red_flags.unsteady_gait_or_clumsy_hands": "Have you become unsteady on your feet, or "
    "clumsy with your hands (dropping things, trouble with buttons)?",
    "red_flags.inflammatory_back_pain_signs": "Is your back stiff for more than 30 minutes "
    "in the morning, and does it get better when you move and worse when you rest?",
    "red_flags.recent_spinal_surgery": "Have you had an operation on your spine in the past "
    "12 months?",
    "red_flags.pregnant": "Are you pregnant?",
    "red_flags.known_stenosis_or_fracture": "Has a doctor told you that you have spinal "
    "stenosis (a narrowed spinal canal) or a fracture in your spine?",
    "red_flags.severe_uncontrolled_pain": "Is your pain 8 out of 10 or worse for most of the "
    "day, even with the pain relief you take?",
    "equipment": "Which of these do you have? Choose nothing if you have none of them: every "
    "plan works with your body weight alone.",
    "goals": "What do you want your plan to help with? Choose at least one.",
    "schedule.sessions_per_week": "How many days a week can you exercise?",
    "schedule.minutes_per_session": "How many minutes can you give each session?",
    "glute_test.feels_glutes_in_bridge": "Lie on your back, knees bent and feet flat, and "
    "lift your hips into a bridge. Can you feel your buttock muscles working? Stop if it "
    "sends pain down your leg.",
}

# Only where the value itself does not read well; the rest are labelled from the value.
CHOICE_LABELS: dict[str, str] = {
    "under_2_weeks": "Less than 2 weeks",
    "over_12_weeks": "More than 12 weeks",
    "none": "Neither",
    "flexion": "Bending forward",
    "extension": "Bending backward",
    "rotation": "Twisting",
    "side_bending": "Bending to the side",
    "coughing_sneezing": "Coughing or sneezing",
    "mini_band": "Mini band (loop)",
    "dumbbells": "Dumbbells",
    "pull_up_bar": "Pull-up bar",
    "step": "Step or low box",
    "pool": "Swimming pool",
    "lose_weight": "Lose weight",
    "daily_activities": "Everyday activities",
    "return_to_running": "Get back to running",
    "return_to_sport": "Get back to sport",
}


class Choice(Frozen):
    value: str
    label: str


class Question(Frozen):
    id: str
    text: str
    type: QuestionType
    required: bool
    choices: tuple[Choice, ...] | None = None  # choice and multi_choice
    minimum: int | None = None  # integer
    maximum: int | None = None  # integer
    min_choices: int | None = None  # multi_choice
    level: ReferralLevel | None = None  # red flags: where a "yes" sends the person


class Section(Frozen):
    id: str
    title: str
    questions: tuple[Question, ...]


class Questionnaire(Frozen):
    version: str
    sections: tuple[Section, ...]


@cache
def build_questionnaire() -> Questionnaire:
    schema = QuizAnswers.model_json_schema()
    defs: dict[str, Any] = schema["$defs"]
    sections = []
    for name, prop in schema["properties"].items():
        if "$ref" in prop:  # a nested section: one question per field
            section_schema = defs[prop["$ref"].rsplit("/", 1)[-1]]
            questions = tuple(
                _question(f"{name}.{field}", field_schema, field in section_schema["required"])
                for field, field_schema in section_schema["properties"].items()
            )
        else:  # a top-level answer is a section of one question
            questions = (_question(name, prop, name in schema["required"]),)
        sections.append(Section(id=name, title=SECTION_TITLES[name], questions=questions))
    return Questionnaire(version=QUESTIONNAIRE_VERSION, sections=tuple(sections))


def question_ids(questionnaire: Questionnaire) -> tuple[str, ...]:
    return tuple(q.id for s in questionnaire.sections for q in s.questions)


def _question(qid: str, schema: dict[str, Any], required: bool) -> Question:
    section, _, field = qid.rpartition(".")
    common: dict[str, Any] = {"id": qid, "text": QUESTION_TEXTS[qid], "required": required}
    if section == RED_FLAG_SECTION:
        common["level"] = RED_FLAG_RULES[field].level
    kind = schema.get("type")
    if kind == "boolean":
        return Question(type="boolean", **common)
    if kind == "integer":
        return Question(
            type="integer", minimum=schema["minimum"], maximum=schema["maximum"], **common
        )
    if "enum" in schema:
        return Question(type="choice", choices=_choices(schema["enum"]), **common)
    if kind == "array" and "enum" in schema["items"]:
        return Question(
            type="multi_choice",
            choices=_choices(schema["items"]["enum"]),
            min_choices=schema.get("minItems", 0),
            **common,
        )
    # A new kind of answer needs a question type here before it can be asked.
    raise TypeError(f"no question type for {qid}: {schema}")


def _choices(values: list[str]) -> tuple[Choice, ...]:
    return tuple(Choice(value=v, label=CHOICE_LABELS.get(v, _label(v))) for v in values)


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()
