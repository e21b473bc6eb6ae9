"""The decision log: every rule evaluation and every human decision, hash-chained.

Each row's `row_hash` is the sha256 of its canonical JSON (sorted keys, no spaces,
UTF-8), which includes `prev_hash`, the previous row's hash: changing a row breaks its
own hash, re-hashing it breaks the next row's link, and removing or inserting one breaks
the sequence or the link. The head row (`DecisionHead`) holds the last sequence number
and hash, so a removed last row is caught as well.

Appending takes the chain head with one `UPDATE ... RETURNING` on the head row: on
PostgreSQL the row lock is held to the end of the transaction (a second appender waits,
then reads the new head); on SQLite the UPDATE takes the database's single write lock
(busy timeout 30 s) before anything is read. Either way two writers never take the same
place. The rows are written in the caller's transaction, so a decision and its log entry
are committed or rolled back together.

This module only stores; what a policy evaluation records is `policies.logged`'s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from records.models import DecisionHead, DecisionRow

GENESIS = "0" * 64
HEAD_ID = 1
_BATCH = 1000


class DecisionKind(StrEnum):
    POLICY = "policy"  # a rule evaluated by the system
    HUMAN = "human"  # a person's correction or decision


class DecisionLogError(RuntimeError):
    """The decision log cannot be appended to (e.g. the database lacks its head row)."""


@dataclass(frozen=True, slots=True)
class DecisionEntry:
    """What one appended row says; the sequence, time and hashes are added by `append`."""

    kind: DecisionKind
    actor: str
    action: str
    document_id: str | None = None
    subject: str | None = None
    rule: str | None = None
    policy_version: str | None = None
    outcome: str | None = None
    evaluation_id: str | None = None
    reason: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    problem: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The result of walking the chain: rows checked, the head, the first break."""

    rows: int
    head_seq: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def canonical_json(value: Any) -> str:
    """The one text form that is hashed: sorted keys, no spaces, UTF-8, no NaN.
    Values JSON lacks (datetimes, Decimals) are written as their text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=str)


def stamp(at: datetime) -> str:
    """UTC ISO time with microseconds; SQLite hands back naive UTC, PostgreSQL aware."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_CONTENT = ("seq", "kind", "actor", "action", "document_id", "subject", "rule",
            "policy_version", "outcome", "evaluation_id", "reason", "payload", "prev_hash")


def row_digest(row: Any) -> str:
    """sha256 of the row's canonical JSON (every column but `row_hash`)."""
    content = {name: getattr(row, name) for name in _CONTENT}
    content["at"] = stamp(row.at)
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def append(session: Session, entries: Sequence[DecisionEntry]) -> list[DecisionRow]:
    """Append `entries` in order at the head of the chain, in the caller's transaction."""
    if not entries:
        return []
    head = DecisionHead.__table__
    got = session.execute(
        update(head).where(head.c.id == HEAD_ID).values(seq=head.c.seq + len(entries))
        .returning(head.c.seq, head.c.row_hash)
    ).one_or_none()
    if got is None:
        raise DecisionLogError("the decision log has no head row: the database schema is "
                               "older than migration 0003_decision_log")
    last_seq, prev = got
    at = datetime.now(UTC)
    rows = []
    for seq, e in enumerate(entries, start=last_seq - len(entries) + 1):
        row = DecisionRow(
            seq=seq, at=at, kind=DecisionKind(e.kind).value, actor=e.actor, action=e.action,
            document_id=e.document_id, subject=e.subject, rule=e.rule,
            policy_version=e.policy_version, outcome=e.outcome,
            evaluation_id=e.evaluation_id, reason=e.reason,
            payload=canonical_json(dict(e.payload)), prev_hash=prev,
        )
        row.row_hash = prev = row_digest(row)
        rows.append(row)
    session.add_all(rows)
    session.flush()
    session.execute(update(head).where(head.c.id == HEAD_ID).values(row_hash=prev))
    return rows


def record_human(
    session: Session,
    actor: str,
    action: str,
    document_id: str | None,
    subject: str | None,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
    **details: Any,
) -> DecisionRow:
    """Log one human decision: who (`actor`), what (`action`, e.g. `field.correct`), on
    which document and `subject` (`field:total_amount`, `finding:12`, `ledger:3`),
    the state before and after, and the reason given."""
    payload = {"before": before, "after": after, **details}
    return append(session, [DecisionEntry(
        kind=DecisionKind.HUMAN, actor=actor, action=action, document_id=document_id,
        subject=subject, reason=reason, payload=payload,
    )])[0]


def payload_of(row: DecisionRow) -> dict[str, Any]:
    return json.loads(row.payload)


def evaluation_ids(session: Session, document_id: str) -> list[str]:
    """The document's recorded policy evaluations, oldest first."""
    stmt = (
        select(DecisionRow.evaluation_id, DecisionRow.seq)
        .where(DecisionRow.document_id == document_id,
               DecisionRow.kind == DecisionKind.POLICY.value)
        .order_by(DecisionRow.seq)
    )
    out: list[str] = []
    for evaluation_id, _seq in session.execute(stmt):
        if evaluation_id and evaluation_id not in out:
            out.append(evaluation_id)
    return out


def evaluation_rows(session: Session, evaluation_id: str) -> list[DecisionRow]:
    """The rule evaluations of one policy evaluation, in the order the rules ran."""
    return list(session.scalars(
        select(DecisionRow).where(DecisionRow.evaluation_id == evaluation_id)
        .order_by(DecisionRow.seq)
    ))


def rows_for(session: Session, document_id: str) -> list[DecisionRow]:
    """Every decision-log row about one document, oldest first."""
    return list(session.scalars(
        select(DecisionRow).where(DecisionRow.document_id == document_id)
        .order_by(DecisionRow.seq)
    ))


def _walk(session: Session) -> Iterator[Any]:
    table = DecisionRow.__table__
    last = 0
    while True:
        batch = session.execute(
            select(table).where(table.c.seq > last).order_by(table.c.seq).limit(_BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify(session: Session, anchors: Mapping[int, str] | None = None) -> ChainReport:
    """Walk the whole chain; the report names the first row where it breaks.

    `anchors` maps a sequence number to the hash that row had when its head was printed
    and kept elsewhere: a log rewritten and re-hashed from the start is intact in itself
    but no longer holds those rows."""
    expected, prev, count = 1, GENESIS, 0
    broken: ChainBreak | None = None
    for row in _walk(session):
        if row.seq != expected:
            broken = ChainBreak(expected, (
                f"row {expected} is missing (removed): the log goes from row {expected - 1} "
                f"to row {row.seq}" if row.seq > expected
                else f"row {row.seq} is out of sequence (expected {expected})"))
        elif row_digest(row) != row.row_hash:
            broken = ChainBreak(row.seq, f"row {row.seq} does not match its hash (changed)")
        elif row.prev_hash != prev:
            broken = ChainBreak(row.seq, (
                f"row {row.seq} does not follow row {row.seq - 1}: a row before it was "
                "changed and re-hashed, removed or inserted"))
        if broken is not None:
            break
        count += 1
        expected, prev = row.seq + 1, row.row_hash
    head = session.get(DecisionHead, HEAD_ID)
    if head is None:
        return ChainReport(count, 0, GENESIS, broken or ChainBreak(
            0, "the head row is missing (removed)"))
    if broken is None and head.seq > expected - 1:
        broken = ChainBreak(expected, (
            f"row {expected} is missing (removed): the head records {head.seq} rows, "
            f"the log ends at row {expected - 1}"))
    elif broken is None and head.seq < expected - 1:
        broken = ChainBreak(head.seq + 1, (
            f"row {head.seq + 1} is past the head ({head.seq} rows): inserted"))
    elif broken is None and head.row_hash != prev:
        broken = ChainBreak(head.seq, (
            f"row {head.seq} is not the row the head recorded: its hash differs from the "
            "head's (changed and re-hashed)"))
    for seq, digest in sorted((anchors or {}).items()):
        if broken is not None:
            break
        row = session.get(DecisionRow, seq)
        if row is None or row.row_hash != digest.lower():
            broken = ChainBreak(seq, f"row {seq} is missing" if row is None else (
                f"row {seq} is not the row anchored ({digest[:12]}…): the log was rewritten"))
    return ChainReport(rows=count, head_seq=head.seq, head_hash=head.row_hash, broken=broken)
