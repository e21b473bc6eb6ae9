"""`backoffice policies replay DOC`: run the rules again on what they read back then.
`backoffice policies publish FILE` (or `--model NAME FILE`): make a policy file or a
retrained model the current version for every node (`workflow.published`);
`backoffice policies published`: the versions, newest first.

Reads a document's recorded policy evaluation from the decision log (the latest, or
`--evaluation ID`), runs each rule of the running code on the recorded inputs (field
values, settings, and the answers about other documents the rules got at the time) and
shows the recorded and the replayed outcome side by side. When the recorded policy
version is not the running one, it says so: the rules replayed are the running version's.
Exit status 0 when every rule gives the same outcome, 1 when one differs or cannot be
replayed on the recorded inputs, 2 when there is nothing to replay.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

NAME = "policies"
HELP = ("replay a document's recorded policy evaluation (replay DOC); publish policies or "
        "a model for every node (publish FILE)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    r = sub.add_parser("replay", help="re-run a document's recorded rule evaluations")
    r.add_argument("document", metavar="DOC", help="document id (or its sha256)")
    r.add_argument("--evaluation", default=None,
                   help="evaluation id (default: the document's latest)")
    r.add_argument("--list", action="store_true", help="list the document's evaluations")
    r.add_argument("--json", action="store_true", help="one JSON object per rule")
    pub = sub.add_parser("publish", help="make a policies.toml (or a model) current on every node")
    pub.add_argument("file", metavar="FILE", type=Path,
                     help="policies.toml / policies.json, or a model file beside its manifest")
    pub.add_argument("--model", default=None, metavar="NAME",
                     help="publish a model (classifier, clause_tagger) instead of policies")
    sub.add_parser("published", help="the published versions, newest first")


def _document_id(session: Session, ref: str) -> str | None:
    from sqlalchemy import select

    from records.models import Document

    if session.get(Document, ref) is not None:
        return ref
    return session.scalar(select(Document.id).where(Document.sha256 == ref.lower()))


def _publish(args: argparse.Namespace) -> int:
    from records import published as store
    from records.db import init_db, session_scope
    from workflow.published import PublishError, publish_model, publish_policies
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    sessions = init_db(settings.database_url)
    if args.action == "published":
        with session_scope(sessions) as s:
            rows = store.history(s)
        for name, version, by, at in rows:
            print(f"{name}\t{version}\t{by}\t{at.isoformat() if at else ''}")
        return 0 if rows else 2
    try:
        if args.model:
            done, new = publish_model(sessions, args.model, args.file, "cli")
        else:
            done, new = publish_policies(sessions, args.file.read_bytes(), "cli",
                                         json_format=args.file.suffix.lower() == ".json")
    except (OSError, PublishError) as exc:
        print(f"backoffice policies: {exc}", file=sys.stderr)
        return 1
    print(f"{done.name} {done.version} {'published' if new else 'was already current'}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action in ("publish", "published"):
        return _publish(args)
    from policies.replay import replay
    from policies.trace import RuleTrace, TraceError
    from policies.version import POLICY_VERSION
    from records import decisions
    from records.db import init_db, session_scope
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    with session_scope(init_db(settings.database_url)) as s:
        document_id = _document_id(s, args.document) or args.document
        ids = decisions.evaluation_ids(s, document_id)
        if args.list:
            for evaluation_id in ids:
                rows = decisions.evaluation_rows(s, evaluation_id)
                print(f"{evaluation_id}\t{decisions.stamp(rows[0].at)}\t"
                      f"version {rows[0].policy_version}\t{len(rows)} rules")
            return 0 if ids else 2
        evaluation_id = args.evaluation or (ids[-1] if ids else None)
        if evaluation_id is None or evaluation_id not in ids:
            which = f"evaluation {evaluation_id}" if evaluation_id else "policy evaluation"
            print(f"backoffice policies: no recorded {which} for document {args.document}",
                  file=sys.stderr)
            return 2
        rows = decisions.evaluation_rows(s, evaluation_id)
        try:
            results = [replay(RuleTrace.from_json(decisions.payload_of(r))) for r in rows]
        except TraceError as exc:
            print(f"backoffice policies: {exc}", file=sys.stderr)
            return 1
        when = decisions.stamp(rows[0].at)
    versions = sorted({r.recorded_version for r in results})
    if args.json:
        for r in results:
            print(json.dumps({
                "rule": r.rule, "recorded_version": r.recorded_version,
                "running_version": r.running_version, "recorded": r.recorded.value,
                "replayed": r.replayed.value if r.replayed else None, "same": r.same,
                "gaps": r.gaps, "recorded_violations": r.recorded_violations,
                "replayed_violations": r.replayed_violations,
            }))
    else:
        print(f"document {document_id}, evaluation {evaluation_id} of {when}, "
              f"policy version {', '.join(versions)} (running {POLICY_VERSION})")
        if versions != [POLICY_VERSION]:
            print(f"NOTE: recorded under policy version {', '.join(versions)}; this is "
                  f"version {POLICY_VERSION}, so the rules replayed are {POLICY_VERSION}'s "
                  "code on the recorded inputs")
        width = max(len(r.rule) for r in results)
        print(f"{'rule':<{width}}  recorded  replayed  same")
        for r in results:
            replayed = r.replayed.value if r.replayed else "-"
            print(f"{r.rule:<{width}}  {r.recorded.value:<8}  {replayed:<8}  "
                  f"{'yes' if r.same else 'NO'}")
            for v in r.recorded_violations:
                print(f"{'':<{width}}    recorded: {v.get('message')}")
            if not r.same:
                for v in r.replayed_violations:
                    print(f"{'':<{width}}    replayed: {v.get('message')}")
            for gap in r.gaps:
                print(f"{'':<{width}}    not replayable: {gap}")
        same = sum(r.same for r in results)
        print(f"{len(results)} rules: {same} same, {len(results) - same} different")
    return 0 if all(r.same for r in results) else 1
