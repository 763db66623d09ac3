from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RedFlagAnswers")


@_attrs_define
class RedFlagAnswers:
    """The yes/no red-flag questions of DOMAIN.md section 1, each required: no answer, no plan.

    Levels and messages live with the rule (`services.quiz.domain.screening`), not here.
    `bilateral_leg_symptoms` and `symptoms.leg_side == "both"` ask the same thing twice; they
    are not validated against each other (a 422 must never stand between a person and an
    emergency referral): screening treats either one as sciatica in both legs.

        Attributes:
            bilateral_leg_symptoms (bool): Sciatica in both legs.
            bladder_dysfunction (bool): New trouble passing urine, or leaking.
            bowel_incontinence (bool): New loss of bowel control.
            cancer_history_with_new_pain (bool): A history of cancer, with back pain that is new since.
            constant_pain_not_eased_by_rest (bool): Constant pain that no rest, position or posture eases.
            fever_or_unwell (bool): Fever, chills or feeling generally unwell.
            foot_drop (bool): Acute foot drop: the foot slaps or toes catch.
            immunosuppressed (bool): Immune system weakened by illness or drugs.
            inflammatory_back_pain_signs (bool): Morning stiffness over 30 minutes, better with movement, worse with rest.
            iv_drug_use (bool): Injects, or recently injected, drugs.
            known_stenosis_or_fracture (bool): Diagnosed spinal stenosis or spinal fracture.
            long_term_steroids (bool): Steroid tablets for more than 3 months.
            minor_trauma_with_osteoporosis (bool): Osteoporosis, and pain began after a minor fall or strain.
            pregnant (bool): Currently pregnant.
            rapidly_worsening_weakness (bool): Leg weakness getting worse over hours or days (knee giving way, cannot stand
                on heels or toes).
            recent_spinal_surgery (bool): Spinal surgery in the past 12 months.
            saddle_numbness (bool): New numbness in the saddle area.
            severe_night_pain (bool): Severe pain at night in every position.
            severe_uncontrolled_pain (bool): Pain 8/10 or more most of the day despite pain relief.
            sexual_dysfunction (bool): New sexual dysfunction or genital numbness.
            significant_trauma (bool): Pain began after a serious accident or fall.
            spreading_numbness (bool): Numbness in the legs or feet that spreads.
            unexplained_weight_loss (bool): Recent weight loss without trying.
            unsteady_gait_or_clumsy_hands (bool): Newly unsteady walking, or clumsy hands.
            worsening_weakness (bool): A leg getting weaker over days or weeks.
    """

    bilateral_leg_symptoms: bool
    bladder_dysfunction: bool
    bowel_incontinence: bool
    cancer_history_with_new_pain: bool
    constant_pain_not_eased_by_rest: bool
    fever_or_unwell: bool
    foot_drop: bool
    immunosuppressed: bool
    inflammatory_back_pain_signs: bool
    iv_drug_use: bool
    known_stenosis_or_fracture: bool
    long_term_steroids: bool
    minor_trauma_with_osteoporosis: bool
    pregnant: bool
    rapidly_worsening_weakness: bool
    recent_spinal_surgery: bool
    saddle_numbness: bool
    severe_night_pain: bool
    severe_uncontrolled_pain: bool
    sexual_dysfunction: bool
    significant_trauma: bool
    spreading_numbness: bool
    unexplained_weight_loss: bool
    unsteady_gait_or_clumsy_hands: bool
    worsening_weakness: bool

    def to_dict(self) -> dict[str, Any]:
        bilateral_leg_symptoms = self.bilateral_leg_symptoms

        bladder_dysfunction = self.bladder_dysfunction

        bowel_incontinence = self.bowel_incontinence

        cancer_history_with_new_pain = self.cancer_history_with_new_pain

        constant_pain_not_eased_by_rest = self.constant_pain_not_eased_by_rest

        fever_or_unwell = self.fever_or_unwell

        foot_drop = self.foot_drop

        immunosuppressed = self.immunosuppressed

        inflammatory_back_pain_signs = self.inflammatory_back_pain_signs

        iv_drug_use = self.iv_drug_use

        known_stenosis_or_fracture = self.known_stenosis_or_fracture

        long_term_steroids = self.long_term_steroids

        minor_trauma_with_osteoporosis = self.minor_trauma_with_osteoporosis

        pregnant = self.pregnant

        rapidly_worsening_weakness = self.rapidly_worsening_weakness

        recent_spinal_surgery = self.recent_spinal_surgery

        saddle_numbness = self.saddle_numbness

        severe_night_pain = self.severe_night_pain

        severe_uncontrolled_pain = self.severe_uncontrolled_pain

        sexual_dysfunction = self.sexual_dysfunction

        significant_trauma = self.significant_trauma

        spreading_numbness = self.spreading_numbness

        unexplained_weight_loss = self.unexplained_weight_loss

        unsteady_gait_or_clumsy_hands = self.unsteady_gait_or_clumsy_hands

        worsening_weakness = self.worsening_weakness

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "bilateral_leg_symptoms": bilateral_leg_symptoms,
                "bladder_dysfunction": bladder_dysfunction,
                "bowel_incontinence": bowel_incontinence,
                "cancer_history_with_new_pain": cancer_history_with_new_pain,
                "constant_pain_not_eased_by_rest": constant_pain_not_eased_by_rest,
                "fever_or_unwell": fever_or_unwell,
                "foot_drop": foot_drop,
                "immunosuppressed": immunosuppressed,
                "inflammatory_back_pain_signs": inflammatory_back_pain_signs,
                "iv_drug_use": iv_drug_use,
                "known_stenosis_or_fracture": known_stenosis_or_fracture,
                "long_term_steroids": long_term_steroids,
                "minor_trauma_with_osteoporosis": minor_trauma_with_osteoporosis,
                "pregnant": pregnant,
                "rapidly_worsening_weakness": rapidly_worsening_weakness,
                "recent_spinal_surgery": recent_spinal_surgery,
                "saddle_numbness": saddle_numbness,
                "severe_night_pain": severe_night_pain,
                "severe_uncontrolled_pain": severe_uncontrolled_pain,
                "sexual_dysfunction": sexual_dysfunction,
                "significant_trauma": significant_trauma,
                "spreading_numbness": spreading_numbness,
                "unexplained_weight_loss": unexplained_weight_loss,
                "unsteady_gait_or_clumsy_hands": unsteady_gait_or_clumsy_hands,
                "worsening_weakness": worsening_weakness,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bilateral_leg_symptoms = d.pop("bilateral_leg_symptoms")

        bladder_dysfunction = d.pop("bladder_dysfunction")

        bowel_incontinence = d.pop("bowel_incontinence")

        cancer_history_with_new_pain = d.pop("cancer_history_with_new_pain")

        constant_pain_not_eased_by_rest = d.pop("constant_pain_not_eased_by_rest")

        fever_or_unwell = d.pop("fever_or_unwell")

        foot_drop = d.pop("foot_drop")

        immunosuppressed = d.pop("immunosuppressed")

        inflammatory_back_pain_signs = d.pop("inflammatory_back_pain_signs")

        iv_drug_use = d.pop("iv_drug_use")

        known_stenosis_or_fracture = d.pop("known_stenosis_or_fracture")

        long_term_steroids = d.pop("long_term_steroids")

        minor_trauma_with_osteoporosis = d.pop("minor_trauma_with_osteoporosis")

        pregnant = d.pop("pregnant")

        rapidly_worsening_weakness = d.pop("rapidly_worsening_weakness")

        recent_spinal_surgery = d.pop("recent_spinal_surgery")

        saddle_numbness = d.pop("saddle_numbness")

        severe_night_pain = d.pop("severe_night_pain")

        severe_uncontrolled_pain = d.pop("severe_uncontrolled_pain")

        sexual_dysfunction = d.pop("sexual_dysfunction")

        significant_trauma = d.pop("significant_trauma")

        spreading_numbness = d.pop("spreading_numbness")

        unexplained_weight_loss = d.pop("unexplained_weight_loss")

        unsteady_gait_or_clumsy_hands = d.pop("unsteady_gait_or_clumsy_hands")

        worsening_weakness = d.pop("worsening_weakness")

        red_flag_answers = cls(
            bilateral_leg_symptoms=bilateral_leg_symptoms,
            bladder_dysfunction=bladder_dysfunction,
            bowel_incontinence=bowel_incontinence,
            cancer_history_with_new_pain=cancer_history_with_new_pain,
            constant_pain_not_eased_by_rest=constant_pain_not_eased_by_rest,
            fever_or_unwell=fever_or_unwell,
            foot_drop=foot_drop,
            immunosuppressed=immunosuppressed,
            inflammatory_back_pain_signs=inflammatory_back_pain_signs,
            iv_drug_use=iv_drug_use,
            known_stenosis_or_fracture=known_stenosis_or_fracture,
            long_term_steroids=long_term_steroids,
            minor_trauma_with_osteoporosis=minor_trauma_with_osteoporosis,
            pregnant=pregnant,
            rapidly_worsening_weakness=rapidly_worsening_weakness,
            recent_spinal_surgery=recent_spinal_surgery,
            saddle_numbness=saddle_numbness,
            severe_night_pain=severe_night_pain,
            severe_uncontrolled_pain=severe_uncontrolled_pain,
            sexual_dysfunction=sexual_dysfunction,
            significant_trauma=significant_trauma,
            spreading_numbness=spreading_numbness,
            unexplained_weight_loss=unexplained_weight_loss,
            unsteady_gait_or_clumsy_hands=unsteady_gait_or_clumsy_hands,
            worsening_weakness=worsening_weakness,
        )

        return red_flag_answers
