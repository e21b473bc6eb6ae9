"""Storing a processed document writes its pages, fields and clauses in one executemany per
table (`workflow.process._insert_all`): the rows hold what the result says, with the same
column defaults and the same JSON forms as rows added one by one through the ORM."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from evaluation.bench import make_born_digital
from records.db import session_scope
from records.models import ClauseRow, FieldRow, PageRow
from workflow.process import Pipeline, _insert_all
from workflow.settings import Settings

_RAW = ("SELECT name, value, typeof(value), normalized, typeof(normalized), confidence, page, "
        "bbox, typeof(bbox), source, corrected, original, typeof(original) FROM fields "
        "WHERE document_id = :d ORDER BY name")


def test_stored_rows_are_the_results(data_dir: Path, tmp_path: Path) -> None:
    invoice, contract = make_born_digital(tmp_path / "in", 2)
    pipe = Pipeline(Settings.from_env())
    results = [pipe.process_path(invoice), pipe.process_path(contract)]
    assert [r["doc_type"] for r in results] == ["invoice", "contract"]
    for r in results:
        with session_scope(pipe.sessions) as s:
            pages = s.scalars(select(PageRow).where(PageRow.document_id == r["document_id"])
                              .order_by(PageRow.number)).all()
            fields = {f.name: f for f in s.scalars(
                select(FieldRow).where(FieldRow.document_id == r["document_id"]))}
            clauses = s.scalars(select(ClauseRow).where(
                ClauseRow.document_id == r["document_id"]).order_by(ClauseRow.index)).all()
            assert [p.number for p in pages] == list(range(1, r["pages"] + 1))
            assert all(p.words and p.text and not p.ocr for p in pages)
            assert sorted(fields) == sorted(r["fields"])
            for name, f in r["fields"].items():
                row = fields[name]
                assert (row.value, row.normalized, row.confidence, row.page, row.source) == (
                    f["value"], f["normalized"], f["confidence"], f["page"], f["source"])
                assert row.corrected is False and row.original is None  # column defaults
            if r["doc_type"] == "contract":
                assert clauses and [c.index for c in clauses] == list(range(len(clauses)))
                assert all(c.corrected is False and c.text for c in clauses)
            else:
                assert clauses == []


def test_bulk_rows_have_the_orm_rows_json_forms(data_dir: Path, tmp_path: Path) -> None:
    """A field without a value or a box is stored as the ORM stores it (JSON null), and the
    columns left out get the same defaults."""
    (invoice,) = make_born_digital(tmp_path / "in", 1)
    pipe = Pipeline(Settings.from_env())
    doc_id = pipe.process_path(invoice)["document_id"]
    empty = {"value": None, "normalized": None, "confidence": 0.5, "page": None, "bbox": None,
             "source": "rule"}
    with session_scope(pipe.sessions) as s:
        s.add(FieldRow(document_id=doc_id, name="by_orm", **empty))
        _insert_all(s, FieldRow, [{"document_id": doc_id, "name": "by_bulk", **empty}])
    with session_scope(pipe.sessions) as s:
        rows = {row[0]: row[1:] for row in s.execute(text(_RAW), {"d": doc_id})}
    assert rows["by_bulk"] == rows["by_orm"]
    assert rows["by_bulk"][6:8] == ("null", "text")  # bbox: the JSON text null, as the ORM
