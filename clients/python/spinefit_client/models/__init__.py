"""Contains all the data models used in inputs/outputs"""

from .about_you import AboutYou
from .endpoint_changes import EndpointChanges
from .event_types_response_event_types import EventTypesResponseEventTypes
from .exercise_done import ExerciseDone
from .exercise_done_pain_locations_item import ExerciseDonePainLocationsItem
from .exercise_done_pain_qualities_item import ExerciseDonePainQualitiesItem
from .exercise_removed_data import ExerciseRemovedData
from .exercise_removed_data_links import ExerciseRemovedDataLinks
from .exercise_removed_data_rule import ExerciseRemovedDataRule
from .exercise_removed_data_severity import ExerciseRemovedDataSeverity
from .exercise_removed_webhook import ExerciseRemovedWebhook
from .field_error import FieldError
from .flare_detected_data import FlareDetectedData
from .flare_detected_data_links import FlareDetectedDataLinks
from .flare_detected_webhook import FlareDetectedWebhook
from .get_chart_fmt import GetChartFmt
from .get_delivery_response_get_delivery import GetDeliveryResponseGetDelivery
from .get_endpoint_response_get_endpoint import GetEndpointResponseGetEndpoint
from .get_exercise_response_get_exercise import GetExerciseResponseGetExercise
from .get_tenant_response_get_tenant import GetTenantResponseGetTenant
from .glute_test import GluteTest
from .glute_test_feels_glutes_in_bridge import GluteTestFeelsGlutesInBridge
from .list_deliveries_response_list_deliveries import ListDeliveriesResponseListDeliveries
from .list_deliveries_status_type_0 import ListDeliveriesStatusType0
from .list_endpoints_response_list_endpoints import ListEndpointsResponseListEndpoints
from .list_exercises_response_list_exercises import ListExercisesResponseListExercises
from .list_tenants_response_list_tenants import ListTenantsResponseListTenants
from .morning_context import MorningContext
from .new_endpoint import NewEndpoint
from .new_tenant import NewTenant
from .pain_accepted import PainAccepted
from .pain_report import PainReport
from .pain_report_context import PainReportContext
from .pain_report_locations_item import PainReportLocationsItem
from .pain_report_qualities_item import PainReportQualitiesItem
from .plan_generated_data import PlanGeneratedData
from .plan_generated_data_links import PlanGeneratedDataLinks
from .plan_generated_data_trigger import PlanGeneratedDataTrigger
from .plan_generated_webhook import PlanGeneratedWebhook
from .problem import Problem
from .quiz_accepted import QuizAccepted
from .quiz_answers import QuizAnswers
from .quiz_answers_equipment_item import QuizAnswersEquipmentItem
from .quiz_answers_goals_item import QuizAnswersGoalsItem
from .quiz_referred import QuizReferred
from .quiz_referred_level import QuizReferredLevel
from .red_flag_answers import RedFlagAnswers
from .referral_reason import ReferralReason
from .referral_reason_level import ReferralReasonLevel
from .revoke_key_response_revoke_key import RevokeKeyResponseRevokeKey
from .schedule import Schedule
from .session_accepted import SessionAccepted
from .session_report import SessionReport
from .symptoms import Symptoms
from .symptoms_aggravating_movements_item import SymptomsAggravatingMovementsItem
from .symptoms_directions_that_ease_item import SymptomsDirectionsThatEaseItem
from .symptoms_directions_that_spread_item import SymptomsDirectionsThatSpreadItem
from .symptoms_duration import SymptomsDuration
from .symptoms_leg_side import SymptomsLegSide
from .symptoms_trend import SymptomsTrend
from .update_endpoint_response_update_endpoint import UpdateEndpointResponseUpdateEndpoint
from .user_referred_data import UserReferredData
from .user_referred_data_links import UserReferredDataLinks
from .user_referred_webhook import UserReferredWebhook
from .webhook_test_data import WebhookTestData
from .webhook_test_webhook import WebhookTestWebhook

__all__ = (
    "AboutYou",
    "EndpointChanges",
    "EventTypesResponseEventTypes",
    "ExerciseDone",
    "ExerciseDonePainLocationsItem",
    "ExerciseDonePainQualitiesItem",
    "ExerciseRemovedData",
    "ExerciseRemovedDataLinks",
    "ExerciseRemovedDataRule",
    "ExerciseRemovedDataSeverity",
    "ExerciseRemovedWebhook",
    "FieldError",
    "FlareDetectedData",
    "FlareDetectedDataLinks",
    "FlareDetectedWebhook",
    "GetChartFmt",
    "GetDeliveryResponseGetDelivery",
    "GetEndpointResponseGetEndpoint",
    "GetExerciseResponseGetExercise",
    "GetTenantResponseGetTenant",
    "GluteTest",
    "GluteTestFeelsGlutesInBridge",
    "ListDeliveriesResponseListDeliveries",
    "ListDeliveriesStatusType0",
    "ListEndpointsResponseListEndpoints",
    "ListExercisesResponseListExercises",
    "ListTenantsResponseListTenants",
    "MorningContext",
    "NewEndpoint",
    "NewTenant",
    "PainAccepted",
    "PainReport",
    "PainReportContext",
    "PainReportLocationsItem",
    "PainReportQualitiesItem",
    "PlanGeneratedData",
    "PlanGeneratedDataLinks",
    "PlanGeneratedDataTrigger",
    "PlanGeneratedWebhook",
    "Problem",
    "QuizAccepted",
    "QuizAnswers",
    "QuizAnswersEquipmentItem",
    "QuizAnswersGoalsItem",
    "QuizReferred",
    "QuizReferredLevel",
    "RedFlagAnswers",
    "ReferralReason",
    "ReferralReasonLevel",
    "RevokeKeyResponseRevokeKey",
    "Schedule",
    "SessionAccepted",
    "SessionReport",
    "Symptoms",
    "SymptomsAggravatingMovementsItem",
    "SymptomsDirectionsThatEaseItem",
    "SymptomsDirectionsThatSpreadItem",
    "SymptomsDuration",
    "SymptomsLegSide",
    "SymptomsTrend",
    "UpdateEndpointResponseUpdateEndpoint",
    "UserReferredData",
    "UserReferredDataLinks",
    "UserReferredWebhook",
    "WebhookTestData",
    "WebhookTestWebhook",
)
