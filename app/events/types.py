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
    metric_performance_changed = "metric.performance_changed"
    metric_freshness_changed = "metric.freshness_changed"
    metric_forecast_changed = "metric.forecast_changed"
    readings_batch_committed = "readings.batch_committed"
    reading_corrected = "reading.corrected"
    period_locked = "period.locked"
    action_item_created = "action_item.created"
    action_item_due = "action_item.due"
    action_item_overdue = "action_item.overdue"
    action_item_done = "action_item.done"
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
    EventType.metric_performance_changed: "A metric's performance moved (on_track, at_risk, off_track, ...).",
    EventType.metric_freshness_changed: "A metric's data became overdue, or current again.",
    EventType.metric_forecast_changed: "A metric's forecast started or stopped projecting a missed target.",
    EventType.readings_batch_committed: "A batch of readings was stored (counts only, never values).",
    EventType.reading_corrected: "A stored reading was corrected (payload: reading_id, metric_id, period).",
    EventType.period_locked: "A reporting period of a metric was locked against changes.",
    EventType.action_item_created: "An action item was agreed in a meeting.",
    EventType.action_item_due: "An open action item is due today.",
    EventType.action_item_overdue: "An open action item passed its due date.",
    EventType.action_item_done: "An action item was completed.",
    EventType.award_status_changed: "A contract's or grant's status changed (payload: from, to).",
    EventType.award_manager_changed: "A contract's or grant's manager changed; its open alerts follow the new manager.",
    EventType.webhook_endpoint_disabled: "A webhook endpoint kept failing (or answered 410) and was disabled; "
    "its owner is told (payload: endpoint_id, owner_id, url, reason).",
    EventType.award_ending: "A contract or grant ends within 120 or 60 days (payload: days, end_date).",
}
