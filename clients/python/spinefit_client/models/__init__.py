"""Contains all the data models used in inputs/outputs"""

from .about_you import AboutYou
from .attempt_view import AttemptView
from .attempt_view_outcome import AttemptViewOutcome
from .chart_links import ChartLinks
from .choice import Choice
from .created_tenant import CreatedTenant
from .delivery_queued import DeliveryQueued
from .delivery_view import DeliveryView
from .delivery_view_status import DeliveryViewStatus
from .dose import Dose
from .endpoint_changes import EndpointChanges
from .endpoint_created import EndpointCreated
from .endpoint_view import EndpointView
from .excluded_view import ExcludedView
from .exercise import Exercise
from .exercise_category import ExerciseCategory
from .exercise_directions_loaded_item import ExerciseDirectionsLoadedItem
from .exercise_done import ExerciseDone
from .exercise_done_pain_locations_item import ExerciseDonePainLocationsItem
from .exercise_done_pain_qualities_item import ExerciseDonePainQualitiesItem
from .exercise_equipment_item import ExerciseEquipmentItem
from .exercise_foundation_type_0 import ExerciseFoundationType0
from .exercise_goals_item import ExerciseGoalsItem
from .exercise_library import ExerciseLibrary
from .exercise_loads_item import ExerciseLoadsItem
from .exercise_phases_item import ExercisePhasesItem
from .exercise_position import ExercisePosition
from .exercise_removed_data import ExerciseRemovedData
from .exercise_removed_data_rule import ExerciseRemovedDataRule
from .exercise_removed_data_severity import ExerciseRemovedDataSeverity
from .exercise_removed_payload import ExerciseRemovedPayload
from .exercise_reproduces_item import ExerciseReproducesItem
from .field_error import FieldError
from .flare_detected_data import FlareDetectedData
from .flare_detected_payload import FlareDetectedPayload
from .flare_found import FlareFound
from .flare_view import FlareView
from .flares_links import FlaresLinks
from .flares_page import FlaresPage
from .get_pain_chart_fmt import GetPainChartFmt
from .glute_test import GluteTest
from .glute_test_feels_glutes_in_bridge import GluteTestFeelsGlutesInBridge
from .key import Key
from .list_deliveries_status_type_0 import ListDeliveriesStatusType0
from .morning_context import MorningContext
from .new_endpoint import NewEndpoint
from .new_key import NewKey
from .new_tenant import NewTenant
from .page_delivery_view import PageDeliveryView
from .page_endpoint_view import PageEndpointView
from .page_key import PageKey
from .page_tenant import PageTenant
from .page_version_view import PageVersionView
from .pain_accepted import PainAccepted
from .pain_entry import PainEntry
from .pain_report import PainReport
from .pain_report_context import PainReportContext
from .pain_report_locations_item import PainReportLocationsItem
from .pain_report_qualities_item import PainReportQualitiesItem
from .paused import Paused
from .plan_and_flares_links import PlanAndFlaresLinks
from .plan_changes import PlanChanges
from .plan_changes_phase_from_type_0 import PlanChangesPhaseFromType0
from .plan_changes_phase_to_type_0 import PlanChangesPhaseToType0
from .plan_generated_data import PlanGeneratedData
from .plan_generated_data_trigger import PlanGeneratedDataTrigger
from .plan_generated_payload import PlanGeneratedPayload
from .plan_links import PlanLinks
from .plan_view import PlanView
from .plan_view_days_item import PlanViewDaysItem
from .plan_view_phase import PlanViewPhase
from .plan_view_status import PlanViewStatus
from .plan_view_trigger import PlanViewTrigger
from .planned_exercise_view import PlannedExerciseView
from .planned_exercise_view_category import PlannedExerciseViewCategory
from .planned_exercise_view_days_item import PlannedExerciseViewDaysItem
from .planned_exercise_view_equipment_item import PlannedExerciseViewEquipmentItem
from .planned_exercise_view_position_type_0 import PlannedExerciseViewPositionType0
from .problem import Problem
from .question import Question
from .question_level_type_0 import QuestionLevelType0
from .question_type import QuestionType
from .questionnaire import Questionnaire
from .quiz_accepted import QuizAccepted
from .quiz_answers import QuizAnswers
from .quiz_answers_equipment_item import QuizAnswersEquipmentItem
from .quiz_answers_goals_item import QuizAnswersGoalsItem
from .quiz_links import QuizLinks
from .quiz_reason import QuizReason
from .quiz_referred import QuizReferred
from .quiz_referred_level import QuizReferredLevel
from .quiz_response import QuizResponse
from .quiz_response_level_type_0 import QuizResponseLevelType0
from .quiz_response_status import QuizResponseStatus
from .red_flag_answers import RedFlagAnswers
from .referral_reason import ReferralReason
from .referral_reason_level import ReferralReasonLevel
from .removal_entry import RemovalEntry
from .removal_entry_rule import RemovalEntryRule
from .removal_entry_severity import RemovalEntrySeverity
from .removal_evidence import RemovalEvidence
from .removal_reason import RemovalReason
from .removal_reason_rule import RemovalReasonRule
from .removal_reason_severity import RemovalReasonSeverity
from .removal_view import RemovalView
from .removal_view_rule import RemovalViewRule
from .removal_view_severity import RemovalViewSeverity
from .removed_view import RemovedView
from .removed_view_rule import RemovedViewRule
from .removed_view_severity import RemovedViewSeverity
from .replacement import Replacement
from .replacement_how import ReplacementHow
from .revoked_key import RevokedKey
from .safety_profile import SafetyProfile
from .schedule import Schedule
from .secret_rotated import SecretRotated
from .section import Section
from .session_accepted import SessionAccepted
from .session_before_view import SessionBeforeView
from .session_entry import SessionEntry
from .session_report import SessionReport
from .subscribable_event_types import SubscribableEventTypes
from .symptoms import Symptoms
from .symptoms_aggravating_movements_item import SymptomsAggravatingMovementsItem
from .symptoms_directions_that_ease_item import SymptomsDirectionsThatEaseItem
from .symptoms_directions_that_spread_item import SymptomsDirectionsThatSpreadItem
from .symptoms_duration import SymptomsDuration
from .symptoms_leg_side import SymptomsLegSide
from .symptoms_trend import SymptomsTrend
from .tenant import Tenant
from .tenant_detail import TenantDetail
from .timeline_page import TimelinePage
from .unseparable_view import UnseparableView
from .user_referred_data import UserReferredData
from .user_referred_payload import UserReferredPayload
from .version_view import VersionView
from .version_view_phase import VersionViewPhase
from .version_view_trigger import VersionViewTrigger
from .webhook_test_data import WebhookTestData
from .webhook_test_payload import WebhookTestPayload

__all__ = (
    "AboutYou",
    "AttemptView",
    "AttemptViewOutcome",
    "ChartLinks",
    "Choice",
    "CreatedTenant",
    "DeliveryQueued",
    "DeliveryView",
    "DeliveryViewStatus",
    "Dose",
    "EndpointChanges",
    "EndpointCreated",
    "EndpointView",
    "ExcludedView",
    "Exercise",
    "ExerciseCategory",
    "ExerciseDirectionsLoadedItem",
    "ExerciseDone",
    "ExerciseDonePainLocationsItem",
    "ExerciseDonePainQualitiesItem",
    "ExerciseEquipmentItem",
    "ExerciseFoundationType0",
    "ExerciseGoalsItem",
    "ExerciseLibrary",
    "ExerciseLoadsItem",
    "ExercisePhasesItem",
    "ExercisePosition",
    "ExerciseRemovedData",
    "ExerciseRemovedDataRule",
    "ExerciseRemovedDataSeverity",
    "ExerciseRemovedPayload",
    "ExerciseReproducesItem",
    "FieldError",
    "FlareDetectedData",
    "FlareDetectedPayload",
    "FlareFound",
    "FlaresLinks",
    "FlaresPage",
    "FlareView",
    "GetPainChartFmt",
    "GluteTest",
    "GluteTestFeelsGlutesInBridge",
    "Key",
    "ListDeliveriesStatusType0",
    "MorningContext",
    "NewEndpoint",
    "NewKey",
    "NewTenant",
    "PageDeliveryView",
    "PageEndpointView",
    "PageKey",
    "PageTenant",
    "PageVersionView",
    "PainAccepted",
    "PainEntry",
    "PainReport",
    "PainReportContext",
    "PainReportLocationsItem",
    "PainReportQualitiesItem",
    "Paused",
    "PlanAndFlaresLinks",
    "PlanChanges",
    "PlanChangesPhaseFromType0",
    "PlanChangesPhaseToType0",
    "PlanGeneratedData",
    "PlanGeneratedDataTrigger",
    "PlanGeneratedPayload",
    "PlanLinks",
    "PlannedExerciseView",
    "PlannedExerciseViewCategory",
    "PlannedExerciseViewDaysItem",
    "PlannedExerciseViewEquipmentItem",
    "PlannedExerciseViewPositionType0",
    "PlanView",
    "PlanViewDaysItem",
    "PlanViewPhase",
    "PlanViewStatus",
    "PlanViewTrigger",
    "Problem",
    "Question",
    "QuestionLevelType0",
    "Questionnaire",
    "QuestionType",
    "QuizAccepted",
    "QuizAnswers",
    "QuizAnswersEquipmentItem",
    "QuizAnswersGoalsItem",
    "QuizLinks",
    "QuizReason",
    "QuizReferred",
    "QuizReferredLevel",
    "QuizResponse",
    "QuizResponseLevelType0",
    "QuizResponseStatus",
    "RedFlagAnswers",
    "ReferralReason",
    "ReferralReasonLevel",
    "RemovalEntry",
    "RemovalEntryRule",
    "RemovalEntrySeverity",
    "RemovalEvidence",
    "RemovalReason",
    "RemovalReasonRule",
    "RemovalReasonSeverity",
    "RemovalView",
    "RemovalViewRule",
    "RemovalViewSeverity",
    "RemovedView",
    "RemovedViewRule",
    "RemovedViewSeverity",
    "Replacement",
    "ReplacementHow",
    "RevokedKey",
    "SafetyProfile",
    "Schedule",
    "SecretRotated",
    "Section",
    "SessionAccepted",
    "SessionBeforeView",
    "SessionEntry",
    "SessionReport",
    "SubscribableEventTypes",
    "Symptoms",
    "SymptomsAggravatingMovementsItem",
    "SymptomsDirectionsThatEaseItem",
    "SymptomsDirectionsThatSpreadItem",
    "SymptomsDuration",
    "SymptomsLegSide",
    "SymptomsTrend",
    "Tenant",
    "TenantDetail",
    "TimelinePage",
    "UnseparableView",
    "UserReferredData",
    "UserReferredPayload",
    "VersionView",
    "VersionViewPhase",
    "VersionViewTrigger",
    "WebhookTestData",
    "WebhookTestPayload",
)
