"""Policies and models published once for every node: two nodes (their own data dirs, one
database), a version published through one is used by the other's next document without a
restart, and each document records the versions it was judged and read with."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from records.db import session_scope
from records.models import AuditLog, Document
from records.published import current_versions, history
from tests.conftest import INVOICE_LINES, pdf_bytes
from workflow import published
from workflow.process import Pipeline
from workflow.published import POLICIES, PublishError
from workflow.settings import Settings

# a policy that changes the outcome of INVOICE_LINES: a purchase-order number required
STRICT = b'[required_fields]\ninvoice = ["vendor_name", "invoice_number", "po_number"]\n'


@pytest.fixture(autouse=True)
def shipped_classifier_after() -> object:
    """The classifier is loaded once per process: a test that switched it switches back."""
    yield None
    import classifiers

    classifiers.reload(classifiers.MODEL_DIR / "classifier.joblib")


@pytest.fixture()
def nodes(tmp_path: Path, data_dir: Path) -> tuple[Pipeline, Pipeline]:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    made = []
    for name in ("node-a", "node-b"):
        settings = Settings.from_env(tmp_path / name)
        settings.database_url, settings.published_check_s = url, 0.0
        made.append(Pipeline(settings))
    return made[0], made[1]


def _process(pipe: Pipeline, ref: str) -> tuple[dict, Document]:
    r = pipe.process_bytes(f"{ref}.pdf", pdf_bytes([*INVOICE_LINES, f"Reference: {ref}"]))
    with session_scope(pipe.sessions) as s:
        row = s.get(Document, r["document_id"])
        s.expunge(row)
    return r, row


def test_a_policy_published_on_one_node_judges_the_next_document_on_the_other(
        nodes: tuple[Pipeline, Pipeline]) -> None:
    a, b = nodes
    before, row = _process(b, "first")
    assert "missing:po_number" not in before["review"]["reasons"]
    assert row.versions == {POLICIES: published.DEFAULTS}

    done, new = published.publish_policies(a.sessions, STRICT, "admin")
    assert new and done.version == published.content_version(STRICT)
    assert published.publish_policies(a.sessions, STRICT, "admin")[1] is False  # same content

    after, row = _process(b, "second")
    assert "missing:po_number" in after["review"]["reasons"]
    assert row.versions == {POLICIES: done.version}
    with session_scope(a.sessions) as s:
        assert current_versions(s) == {POLICIES: done.version}
        assert [h[:3] for h in history(s)] == [(POLICIES, done.version, "admin")]
        assert s.scalar(select(AuditLog.action).where(
            AuditLog.action == "published.policies")) is not None
        processed = s.scalar(select(AuditLog.after).where(
            AuditLog.action == "document.processed", AuditLog.entity_id == after["document_id"]))
        assert processed["versions"] == {POLICIES: done.version}


def test_an_invalid_policy_is_not_published(nodes: tuple[Pipeline, Pipeline]) -> None:
    a, _b = nodes
    with pytest.raises(PublishError, match="unknown policy setting"):
        published.publish_policies(a.sessions, b"approval_limitz = 3\n", "admin")
    with pytest.raises(PublishError):
        published.publish_policies(a.sessions, b"not = [toml", "admin")
    with session_scope(a.sessions) as s:
        assert current_versions(s) == {}


def test_a_node_without_a_published_policy_keeps_its_own_file(
        nodes: tuple[Pipeline, Pipeline]) -> None:
    _a, b = nodes
    (b.settings.data_dir / "policies.toml").write_bytes(STRICT)
    r, row = _process(b, "local")
    assert "missing:po_number" in r["review"]["reasons"]
    assert row.versions == {POLICIES: "local-" + published.content_version(STRICT)}


def test_a_retrained_model_published_on_one_node_is_used_by_the_other(
        nodes: tuple[Pipeline, Pipeline], tmp_path: Path) -> None:
    """A small classifier retrained (generated documents, 12 per type) and published through
    node A: node B, which loaded the shipped model on its first document, classifies its next
    one with the new model without a restart."""
    from training.classifier import train

    a, b = nodes
    _r, row = _process(b, "shipped")
    shipped_version = row.model_version
    out = tmp_path / "retrained"
    train(out_dir=out, feedback=[], seed=3, n_per_class=12)
    with pytest.raises(PublishError, match="unknown model"):
        published.publish_model(a.sessions, "nope", out / "classifier.joblib", "admin")
    done, new = published.publish_model(a.sessions, "classifier", out / "classifier.joblib",
                                        "admin")
    assert new
    r, row = _process(b, "retrained")
    assert row.model_version == done.manifest["version"] != shipped_version
    assert r["model_version"] == done.manifest["version"]
    assert row.versions["classifier"] == done.version
    stored = b.settings.data_dir / "models" / "published" / "classifier" / done.version[:16]
    assert (stored / "classifier.joblib").read_bytes() == (out / "classifier.joblib").read_bytes()


def test_a_damaged_model_is_refused_at_publishing(nodes: tuple[Pipeline, Pipeline],
                                                  tmp_path: Path) -> None:
    import shutil

    from classifiers import MODEL_DIR

    a, _b = nodes
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("classifier.joblib", "classifier.json"):
        shutil.copy(MODEL_DIR / name, copy / name)
    with open(copy / "classifier.joblib", "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(PublishError, match="does not match its manifest"):
        published.publish_model(a.sessions, "classifier", copy / "classifier.joblib", "admin")
