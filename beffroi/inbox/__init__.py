"""The inbox room: the response queue (see DESIGN.md).

Triage on ingestion (``ingest_hooks``), the SLA clock, assignment, saved replies, replying
through the item's collector, escalation to a city service, the overdue sweep, and the reads
the Inbox page needs. Writes go through ``beffroi.store.queue``.
"""

from beffroi.business_hours import SlaClock
from beffroi.inbox.alerts import SweepResult, sweep_overdue
from beffroi.inbox.assignment import assign, assign_many, community_managers, distribute
from beffroi.inbox.escalation import escalate
from beffroi.inbox.ingest import ingest_hooks
from beffroi.inbox.invitations import (
    Delivery,
    deliver_invitation,
    release_stuck_invitation,
    resolve_stuck_invitation,
)
from beffroi.inbox.replying import (
    ReplyFailed,
    SendCheck,
    SentReply,
    release_stuck_send,
    resolve_stuck_send,
    send_reply,
)
from beffroi.inbox.saved_replies import (
    SavedReply,
    first_name,
    list_saved_replies,
    render,
    service_name,
)
from beffroi.inbox.states import (
    CLOSE_REASON_LABELS,
    CLOSE_REASONS,
    OPEN,
    PRIORITY_LABELS,
    STATUS_LABELS,
    QueueError,
    triage_rule_label,
)
from beffroi.inbox.triage import Triage, decide, theme_of
from beffroi.inbox.views import (
    Counters,
    Filters,
    author_label,
    citizen_history,
    counters,
    get_entry,
    history,
    list_entries,
    thread,
)
from beffroi.store.queue import (
    add_saved_reply,
    close,
    close_many,
    reopen,
    retire_saved_reply,
    save_draft,
    update_saved_reply,
)

__all__ = [
    "assign_many",
    "Delivery",
    "deliver_invitation",
    "CLOSE_REASONS",
    "CLOSE_REASON_LABELS",
    "OPEN",
    "PRIORITY_LABELS",
    "STATUS_LABELS",
    "Counters",
    "Filters",
    "QueueError",
    "ReplyFailed",
    "SavedReply",
    "SentReply",
    "SlaClock",
    "SweepResult",
    "Triage",
    "add_saved_reply",
    "assign",
    "author_label",
    "citizen_history",
    "close",
    "close_many",
    "community_managers",
    "counters",
    "decide",
    "distribute",
    "escalate",
    "first_name",
    "get_entry",
    "history",
    "ingest_hooks",
    "list_entries",
    "list_saved_replies",
    "release_stuck_invitation",
    "release_stuck_send",
    "resolve_stuck_invitation",
    "resolve_stuck_send",
    "SendCheck",
    "render",
    "reopen",
    "retire_saved_reply",
    "save_draft",
    "send_reply",
    "service_name",
    "sweep_overdue",
    "theme_of",
    "thread",
    "triage_rule_label",
    "update_saved_reply",
]
