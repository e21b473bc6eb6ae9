"""The contract party selector: proposals, one-per-party selection, shipped model."""

from extractors.contract import extract_contract, party_ranker
from extractors.contract.parties import party_like, signature_parties
from training.synth.contracts import generate_contract

PREAMBLE = (
    "SUPPLY AGREEMENT\n\nThis Supply Agreement is made as of June 1, 2012 by and between "
    "zenlo.io, inc., a Delaware corporation located at 10 Main Street, Springfield "
    "(\"Zenlo\"), and Marble Harbor Holdings, Ltd., a Bermuda company (\"Marble\").\n"
    "1. Supply. Marble shall supply the products to Zenlo.\n"
    "IN WITNESS WHEREOF the parties have signed this Agreement.\n"
    "ZENLO.IO, INC.\nBy: ________\nMARBLE HARBOR HOLDINGS, LTD.\nBy: ________\n"
)


def _groups(text: str) -> list[party_ranker.PartyGroup]:
    return party_ranker.group(party_ranker.mentions(text.replace("\n", " "),
                                                    signature_parties(text)))


def test_mentions_keep_names_the_grammar_vetoes():
    names = {g.key for g in _groups(PREAMBLE)}
    assert "zenlo io inc" in names  # lower-case start: the grammar's list drops it
    assert "marble harbor holdings ltd" in names
    kinds = {m.kind for g in _groups(PREAMBLE) for m in g.mentions}
    # no collective term and no "/s/" signature written here
    assert kinds == set(party_ranker.KINDS) - {party_ranker.COLLECTIVE, "signer"}


def test_collective_term_is_proposed_in_two_readings():
    text = PREAMBLE.replace(
        "(\"Marble\").", "(\"Marble\"). Zenlo and Marble are referred to herein individually "
        "as a \u201cParty\u201d and collectively as the \u201cParties\u201d.")
    coll = [g for g in _groups(text) if party_ranker.is_collective(g)]
    assert [g.name for g in coll] == [
        "individually as a \u201cParty\u201d and collectively as the \u201cParties\u201d",
        "Zenlo and Marble are referred to herein individually as a \u201cParty\u201d and "
        "collectively as the \u201cParties\u201d"]
    paren = PREAMBLE.replace("(\"Marble\").", "(\"Marble\") (each a \"Party\" and together the "
                             "\"Parties\").")
    # the whole parenthetical is the same words: one group, both readings its mentions
    (g,) = [g for g in _groups(paren) if party_ranker.is_collective(g)]
    assert g.name == 'each a "Party" and together the "Parties"'
    assert [m.index for m in g.mentions] == [0, 1]
    assert not any(party_ranker.is_collective(g) for g in _groups(PREAMBLE))


def test_signers_are_proposed_with_what_tells_an_officer_from_a_party():
    body = "2. Terms. The products are supplied as ordered. " * (party_ranker.HEAD_CHARS // 40)
    text = (PREAMBLE.replace("Marble Harbor Holdings, Ltd.", "Jane Roe") + body
            + "ZENLO.IO, INC. By: /s/ Mark Q. Lee Chief Executive Officer\n"
            "Signed and agreed to: /s/ Jane Roe Jane Roe Mark Q. Lee\n").replace("\n", " ")
    groups = party_ranker.group(party_ranker.mentions(text, []))
    signers = {g.name: r for g, r in zip(groups, party_ranker.features_all(groups, text, []),
                                         strict=True)
               if any(m.kind == "signer" for m in g.mentions)}
    # a person's name ends at its last name: the printed names after it are not glued on
    assert set(signers) == {"Mark Q. Lee", "Jane Roe"}
    assert signers["Mark Q. Lee"]["signer_by"] == 1.0
    assert signers["Mark Q. Lee"]["signer_officer"] == 1.0
    assert signers["Jane Roe"]["signer_by"] == 0.0
    assert signers["Jane Roe"]["signer_officer"] == 0.0
    assert signers["Jane Roe"]["signer_in_head"] == 1.0  # named in the opening
    assert signers["Mark Q. Lee"]["signer_in_head"] == 0.0


def test_features_see_agreement_between_finders():
    groups = _groups(PREAMBLE)
    rows = party_ranker.features_all(groups, PREAMBLE.replace("\n", " "), [])
    marble = next(r for g, r in zip(groups, rows, strict=True)
                  if g.key == "marble harbor holdings ltd")
    assert marble["also=sig"] == 1.0 or marble["kind=sig"] == 1.0
    assert marble["corp"] == 1.0 and marble["label_after"] == 1.0


def test_select_collapses_one_party_written_twice_and_keeps_a_pair():
    groups = [party_ranker.PartyGroup(party_ranker.name_key(n), n, [])
              for n in ("Acme Tools, Inc.", "ACME TOOLS INC", "Beta LLC", "Gamma Corp")]
    picked = party_ranker.select(groups, [0.9, 0.8, 0.35, 0.1], threshold=0.5,
                                 pair_threshold=0.3)
    assert picked == [0, 2]  # the upper-case copy is the same party; Gamma clears neither
    assert party_ranker.select(groups, [0.9, 0.8, 0.35, 0.1], threshold=0.5) == [0]


def test_words_around_a_complete_legal_name_do_not_replace_it():
    names = ("Harbor Mills, Inc.", "EMPLOYEE HARBOR MILLS, INC.", "Jane Q. Doe", "Doe")
    groups = [party_ranker.PartyGroup(party_ranker.name_key(n), n, []) for n in names]
    # the longer spelling scores nearly as high as the legal name: the legal name stays
    assert party_ranker.select(groups, [0.95, 0.9, 0.1, 0.1], threshold=0.5) == [0]
    # a person's fuller spelling still replaces the shorter one
    assert party_ranker.select(groups, [0.95, 0.9, 0.8, 0.85], threshold=0.5) == [0, 2]


def test_a_defined_label_and_its_name_are_one_party():
    text = PREAMBLE.replace("\n", " ")
    groups = party_ranker.group(party_ranker.mentions(text, signature_parties(PREAMBLE)), text)
    by_key = {g.key: g for g in groups}
    assert by_key["zenlo io"].labels == {"zenlo"}
    assert by_key["zenlo io inc"].labels == set()  # over a signature line: no definition
    # the label of the first party stops before the second party's
    assert by_key["marble harbor holdings ltd"].labels == {"marble"}
    name, marble = by_key["zenlo io"], by_key["marble harbor holdings ltd"]
    label = party_ranker.PartyGroup("zenlo", "Zenlo", [])
    alias = party_ranker.PartyGroup("the company", "The Company", [])
    groups = [label, name, marble, alias]
    name.labels = frozenset({"zenlo", "company"})
    # the label scored first gives way to its name; a second label of it is dropped
    assert party_ranker.select(groups, [0.9, 0.8, 0.7, 0.6], threshold=0.5) == [1, 2]
    # without the definition "The Company" is a third party ("Zenlo" is still the same
    # words as "zenlo.io")
    name.labels = frozenset()
    assert party_ranker.select(groups, [0.9, 0.8, 0.7, 0.6], threshold=0.5) == [1, 2, 3]


def test_select_keeps_a_collective_term_apart_from_the_names():
    coll = party_ranker.Mention(party_ranker.COLLECTIVE, "", 0, 0, 0)
    groups = [party_ranker.PartyGroup(party_ranker.name_key(n), n, [])
              for n in ("Acme Tools, Inc.", "Beta LLC")]
    groups.append(party_ranker.PartyGroup(
        "acme tools and beta each a party", "Acme Tools and Beta (each a Party)", [coll]))
    # its tokens hold both names', yet it collapses with neither; it has its own threshold
    # and does not count as one of the two names a contract has at least
    assert party_ranker.select(groups, [0.9, 0.35, 0.45], threshold=0.5, pair_threshold=0.3,
                               collective_threshold=0.4) == [0, 2, 1]
    assert party_ranker.select(groups, [0.9, 0.35, 0.45], threshold=0.5, pair_threshold=0.3,
                               collective_threshold=0.5) == [0, 1]
    # a collective term alone names nobody
    assert party_ranker.select(groups, [0.1, 0.1, 0.9], threshold=0.5, pair_threshold=0.3,
                               collective_threshold=0.4) == []


def test_shipped_selector_on_generated_contracts():
    model = party_ranker.load()
    assert model is not None and model.version.startswith("parties-")
    right = 0
    for seed in range(20):
        sc = generate_contract(seed)
        got = extract_contract(sc.doc).get("parties")
        truth = {party_ranker.name_key(p) for p in sc.expected["parties"]}
        if got is not None:
            assert got.source == "ranker:parties"
            assert party_ranker.CONF_FLOOR <= got.confidence <= party_ranker.CONF_CEIL
            right += {party_ranker.name_key(p) for p in got.normalized} == truth
    assert right >= 16, right


def test_names_end_where_a_company_name_ends():
    text = ("SERVICES AGREEMENT This Agreement is made by and between ORBIT LABS, LLC This "
            "Agreement covers services, and Kestrel Couriers Ltd., a subsidiary of Dynamex Inc. "
            "(\"Kestrel\"). 1. Services. Kestrel shall carry parcels.")
    names = {m.name for m in party_ranker.mentions(text, [])}
    assert "ORBIT LABS, LLC" in names  # not "... LLC This Agreement covers services"
    assert not any(n.startswith("ORBIT LABS, LLC ") for n in names)
    assert "Dynamex Inc." in names and "of Dynamex Inc." not in names


def test_party_like_tells_a_name_from_a_label_or_a_fragment():
    for name in ("Acme Inc.", "Jane Roe", "3M Company", "zenlo.io, inc.", "zenlo.io", "Stilwell Group",
                 "Affiliated Companies", "II-VI Inc.", "AT&T Corp.", "Sagebrush partners"):
        assert party_like(name), name
    for name in ("and", "The", "C.", "WHEREAS, Company", "Employer, Employee",
                 "the Executive, the Company", "Employer.", "Counterparty", "Companies",
                 "ACCEPTED AND AGREED", "AUTHORIZED PERSON", "PARTNERS, L.P.", "LLC", "XXXX",
                 "<<enter Company Name»", "Section 2. Returning Company",
                 "Non-Competition Agreement",
                 "the individual identified on the signature page to this Agreement"):
        assert not party_like(name), name


def test_mentions_leave_out_labels_and_sentence_fragments():
    text = ("EMPLOYMENT AGREEMENT This Agreement is made by and between Orbit Labs, Inc., a "
            "Delaware corporation (the \"Company\"), and the Executive. WHEREAS, Company "
            "wishes to employ the Executive. 1. Duties. ORBIT LABS, INC. By: ____ "
            "ACCEPTED AND AGREED By: ____")
    sigs = signature_parties(text.replace(" By:", "\nBy:").replace("1. Duties. ", "\n"))
    names = {m.name for m in party_ranker.mentions(text, sigs)}
    assert "Orbit Labs, Inc." in names
    assert not names & {"the Executive.", "the Executive", "Executive", "WHEREAS, Company", "Company",
                        "ACCEPTED AND AGREED"}, names
