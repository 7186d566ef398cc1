"""Redaction for publication: listed terms and personal-data patterns, replaced everywhere.

Published case reviews are anonymised ("Child K", carers by role). A redacted export must
never contain a listed term, so redaction runs on the whole-case document before anything
is drawn or written: every text, every id and every reference is replaced by the same
rule, and the diagrams, the report and the interchange files are all made from the result.

Matching ignores case and respects word boundaries ("Ann" is replaced in "Ann's visit",
not in "Annual review"); longer terms win over shorter ones they contain. Beside the
listed terms, e-mail addresses, UK phone numbers, postcodes and NHS numbers are always
replaced when redacting.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causalmap.errors import InvalidInput, RowError
from causalmap.store.model import LINK_FIELDS, SECTIONS
from causalmap.vocab import agency_id

__all__ = ["Redactor", "Term", "check_terms", "parse_redaction_csv", "read_redaction_file", "redact_document"]


@dataclass(frozen=True)
class Term:
    """One entry of a case's redaction list: the text to find and what to write instead."""

    term: str
    replacement: str

    def as_dict(self) -> dict[str, str]:
        return {"term": self.term, "replacement": self.replacement}


def _nhs_number(digits: str) -> bool:
    """NHS numbers carry a modulus-11 check digit; a 10-digit reference that fails it is not one."""
    if len(digits) != 10:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


#: Patterns replaced whenever an export is redacted: (name, pattern, replacement).
PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("e-mail address", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE), "[e-mail]"),
    ("NHS number", re.compile(r"(?<![\w-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-])"), "[NHS number]"),
    ("UK phone number", re.compile(r"(?<![\w+])(?:\+44[ ]?(?:\(0\)[ ]?)?|\(?0)\d{2,4}\)?(?:[ -]?\d){6,8}(?![\w])"),
     "[phone]"),
    ("postcode", re.compile(r"(?<![\w-])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}(?![\w-])", re.IGNORECASE),
     "[postcode]"),
)


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation, longest term first, bounded by non-word characters on both sides."""
    words = sorted({t for t in terms if t}, key=lambda t: (-len(t), t.lower()))
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def check_terms(terms: list[Term], where: str = "redaction list") -> list[RowError]:
    """Every problem of a redaction list: empty terms, a term twice, a replacement that holds a term."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row, entry in enumerate(terms, start=1):
        if not entry.term.strip():
            errors.append(RowError(row, "term", entry.term, "the term is empty; give the name or word to replace"))
            continue
        if entry.term.strip().lower() in seen:
            errors.append(RowError(row, "term", entry.term, f"the same term as row {seen[entry.term.strip().lower()]}"))
        seen.setdefault(entry.term.strip().lower(), row)
    pattern = _term_pattern(t.term.strip() for t in terms)
    for row, entry in enumerate(terms, start=1):
        hit = pattern.search(entry.replacement) if pattern else None
        if hit:
            errors.append(RowError(row, "replacement", entry.replacement,
                                   f"the replacement contains the listed term {hit.group(0)!r}, so the export "
                                   "would still show it; choose a replacement without it"))
    return errors


def parse_redaction_csv(text: str, where: str) -> list[Term]:
    """Read `term,replacement` rows (an optional header row naming them); InvalidInput names every bad row."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InvalidInput(f"{where}: not valid CSV: {exc}; nothing was written") from None
    errors: list[RowError] = []
    terms: list[Term] = []
    numbered = [(n, r) for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if numbered and [c.strip().lower() for c in numbered[0][1]] == ["term", "replacement"]:
        numbered = numbered[1:]
    if not numbered:
        raise InvalidInput(f"{where}: no terms; write one `term,replacement` pair per line; nothing was written")
    for number, row in numbered:
        if len(row) != 2:
            errors.append(RowError(number, None, ",".join(row), f"has {len(row)} cells; write term,replacement "
                                   "(quote a term that contains a comma)"))
            continue
        terms.append(Term(row[0].strip(), row[1].strip()))
    if not errors:
        rows_of = [n for n, r in numbered]
        errors = [RowError(rows_of[e.row - 1], e.column, e.value, e.message) for e in check_terms(terms)]
    if errors:
        raise InvalidInput(f"{where}: {len(errors)} problem{'s' if len(errors) != 1 else ''} in the redaction file; "
                           "nothing was written", errors)
    return terms


def read_redaction_file(path: Path) -> list[Term]:
    """A redaction CSV file (UTF-8, `term,replacement`), checked."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such redaction file; nothing was written") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read it ({exc.strerror}); nothing was written") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: not UTF-8 text; save the redaction list as CSV UTF-8; "
                           "nothing was written") from None
    return parse_redaction_csv(text, str(path))


@dataclass
class Redactor:
    """Replaces listed terms and personal-data patterns, counting what it replaced."""

    terms: list[Term]
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = check_terms(self.terms)
        if problems:
            raise InvalidInput("the redaction list has problems; nothing was written", problems)
        self._replacement = {t.term.strip().lower(): t.replacement for t in self.terms}
        self._pattern = _term_pattern(self._replacement)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def _count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def _apply(self, text: str, shape: Callable[[str], str]) -> str:
        if self._pattern is not None:
            def listed(match: re.Match[str]) -> str:
                self._count("listed terms")
                return shape(self._replacement[match.group(0).lower()])
            text = self._pattern.sub(listed, text)
        for name, pattern, replacement in PATTERNS:
            def found(match: re.Match[str], name: str = name, replacement: str = replacement) -> str:
                if name == "NHS number" and not _nhs_number(re.sub(r"\D", "", match.group(0))):
                    return match.group(0)
                self._count(name)
                return shape(replacement)
            text = pattern.sub(found, text)
        return text

    def text(self, value: str) -> str:
        """Free text: the replacement as written ("Child K")."""
        return self._apply(value, lambda r: r)

    def ident(self, value: str) -> str:
        """An id or a reference to one: the replacement in id form ("child-k"), so references still match."""
        return self._apply(value, lambda r: agency_id(r) or "redacted")

    def leftovers(self, content: str) -> list[str]:
        """The listed terms still found in finished output (the last check before writing)."""
        return sorted({m.group(0) for m in self._pattern.finditer(content)}) if self._pattern else []


#: Fields of a case document that hold ids or references to ids, by section.
_ID_FIELDS = {section: {"id"} | {f.name for f in LINK_FIELDS.get(kind, ())} for kind, section in SECTIONS.items()}


def _walk(value: Any, redactor: Redactor, as_id: bool) -> Any:
    if isinstance(value, str):
        return redactor.ident(value) if as_id else redactor.text(value)
    if isinstance(value, list):
        return [_walk(v, redactor, as_id) for v in value]
    if isinstance(value, dict):
        if set(value) == {"node", "id"}:  # a {node, id} reference: the kind is ours, the id is not
            return {"node": value["node"], "id": _walk(value["id"], redactor, True)}
        return {(redactor.ident(k) if k.startswith("x_") else k): _walk(v, redactor, as_id) for k, v in value.items()}
    return value


def redact_document(doc: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    """The whole-case document with every text, id and reference redacted by one rule."""
    out: dict[str, Any] = {"format": doc["format"], "format_version": doc["format_version"]}
    case = dict(doc["case"])
    out["case"] = {**_walk({k: v for k, v in case.items() if k != "id"}, redactor, False),
                   "id": redactor.ident(case["id"])}
    for section in SECTIONS.values():
        ids = _ID_FIELDS[section]
        out[section] = [{k: _walk(v, redactor, k in ids) for k, v in record.items()}
                        for record in doc.get(section, [])]
    out["causal_links"] = [
        {k: _walk(v, redactor, k in ("id", "cause", "effect", "sources")) for k, v in link.items()}
        for link in doc.get("causal_links", [])]
    return out
