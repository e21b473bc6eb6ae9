"""Bounds for every integer the client picks (list offsets, page numbers, row ids).

An unbounded integer reached the database as given: `offset=99999999999999999999`
overflowed SQLite's 64-bit integers and answered 500. Out of range is now 422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ROW_ID = 2**31 - 1  # database row ids (ledger entries, findings)
MAX_OFFSET = 10_000_000  # more rows than a list will ever be paged through
MAX_LIST_PAGE = MAX_OFFSET // 50  # list pages of 50 (documents) or 100 (audit log)
MAX_DOCUMENT_PAGE = 1_000_000  # pages of one document (BACKOFFICE_MAX_PAGES is far lower)
MAX_LIMIT = 500

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
ListPage = Annotated[int, Query(ge=1, le=MAX_LIST_PAGE)]
DocumentPage = Annotated[int, Query(ge=1, le=MAX_DOCUMENT_PAGE)]
PageNumber = Annotated[int, Path(ge=1, le=MAX_DOCUMENT_PAGE)]
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
