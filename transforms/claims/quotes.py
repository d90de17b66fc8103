"""Quotation spans in article text, in every quoting style news sites use.

Handles straight "…", curly “…”, low-high „…“, guillemets «…» (and reversed »…«), doubled apostrophes ''…'',
and single quotes ‘…’ / '…' used as the primary quote mark (British style) without mistaking apostrophes
("company’s", "governments' numbers") for quote marks. A quote left open at the end of a paragraph continues when
the next paragraph opens with a quote mark (the news convention for multi-paragraph quotes); the opening marks of
the continuation paragraphs are recorded so the content can be shown without them. Single quotes nested inside
a double-quoted passage are left alone.

Pure text in, spans out: the claims stage decides which quotes are direct speech and which are fragments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quote", "find_quotes", "strip_marks", "QUOTE_CHARS"]

QUOTE_CHARS = "\"'“”„‟«»‘’‚‹›"
_MARK = re.compile(r"''|[\"“”„«»‘’']")
_OPEN_PUNCT = set("([{—–-/:;,")
_CLOSE_PUNCT = set(",.;:!?)]}—–-…")
_DOUBLE = "double"
_SINGLE = "single"
_GUILLEMET = "guillemet"


@dataclass(frozen=True)
class Quote:
    """Quoted text at [start, end); marks lists every quote mark (start, end) that belongs to it."""

    start: int
    end: int
    open_at: int
    close_end: int
    closed: bool
    marks: tuple[tuple[int, int], ...]

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass
class _Open:
    family: str
    opener: str
    at: int
    mark_end: int
    marks: list[tuple[int, int]]
    skip_to: int = 0


def _family(mark: str) -> str:
    if mark in "«»":
        return _GUILLEMET
    if mark in "‘’'":
        return _SINGLE
    return _DOUBLE


def _prev_char(text: str, i: int) -> str:
    return text[i - 1] if i > 0 else "\n"


def _next_char(text: str, i: int) -> str:
    return text[i] if i < len(text) else "\n"


def _opener_like(text: str, start: int, end: int) -> bool:
    prev, nxt = _prev_char(text, start), _next_char(text, end)
    return (prev.isspace() or prev in _OPEN_PUNCT or prev in QUOTE_CHARS) and not nxt.isspace()


def _closer_like(text: str, start: int, end: int) -> bool:
    prev, nxt = _prev_char(text, start), _next_char(text, end)
    return not prev.isspace() and (nxt.isspace() or nxt in _CLOSE_PUNCT or nxt in QUOTE_CHARS)


class _Scanner:
    """Scans one paragraph at a time, carrying an open quote across paragraph breaks."""

    def __init__(self, text: str):
        self.text = text
        self.quotes: list[Quote] = []
        self.open: _Open | None = None

    def run(self) -> list[Quote]:
        pos = 0
        paragraphs = self.text.split("\n")
        for index, para in enumerate(paragraphs):
            start, end = pos, pos + len(para)
            self.scan(start, end)
            pos = end + 1
            if self.open is not None:
                self.end_paragraph(end, paragraphs[index + 1 :], pos)
        if self.open is not None:
            self.close_unterminated(len(self.text.rstrip()))
        return sorted(self.quotes, key=lambda q: q.open_at)

    def scan(self, start: int, end: int) -> None:
        marks = [m for m in _MARK.finditer(self.text, start, end)]
        for k, m in enumerate(marks):
            mark, ms, me = m.group(), m.start(), m.end()
            if self.open is None:
                self.try_open(mark, ms, me, marks[k + 1 :])
            elif self.open.skip_to > ms:
                continue  # the continuation opener already consumed at the paragraph start
            else:
                self.try_close(mark, ms, me, marks[k + 1 :])

    def try_open(self, mark: str, ms: int, me: int, rest: list[re.Match]) -> None:
        text = self.text
        if mark in "“„«":
            self.open = _Open(_family(mark), mark, ms, me, [(ms, me)])
        elif mark in ('"', "''", "»", "”") and _opener_like(text, ms, me):
            self.open = _Open(_family(mark) if mark != "''" else _DOUBLE, mark, ms, me, [(ms, me)])
        elif (
            mark in "‘'"
            and _opener_like(text, ms, me)
            and _next_char(text, me).isalnum()
            and any(_family(r.group()) == _SINGLE and self.single_closes(r.start(), r.end(), []) for r in rest)
        ):
            self.open = _Open(_SINGLE, mark, ms, me, [(ms, me)])

    def try_close(self, mark: str, ms: int, me: int, rest: list[re.Match]) -> None:
        current = self.open
        family = _DOUBLE if mark == "''" else _family(mark)
        if current.family == _DOUBLE and family == _SINGLE:
            return  # nested single quotes or apostrophes inside a double-quoted passage
        if current.family == _GUILLEMET:
            if mark not in "«»" or mark == current.opener:
                return
        elif family != current.family:
            return
        if family == _SINGLE and not self.single_closes(ms, me, rest):
            return
        if family == _DOUBLE and mark in "“„" and not _closer_like(self.text, ms, me):
            self.close(ms, ms, closed=False)
            self.try_open(mark, ms, me, rest)
            return
        self.close(ms, me, closed=True)

    def single_closes(self, ms: int, me: int, rest: list[re.Match]) -> bool:
        """A single quote closes when it is not inside a word and is not a plural possessive ("parties' votes")."""
        text = self.text
        if text[ms:me] not in "’'" or not _closer_like(text, ms, me):
            return False
        prev, nxt = _prev_char(text, ms), _next_char(text, me)
        if prev.lower() == "s" and nxt == " " and _next_char(text, me + 1).islower():
            return not any(_family(r.group()) == _SINGLE and _closer_like(text, r.start(), r.end()) for r in rest)
        return True

    def close(self, ms: int, me: int, closed: bool) -> None:
        current = self.open
        marks = [*current.marks, (ms, me)] if me > ms else current.marks
        self.quotes.append(Quote(current.mark_end, ms, current.at, me, closed, tuple(marks)))
        self.open = None

    def end_paragraph(self, para_end: int, following: list[str], next_pos: int) -> None:
        """Continue into the next paragraph if it opens with a quote mark; otherwise end or drop the quote."""
        for para in following:
            stripped = para.lstrip()
            if not stripped:
                next_pos += len(para) + 1
                continue
            lead = next_pos + len(para) - len(stripped)
            m = _MARK.match(self.text, lead)
            if m is not None and (_family(m.group()) == self.open.family or m.group() == "''"):
                self.open.marks.append((m.start(), m.end()))
                self.open.skip_to = m.end()
                return
            break
        self.close_unterminated(para_end)

    def close_unterminated(self, at: int) -> None:
        """A double quote left open ends with its paragraph; an unclosed single quote was an apostrophe."""
        if self.open.family == _SINGLE:
            self.open = None
            return
        end = at
        while end > self.open.mark_end and self.text[end - 1].isspace():
            end -= 1
        self.close(end, end, closed=False)


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in `text`, ordered by opening mark."""
    return _Scanner(text).run()


def strip_marks(text: str, start: int, end: int, marks: list[tuple[int, int]] | tuple = ()) -> str:
    """text[start:end] without the given quote marks, paragraph breaks turned into spaces."""
    pieces: list[str] = []
    pos = start
    for ms, me in sorted(marks):
        if me <= start or ms >= end:
            continue
        pieces.append(text[pos : max(pos, ms)])
        pos = max(pos, me)
    pieces.append(text[pos:end])
    return re.sub(r"\s*\n\s*", " ", "".join(pieces))
