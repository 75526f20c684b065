"""Tables. Changing one means a new Alembic revision in bot/db/migrations/versions/."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class AwareDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware.

    SQLite keeps no offset: without this, values come back naive and compare wrongly with "now".
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: take times from bot.clock")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class Base(DeclarativeBase):
    pass


# The tables whose ids people see (a reference, "#12") or tap (a button's callback data), or that
# dedup keys and audit targets name: SQLite must never hand an erased row's id to the next one (it
# does without AUTOINCREMENT: max(id)+1). PostgreSQL's sequences never reuse; this only affects SQLite.
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram user id
    language: Mapped[str] = mapped_column(String(16))
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)  # set by /language
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime())
    unreachable_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)  # blocked us
    mode: Mapped[str] = mapped_column(String(16), default="check")  # where typed text goes: bot/services/modes.py Mode
    # Funnel stages already counted for this person (so each is counted once); see FunnelCount.
    counted: Mapped[list[str]] = mapped_column(JSON, default=list)
    # An employer form being filled (company registration, obligations check) or a code awaited.
    employer_form: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # The last typed question the FAQ could not answer: what "Ask programme staff" sends.
    pending_question: Mapped[str | None] = mapped_column(Text, nullable=True)


class Questionnaire(Base):
    """One person's eligibility questionnaire: the answers as given, saved after every step."""

    __tablename__ = "questionnaires"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    editing: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)  # bumped on every change
    started_at: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # last verdict shown


class Application(Base):
    """A draft or submitted application for a recommendation: one open per person (a refused
    one does not count), enforced by a partial unique index."""

    __tablename__ = "applications"
    __table_args__ = (
        Index(
            "uq_applications_one_open_per_person",
            "user_id",
            unique=True,
            sqlite_where=text("status <> 'not_recommended'"),
            postgresql_where=text("status <> 'not_recommended'"),
        ),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)  # GG-2026-000123
    status: Mapped[str] = mapped_column(String(32))
    occupation: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recommendation_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recommendation_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    consent_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    personal_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)  # encrypted JSON (bot/crypto.py)
    job: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # employer, BRN, city, start date
    form_editing: Mapped[str | None] = mapped_column(String(64), nullable=True)
    awaiting_upload: Mapped[str | None] = mapped_column(String(64), nullable=True)  # checklist item to receive
    gg24_receipt: Mapped[str | None] = mapped_column(String(40), nullable=True)  # 접수번호, as the applicant typed it
    # The questionnaire's answers as sent, frozen at submission: the pack, staff's verdict and the status
    # stand on them, whatever the person answers later (a draft has none: it follows the questionnaire).
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class StatusChange(Base):
    """The full history of an application's status: who changed what, when, and why."""

    __tablename__ = "status_changes"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(Integer, ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))  # "applicant", "cli", "staff:<telegram id>"
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)  # from dialogs/statuses.py REASONS
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime())


class OutboxMessage(Base):
    """A message to send, written in the same transaction as the change it reports.

    The sender delivers it later (retrying, honouring 429s); a restart resumes from here.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text)  # rendered HTML in the recipient's language
    dedup_key: Mapped[str] = mapped_column(String(128), unique=True)  # one message per event
    # pending -> claimed (by one sender) -> sending (the request is out) -> sent | blocked | failed;
    # also cancelled (an announcement stopped) and uncertain (in flight at a crash, not resent).
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(AwareDateTime())
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    announcement_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the sender process
    claimed_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    # The claim holds until then; a live sender renews it (also while it waits out a 429).
    lease_until: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    # A message found "sending" after a crash may or may not have reached Telegram: resend it
    # (status notifications: better twice than never) or not (announcements: never twice).
    resend_if_unsure: Mapped[bool] = mapped_column(Boolean, default=True)
    # Inline buttons sent with the text: [[label, callback data], ...] (a ticket's "↩️ Reply").
    buttons: Mapped[list[list[str]] | None] = mapped_column(JSON, nullable=True)


class UploadedDocument(Base):
    """A file for one item of the application's checklist (one per item; replacing overwrites)."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("application_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(Integer, ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))  # a document id of knowledge/data/documents.yaml
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(500))  # under FILES_DIR
    # How the file on disk is sealed: bot.crypto.FileCipher.SCHEME, or None for a plaintext file
    # stored before migration 0009. sha256 is always that of the plaintext.
    encryption: Mapped[str | None] = mapped_column(String(32), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(AwareDateTime())


class GroupNotice(Base):
    """Group chats the bot has told, once, that it serves private chats only."""

    __tablename__ = "group_notices"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(AwareDateTime())


class StaffMember(Base):
    """Programme staff added in the bot (the first admins come from STAFF_ADMIN_IDS instead)."""

    __tablename__ = "staff_members"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16))  # admin | reviewer
    added_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    added_at: Mapped[datetime] = mapped_column(AwareDateTime())


class StaffSession(Base):
    """A staff member's interface state: language and the typed input the bot is waiting for.

    Kept apart from StaffMember so the admins of STAFF_ADMIN_IDS have one too."""

    __tablename__ = "staff_sessions"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    locale: Mapped[str] = mapped_column(String(8), default="ko")  # ko | en
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # e.g. a note, an announcement


class AuditEntry(Base):
    """Every staff action: who, what, when, before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor_id: Mapped[int] = mapped_column(BigInteger, index=True)  # Telegram user id, 0 for the CLI
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(128))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime())


class Counter(Base):
    """A named counter changed only by atomic UPDATE ... RETURNING (the recommendations issued)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Announcement(Base):
    """A message from the province to an audience, one version per language, sent through the outbox."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"kind": "all" | "status" | ..., "value": ...}
    versions: Mapped[dict[str, str]] = mapped_column(JSON)  # locale -> HTML text
    fallback: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))  # sending | cancelled | done
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)


class QuestionCount(Base):
    """Anonymous counts for staff: answers found unhelpful (kind "unhelpful", key: the entry id), per
    language. Nothing points to a person. (Typed texts are the person's: UnansweredQuestion.)"""

    __tablename__ = "question_counts"

    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(AwareDateTime())


class UnansweredQuestion(Base):
    """A question the person typed that the FAQ could not answer confidently (normalised): staff read
    them counted together ("What people asked"); the person's own words, so /mydata shows them and
    /delete erases them (a name or a number typed in a question is theirs)."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(AwareDateTime())


class FunnelCount(Base):
    """Anonymous aggregates: how many people reached a stage, by occupation and language (and, for
    "ineligible", the unmet condition). Nothing here points to a person, so /delete leaves it."""

    __tablename__ = "funnel_counts"

    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    occupation: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" when not known yet
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    reason: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" except for "ineligible"
    count: Mapped[int] = mapped_column(Integer, default=0)


class Company(Base):
    """An employer registered in the bot by its HR staff; verified by programme staff."""

    __tablename__ = "companies"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    brn: Mapped[str] = mapped_column(String(12), unique=True)  # business registration number, digits
    city: Mapped[str] = mapped_column(String(64))  # a municipality id of gyeonggi.yaml
    contact_name: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    verified_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class EmployerMember(Base):
    """A person acting for a company (one company per person)."""

    __tablename__ = "employer_members"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(Integer, ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(AwareDateTime())
    # Their Telegram name when they joined, shown to colleagues (👥 Colleagues); goes with them.
    name: Mapped[str | None] = mapped_column(String(64), nullable=True)


class EmployerLink(Base):
    """An applicant's consent for a company to follow their application: pending until the
    applicant approves; revoked by either side at any time (access ends at once)."""

    __tablename__ = "employer_links"
    __table_args__ = (UniqueConstraint("applicant_id", "company_id"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    applicant_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(Integer, ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))  # pending | active | revoked | declined
    shared_documents: Mapped[list[str]] = mapped_column(JSON, default=list)  # checklist kinds the applicant shares
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    changed_at: Mapped[datetime] = mapped_column(AwareDateTime())


class InviteCode(Base):
    """A one-time code (or deep link): an applicant inviting an employer, an employer inviting a
    candidate, or a colleague joining a company."""

    __tablename__ = "invite_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # employer | candidate | colleague
    applicant_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # kind employer
    company_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # kinds candidate, colleague
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())
    used_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)


class CodeAttempt(Base):
    """Wrong invite codes per person, to slow down guessing."""

    __tablename__ = "code_attempts"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(AwareDateTime())


class Confirmation(Base):
    """A one-time token behind a destructive or final button (delete my data, submit, a decision,
    cancelling an announcement): only the screen that asked carries it, and the first tap spends it."""

    __tablename__ = "confirmations"

    token: Mapped[str] = mapped_column(String(24), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)  # who was asked (applicant or staff)
    action: Mapped[str] = mapped_column(String(32))  # erase | submit | decide | ann_cancel
    target: Mapped[str] = mapped_column(String(64))  # what it acts on, e.g. an application id
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class Ticket(Base):
    """A person's question to programme staff (bot/services/tickets.py): a draft they confirm, then
    open until staff close it; one open per person (checked under the person's row lock)."""

    __tablename__ = "tickets"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # draft | open | closed | cancelled
    language: Mapped[str] = mapped_column(String(16))  # the person's, when they asked
    question: Mapped[str] = mapped_column(Text)  # as typed
    case: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what staff see of their case
    has_application: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())
    last_from: Mapped[str] = mapped_column(String(16), default="applicant")  # applicant | staff


class TicketMessage(Base):
    """One message of a ticket's thread, after the question itself."""

    __tablename__ = "ticket_messages"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(16))  # applicant | staff
    staff_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(AwareDateTime())
