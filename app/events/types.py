"""The published list of event types: what happened, in words a subscriber can filter on."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    alert_opened = "alert.opened"
    alert_raised = "alert.raised"
    alert_lowered = "alert.lowered"
    alert_acknowledged = "alert.acknowledged"
    alert_assigned = "alert.assigned"
    alert_resolved = "alert.resolved"
    alert_reopened = "alert.reopened"
    alert_updated = "alert.updated"
    alert_question_asked = "alert.question_asked"
    alert_answered = "alert.answered"
    alert_question_withdrawn = "alert.question_withdrawn"
    alert_reply_overdue = "alert.reply_overdue"
    alert_resolution_requested = "alert.resolution_requested"
    plan_proposed = "plan.proposed"
    plan_agreed = "plan.agreed"
    plan_rejected = "plan.rejected"
    plan_completed = "plan.completed"
    metric_performance_changed = "metric.performance_changed"
    metric_freshness_changed = "metric.freshness_changed"
    metric_forecast_changed = "metric.forecast_changed"
    readings_batch_committed = "readings.batch_committed"
    reading_corrected = "reading.corrected"
    evidence_attached = "evidence.attached"
    evidence_deleted = "evidence.deleted"
    period_locked = "period.locked"
    action_item_created = "action_item.created"
    action_item_due = "action_item.due"
    action_item_overdue = "action_item.overdue"
    action_item_done = "action_item.done"
    meeting_held = "meeting.held"
    award_status_changed = "award.status_changed"
    award_manager_changed = "award.manager_changed"
    award_ending = "award.ending"
    webhook_endpoint_disabled = "webhook.endpoint_disabled"


DESCRIPTIONS: dict[EventType, str] = {
    EventType.alert_opened: "An alert opened on a metric (payload: alert_id, metric_id, kind, severity, assignee_id, "
    "summary).",
    EventType.alert_raised: "An open alert's severity went up.",
    EventType.alert_lowered: "An open alert's severity went down.",
    EventType.alert_acknowledged: "Someone acknowledged an alert.",
    EventType.alert_assigned: "An alert was assigned to a user, or unassigned (payload: from/to assignee_id).",
    EventType.alert_resolved: "An alert was resolved, by a person or because the metric recovered.",
    EventType.alert_reopened: "A resolved alert opened again, by a person or because its condition returned.",
    EventType.alert_updated: "An open alert's summary changed at the same severity (new figures).",
    EventType.alert_question_asked: "The city asked the vendor about an alert (payload: question_id, reply_by).",
    EventType.alert_answered: "A question about an alert was answered (payload: question_id, answer_id, side).",
    EventType.alert_question_withdrawn: "The city withdrew a question about an alert (payload: question_id).",
    EventType.alert_reply_overdue: "A question about an alert passed its reply-by date unanswered; it escalates to "
    "the contract's and the department's managers (payload: question_id, reply_by).",
    EventType.alert_resolution_requested: "The last step of an alert's agreed corrective plan is done: the manager "
    "should record a resolution (payload: plan_id).",
    EventType.plan_proposed: "A corrective action plan was proposed (payload: plan_id, alert_id, side, steps).",
    EventType.plan_agreed: "The city agreed a corrective action plan.",
    EventType.plan_rejected: "The city rejected a corrective action plan.",
    EventType.plan_completed: "Every step of an agreed corrective action plan is done (payload: completed_at).",
    EventType.metric_performance_changed: "A metric's performance moved (on_track, at_risk, off_track, ...).",
    EventType.metric_freshness_changed: "A metric's data became overdue, or current again.",
    EventType.metric_forecast_changed: "A metric's forecast started or stopped projecting a missed target.",
    EventType.readings_batch_committed: "A batch of readings was stored (counts only, never values).",
    EventType.reading_corrected: "A stored reading was corrected (payload: reading_id, metric_id, period).",
    EventType.evidence_attached: "A file was attached to a reading or a vendor's answer (payload: attachment_id, "
    "subject_type, subject_id, filename, content_type, size_bytes, sha256, uploaded_side).",
    EventType.evidence_deleted: "An attached file was deleted; its record and audit entries remain (payload: "
    "attachment_id, subject_type, subject_id, filename, reason).",
    EventType.period_locked: "A reporting period of a metric was locked against changes.",
    EventType.action_item_created: "An action item was agreed in a meeting.",
    EventType.action_item_due: "An open action item is due today.",
    EventType.action_item_overdue: "An open action item passed its due date.",
    EventType.action_item_done: "An action item was completed.",
    EventType.meeting_held: "A performance meeting was recorded as held, with minutes; its agenda is frozen "
    "(payload: meeting_id, held_on, agenda_items; the minutes stay in the meeting, staff only).",
    EventType.award_status_changed: "A contract's or grant's status changed (payload: from, to).",
    EventType.award_manager_changed: "A contract's or grant's manager changed; its open alerts follow the new manager.",
    EventType.webhook_endpoint_disabled: "A webhook endpoint kept failing (or answered 410) and was disabled; "
    "its owner is told (payload: endpoint_id, owner_id, url, reason).",
    EventType.award_ending: "A contract or grant ends within 120 or 60 days (payload: days, end_date).",
}

# The city's internal work: never in the feed of a caller limited to a vendor or to some contracts (a vendor's
# own feed), whose events are otherwise those of its contracts and grants.
INTERNAL = frozenset(
    {
        EventType.alert_assigned,
        EventType.meeting_held,
        EventType.webhook_endpoint_disabled,
        EventType.period_locked,
    }
)
