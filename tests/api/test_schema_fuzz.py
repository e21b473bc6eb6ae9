"""The published schema holds against the running service: a bounded schemathesis run
(a few generated requests per operation, derandomized) against `backoffice serve` on
127.0.0.1 with documents in it, signed in as admin. No request may get a server error
(5xx other than the documented 503 refusals) and every response must match what
/openapi.json says: status code, content type, body schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from tests.api.test_load import Service, _invoice, running_service
from tests.api.test_web_support import ADMIN_PASSWORD, login
from tests.conftest import INVOICE_LINES, pdf_bytes

EXAMPLES = 3  # generated requests per operation: bounded, the run takes minutes
REQUEST_S = 120  # per request, on a busy shared machine (an upload is processed with wait)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("fuzz"), BACKOFFICE_SEARCH="1",
                         BACKOFFICE_DOC_TIMEOUT="60") as svc:
        _seed(svc)
        yield svc


def _seed(svc: Service) -> None:
    """Some data for the operations to find: invoices (ledger, findings, queues)."""
    files = [("a.pdf", pdf_bytes(INVOICE_LINES)), ("b.txt", _invoice(1)), ("c.txt", _invoice(2))]
    with httpx.Client(base_url=svc.url, headers=svc.headers(), timeout=300) as client:
        for name, data in files:
            r = client.post("/api/documents", params={"wait": "true"},
                            files={"files": (name, data)})
            assert r.status_code in (200, 201, 202), r.text
        # the first search opens the index and loads its model: not a generated request's time
        assert client.get("/api/search", params={"q": "invoice"}).status_code == 200


def _exercise(operation: Any, live: Service, failures: list[str]) -> int:
    """EXAMPLES generated requests to one operation; failures appended; requests made."""
    calls = 0

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        nonlocal calls
        calls += 1
        try:
            case.call_and_validate(headers=live.headers(), checks=CHECKS, timeout=REQUEST_S)
        except FailureGroup as exc:
            kinds = sorted({type(e).__name__ for e in exc.exceptions})
            failures.append(f"{operation.label}: {', '.join(kinds)}: "
                            f"{' '.join(str(exc.exceptions[0]).split())[:300]}")
        except Exception as exc:  # noqa: BLE001 - a reset, a timeout: collected too
            failures.append(f"{operation.label}: {type(exc).__name__}: {exc}"[:400])

    run()
    return calls


@pytest.mark.slow
def test_api_matches_its_schema(live: Service) -> None:
    """Every operation of /openapi.json, EXAMPLES generated requests each (derandomized:
    the same requests every run); every failing response is collected, then reported."""
    schema = schemathesis.openapi.from_url(live.url + "/openapi.json", headers=live.headers())
    failures: list[str] = []
    calls = sum(_exercise(result.ok(), live, failures) for result in schema.get_all_operations())
    print(f"schemathesis: {calls} requests, {len(failures)} failures")
    for line in failures:
        print("  ", line)
    assert calls > 0
    assert not failures, "\n".join(failures[:30])


def test_published_schema_is_the_json_api_with_its_refusals(client: TestClient) -> None:
    """What the run above relies on, checked fast: pages (HTML, redirects) are not in the
    published schema; 404 is documented where a path names an object, 202 for a queued
    upload, 429 for a refused one."""
    login(client, "admin", ADMIN_PASSWORD)
    paths = client.get("/openapi.json").json()["paths"]
    assert paths and all(p.startswith("/api/") for p in paths), sorted(paths)[:5]
    assert "404" in paths["/api/documents/{document_id}"]["get"]["responses"]
    assert "404" not in paths["/api/documents"]["get"]["responses"]
    upload = paths["/api/documents"]["post"]["responses"]
    assert {"200", "202", "413", "429", "503"} <= set(upload)
