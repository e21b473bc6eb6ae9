"""The optional LLM step: used only when configured, and its answers are checked
against the page (a fabricated value never reaches the record)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import INVOICE_LINES, make_pdf
from workflow.process import Pipeline
from workflow.settings import Settings


class ScriptedModel:
    """Stands in for a langchain chat model: answers with fixed structured output."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.calls = 0

    def with_structured_output(self, schema: Any) -> ScriptedModel:
        self.schema = schema
        return self

    def invoke(self, _messages: Any) -> Any:
        self.calls += 1
        return self.schema(**self.answer)


LINES = [*INVOICE_LINES, "Customer reference PO-55120"]


def test_llm_fills_gaps_only_with_values_on_the_page(data_dir: Path, tmp_path: Path) -> None:
    pipe = Pipeline(Settings.from_env())
    model = ScriptedModel({"po_number": "PO-55120", "customer_name": "Fabrikam Holdings"})
    pipe._chat_model = model
    result = pipe.process_path(make_pdf(tmp_path / "inv.pdf", LINES))
    assert result["doc_type"] in ("invoice", "receipt"), result["doc_type"]
    assert model.calls == 1
    assert result["fields"]["po_number"]["normalized"] == "PO-55120"
    assert result["fields"]["po_number"]["source"] == "llm"
    assert result["fields"].get("customer_name", {}).get("source") != "llm"  # not on the page


def test_no_llm_unless_configured(data_dir: Path) -> None:
    assert Pipeline(Settings.from_env()).chat_model is None
