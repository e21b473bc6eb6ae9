"""The one owner of a document's life. Nothing else moves a document, its findings,
queues, ledger entry or vendor-master record:

    process   file -> original -> ingest -> classify -> extract -> judge -> store
              (`workflow.process`, the ordered stage list)
    correct   a field (or its removal, with a reason) or the type (`workflow.corrections`)
    judge     policies on the current fields -> findings, queues, status (`workflow.judge`)
    decide    approve / reject / escalate, resolve a finding, pay (`workflow.decide`,
              behind the controls of `workflow.controls`)
    books     the AP ledger entry and the vendor master follow the document (`workflow.books`)

`api/` translates HTTP, pages and the CLI into these calls; `records/` only stores.
Statuses are defined once, in `workflow.states`; refusals are `workflow.errors`.
"""
