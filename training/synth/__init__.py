"""Generated documents with their truth, for fitting models that ship in the repository.

Nothing here comes from a real document: clause texts (`clauses`, from the paraphrases in
`clause_templates`) and laid-out contracts (`contracts`) and invoices/receipts
(`invoices`) with words, boxes and the values they print. Only training code and tests use
them; the runtime packages never import this package.
"""
