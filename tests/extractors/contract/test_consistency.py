"""Cross-field checks: a contradicted contract field is never reported above 0.5."""

from extractors.contract import consistency
from extractors.types import Field


def _f(norm: str, conf: float = 0.9) -> Field:
    return Field(norm, norm, conf, 1, None, "ranker:test")


def test_end_on_or_before_start_caps_the_end():
    fields = {"effective_date": _f("2015-03-03"), "expiration_date": _f("2014-12-31")}
    found = consistency.cap_contradicted(fields)
    assert [c.reason for c in found] == ["ends_before_start"]
    assert fields["expiration_date"].confidence == consistency.CAP_CONTRADICTED
    assert fields["effective_date"].confidence == 0.9


def test_agreement_date_stands_in_for_a_missing_start():
    fields = {"agreement_date": _f("2015-03-03"), "expiration_date": _f("2015-03-03")}
    assert consistency.contradictions(fields)[0].by == "agreement_date"


def test_consistent_fields_keep_their_confidence():
    fields = {"effective_date": _f("2015-03-03"), "expiration_date": _f("2018-03-02"),
              "notice_period": _f("90_days"), "renewal_term": _f("1_years")}
    assert consistency.cap_contradicted(fields) == []
    assert all(f.confidence == 0.9 for f in fields.values())


def test_notice_longer_than_the_period_it_ends_is_doubted():
    fields = {"notice_period": _f("90_days", 0.8), "renewal_term": _f("1_months")}
    consistency.cap_contradicted(fields)
    assert fields["notice_period"].confidence == consistency.CAP_CONTRADICTED
    low = {"notice_period": _f("6_months", 0.3), "term": _f("3_months")}
    consistency.cap_contradicted(low)
    assert low["notice_period"].confidence == 0.3  # a cap never raises
