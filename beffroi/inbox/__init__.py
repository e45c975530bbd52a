"""The inbox room: the response queue (see DESIGN.md).

Ingestion of collected pages (``ingest_page``, with ``ingest_hooks``: triage, queue rows,
conversations), the SLA clock, assignment, saved replies, replying
through the item's collector, escalation to a city service, the overdue sweep, and the reads
the Inbox page needs. Writes go through ``beffroi.store.queue``.
"""

from beffroi.business_hours import SlaClock
from beffroi.collectors import REPLY_REFUSED
from beffroi.inbox.alerts import SweepResult, UrgentResult, alert_urgent, sweep_overdue
from beffroi.inbox.assignment import assign, assign_many, community_managers, distribute
from beffroi.inbox.escalation import escalate
from beffroi.inbox.ingest import (
    NO_HOOKS,
    Conversations,
    IngestHooks,
    SaveResult,
    answer_conversation,
    ingest_hooks,
    ingest_page,
)
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
    reply_warning,
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
    TONE_LABELS,
    QueueError,
    theme_rule_label,
    triage_rule_label,
)
from beffroi.inbox.triage import QueueFields, Triage, Understanding, decide, theme_of, understand
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

# Community writes the dashboard may do (events, a person's accounts, invitations and
# consent): the SQL is the store's, and the inbox is the room the dashboard writes through
# (the ``dashboard-writes`` import-linter contract forbids it ``beffroi.store.community``).
from beffroi.store.community import (
    EVENT_KINDS,
    CommunityError,
    create_event,
    declare_minor,
    import_members_csv,
    link_members,
    propose_invitations,
    record_parental_consent,
    set_member_flags,
    unlink_member,
)
from beffroi.store.community import set_status as set_invitation_status
from beffroi.store.queue import (
    add_saved_reply,
    close,
    close_many,
    correct_triage,
    reopen,
    retire_saved_reply,
    save_draft,
    update_saved_reply,
)

__all__ = [
    "REPLY_REFUSED",
    "EVENT_KINDS",
    "CommunityError",
    "create_event",
    "declare_minor",
    "import_members_csv",
    "link_members",
    "propose_invitations",
    "record_parental_consent",
    "set_invitation_status",
    "set_member_flags",
    "unlink_member",
    "NO_HOOKS",
    "Conversations",
    "IngestHooks",
    "QueueFields",
    "SaveResult",
    "answer_conversation",
    "ingest_page",
    "UrgentResult",
    "TONE_LABELS",
    "correct_triage",
    "theme_rule_label",
    "Understanding",
    "alert_urgent",
    "understand",
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
    "reply_warning",
    "send_reply",
    "service_name",
    "sweep_overdue",
    "theme_of",
    "thread",
    "triage_rule_label",
    "update_saved_reply",
]
