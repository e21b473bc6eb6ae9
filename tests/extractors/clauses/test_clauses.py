import random

import pytest

from extractors.clauses import CLAUSE_TYPES, split_clauses, tag_clauses, tag_texts
from extractors.clauses.scoring import sentences
from training.synth.clauses import OTHER, T, fill
from training.synth.contracts import text_to_doc


def test_clause_types_cover_cuad():
    assert len(CLAUSE_TYPES) == 41
    for t in ("governing_law", "anti_assignment", "cap_on_liability", "uncapped_liability",
              "notice_period_to_terminate_renewal", "rofr_rofo_rofn",
              "unlimited_all_you_can_eat_license"):
        assert t in CLAUSE_TYPES


def test_split_on_numbering_and_headings():
    text = "\n".join([
        "MASTER AGREEMENT",
        "ARTICLE I",
        "DEFINITIONS",
        "1.1 Affiliate. Affiliate means any entity controlling a party, and more words here.",
        "1.2 Products. Products means the goods listed in Exhibit A of this agreement here.",
        "Section 5.2 Assignment. Neither party may assign this Agreement without consent.",
        "(a) Any attempted assignment without consent is void and of no effect whatsoever.",
        "GOVERNING LAW",
        "This Agreement is governed by the laws of the State of New York, without regard.",
    ])
    doc = text_to_doc(text)
    clauses = split_clauses(doc)
    starts = [c.text.split()[0] for c in clauses]
    assert "1.2" in starts and "Section" in starts and "(a)" in starts
    # heading-only lines ("ARTICLE I", "DEFINITIONS") join the clause that follows them
    first = next(c for c in clauses if "1.1 Affiliate" in c.text)
    assert "DEFINITIONS" in first.text and "1.2 Products" not in first.text
    assert any(c.heading == "GOVERNING LAW" for c in clauses)
    for c in clauses:  # offsets index doc.text
        assert doc.text[c.start:c.end] == c.text
        assert c.page == 1


def test_long_section_is_split():
    para = "The Supplier shall deliver the goods on time and in good order as agreed. " * 8
    text = "1. Delivery.\n" + "\n".join([para] * 12)
    clauses = split_clauses(text_to_doc(text, lines_per_page=500))
    assert len(clauses) >= 3
    assert all(len(c.text) <= 2100 for c in clauses)


@pytest.mark.parametrize(
    "cat",
    ["governing_law", "anti_assignment", "cap_on_liability", "insurance", "audit_rights",
     "non_compete", "termination_for_convenience", "license_grant", "exclusivity"],
)
def test_tagging_generated_clauses(cat):
    rng = random.Random(1234)  # not the training seed
    texts = [fill(t, rng) for t in T[cat]]
    labels = tag_texts(texts)
    hit = sum(cat in lab for lab in labels)
    assert hit >= len(texts) - 1, (cat, labels)


def test_tag_clauses_on_document():
    text = ("1. Governing Law. This Agreement shall be governed by the laws of the State of Texas.\n"
            "2. Notices. All notices shall be in writing and delivered by courier to the addresses "
            "set forth on the signature page.")
    clauses = tag_clauses(text_to_doc(text))
    assert "governing_law" in clauses[0].labels
    assert "governing_law" not in clauses[1].labels
    assert all(0.0 <= p <= 1.0 for c in clauses for p in c.labels.values())


def test_sentences_keep_abbreviations_together():
    s = sentences("Acme Widgets, Inc. shall pay the fees. The Supplier shall deliver the goods on "
                  "time; the Buyer shall accept them. Short.")
    assert s[0] == "Acme Widgets, Inc. shall pay the fees."
    assert len(s) == 2 and s[1].endswith("Short.")  # a tiny tail joins the sentence before


def test_key_sentence_in_long_clause_is_tagged():
    rng = random.Random(99)
    filler = " ".join(fill(t, rng) for t in OTHER[:6])
    text = ("14.2 Miscellaneous. " + filler + " This Agreement shall be governed by the laws of "
            "the State of Delaware, without regard to conflicts of law. " + filler)
    assert "governing_law" in tag_texts([text])[0]


def test_liquidated_damages_forms_outrank_ordinary_fees():
    """Fixed sums agreed in advance for a breach (hire-away fees, delay charges, shortfall
    payments) must score as liquidated damages above plain fees, interest and indemnities.
    Phrasings here are not in the templates, so this checks generalisation, not recall."""
    from extractors.clauses import load_model, tag_probabilities

    model = load_model()
    j = list(model["classes"]).index("liquidated_damages")
    positive = [
        "Should the Buyer take into its employment any engineer seconded by the Seller, the Buyer "
        "shall pay the Seller twenty thousand dollars per engineer as agreed damages and not as "
        "a penalty.",
        "The Contractor shall pay the Owner five hundred dollars for each day that substantial "
        "completion is late, as liquidated damages.",
        "Since the Licensor's loss from such a breach cannot be calculated with certainty, the "
        "Licensee shall pay a fixed sum of $75,000, which both parties accept as a reasonable "
        "estimate of that loss.",
    ]
    negative = [
        "The Customer shall pay the annual subscription fee within thirty days of invoice.",
        "Overdue invoices shall bear interest at one and one-half percent per month.",
        "The Supplier shall indemnify the Customer against all third-party claims for bodily "
        "injury caused by the Products.",
    ]
    p = tag_probabilities(positive + negative, model)[:, j]
    pos, neg = p[: len(positive)], p[len(positive):]
    assert pos.min() > neg.max(), (pos, neg)
