"""Term patterns added in round 2 and the learned field confidences."""

import pytest

from extractors.contract import calibration, extract_contract, extract_contract_raw, ranker
from training.synth.contracts import generate_hard_contract, text_to_doc


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("17. This letter agreement shall expire upon the earlier of (i) two (2) years from the "
         "date hereof and (ii) the closing of a Transaction.", "2_years"),
        ("This Agreement shall automatically terminate one year after the Effective Date.",
         "1_years"),
        ("Except as provided herein, the obligations hereunder shall terminate five years from "
         "the date hereof.", "5_years"),
        ("The term of this Services Agreement shall begin on the date of execution and shall "
         "continue in effect for a period of two years.", "2_years"),
        ("This Agreement shall end on the third anniversary of the Effective Date.", "3_years"),
    ],
)
def test_term_phrasings(sentence, expected):
    got = extract_contract(text_to_doc("NON-DISCLOSURE AGREEMENT\n\n" + sentence))
    assert got["term"].normalized == expected


def test_covenant_period_is_not_the_term():
    text = ("NON-DISCLOSURE AGREEMENT\n\n1. For a period of two (2) years from the date hereof, "
            "neither party will solicit any employee of the other.\n2. This Agreement shall "
            "automatically terminate one year after the date hereof.")
    assert extract_contract(text_to_doc(text))["term"].normalized == "1_years"


def test_generated_hard_contract_expected_values_are_found():
    right = total = 0
    for seed in range(30):
        c = generate_hard_contract(10_000 + seed)
        got = extract_contract(c.doc)
        for name in ("agreement_date", "governing_law", "renewal_term", "notice_period"):
            if name in c.expected:
                total += 1
                right += name in got and got[name].normalized == c.expected[name]
    assert right / total > 0.8


def test_confidences_are_learned_and_ordered(monkeypatch):
    # the rule's calibration (what stands where no ranker model is shipped)
    monkeypatch.setattr(ranker, "load", lambda *a, **k: None)
    assert calibration.load() is not None, "run python -m training.contract_calibration"
    c = generate_hard_contract(4242)
    raw = extract_contract_raw(c.doc)
    fields, evidence, n_chars = raw.fields, raw.evidence, raw.n_chars
    x = calibration.features("governing_law", fields["governing_law"],
                             evidence["governing_law"], n_chars)
    assert x["field=governing_law"] == 1.0 and 0.0 <= x["rel_pos"] <= 1.0
    got = extract_contract(c.doc)
    assert all(0.0 < f.confidence <= calibration.CEILING for f in got.values())
    # a date derived from the agreement date is less sure than one the text defines, and
    # far less where the text ties taking effect to an event
    derived = [extract_contract(generate_hard_contract(s).doc).get("effective_date")
               for s in range(40)]
    d = [f.confidence for f in derived if f and f.source.startswith("derived")]
    r = [f.confidence for f in derived if f and f.source.startswith("regex")]
    assert d and r and sum(d) / len(d) < sum(r) / len(r) and min(d) < 0.5 * min(r)

