"""The input limits: how much one upload, file or request body may ask of the server.

Each is checked early, before the expensive step (an XLSX's expanded size before the
workbook is opened, JSON nesting before it is parsed), and refused with a message that says
which limit and how to stay within it. Chronology-format.md lists them for users.
"""

from __future__ import annotations

import json
import re
from typing import Any

from causalmap.errors import InvalidInput

#: Events (rows) in one chronology file.
MAX_ROWS = 250_000
#: Records (agencies, events, decisions) one import writes in one transaction. A bigger import
#: into a new case is staged in batches and made visible at once (store/staging.py); a bigger
#: change to an existing case is refused (delete the case and import it whole, or import in
#: parts). 20,000 events in one transaction use about a fifth of the local Neo4j's
#: transaction memory (docs/benchmarks.md).
SINGLE_TRANSACTION_RECORDS = 20_000
#: Characters in one cell of a chronology (a description of a few pages fits easily).
MAX_CELL = 20_000
#: Bytes an XLSX may expand to when unzipped, and how much more its parts may expand than
#: the file itself: a normal workbook expands 5-20 times, a zip bomb thousands of times.
MAX_XLSX_EXPANDED = 256 * 1024 * 1024
MAX_XLSX_RATIO = 200
#: Nesting of arrays and objects in any JSON the service reads (a case document needs 4).
MAX_JSON_DEPTH = 32

_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def json_depth_exceeded(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `text` nests arrays and objects deeper than `limit` (strings are skipped)."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        ch = token.group()
        if ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def loads(text: str, where: str) -> Any:
    """Parse JSON no deeper than MAX_JSON_DEPTH; InvalidInput naming `where` otherwise."""
    if json_depth_exceeded(text):
        raise InvalidInput(f"{where}: JSON nested deeper than {MAX_JSON_DEPTH} levels; nothing here needs more")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, or an integer too long to convert
        raise InvalidInput(f"{where}: not valid JSON: {exc}") from None
