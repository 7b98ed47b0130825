"""Full-text search over what reports say: recommendations and findings (strengths, satisfactory
practice, areas for development), in an SQLite FTS5 index (the standard library's sqlite3).

The index is held in memory, one per store generation (generation.py): it is built from the rows of
`queries/pages/search-texts.rq` (on the corpus 1,900 texts of 325,000 characters: the query
0.2 s, the index 0.1 s and under 1 MiB; see docs/pages.md) the first time a search meets a generation it has not indexed, and replaces the
previous index then. A search that started on the old index keeps its reference and finishes on
it. Nothing is written to disk, so a read-only store folder and a remote store work the same way;
for a remote store, which has no generations, the index is rebuilt every REMOTE_REFRESH seconds
(generation.py).

Words are matched by the Porter stemmer ("leavers" finds "leaver"); the passages with the words
as one phrase come first, then those with every word, each group by BM25 relevance.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass

MAX_WORDS = 12  # words of a query used; more add little and cost much
PASSAGE_TOKENS = 28  # words in a passage around the match
# Private-use characters mark the matched words in FTS5's snippet; removed from texts first.
OPEN, CLOSE = "\ue000", "\ue001"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Text:
    """One searchable text and what it belongs to."""

    item: str  # URI of the recommendation or finding
    item_href: str  # its page here
    list: str  # recommendation, strengths, satisfactory_practice, areas_for_development
    text: str
    inspection: str
    inspection_href: str
    inspection_label: str
    authority: str
    start_date: str


@dataclass(frozen=True)
class TextHit:
    text: Text
    passage: list[tuple[str, bool]]  # the passage in pieces, True for a matched piece


def words(query: str) -> list[str]:
    return _WORD.findall(query)[:MAX_WORDS]


class TextIndex:
    """An in-memory FTS5 index of texts, safe to search from several threads."""

    def __init__(self, texts: Iterable[Text]) -> None:
        self.texts = list(texts)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("CREATE VIRTUAL TABLE texts USING fts5(body, tokenize='porter unicode61')")
        self._db.executemany(
            "INSERT INTO texts(rowid, body) VALUES (?, ?)",
            ((n, t.text.replace(OPEN, "").replace(CLOSE, "")) for n, t in enumerate(self.texts)),
        )
        self._db.commit()

    def search(self, query: str, limit: int) -> list[TextHit]:
        found = words(query)
        if not found:
            return []
        # Each word (letters and digits only) as an FTS5 string, so no user text is syntax:
        # AND, OR, NEAR or a column name typed in a query are words like any other.
        quoted = [f'"{w}"' for w in found]
        phrase = '"' + " ".join(found) + '"'
        hits: dict[int, list[tuple[str, bool]]] = {}
        with self._lock:
            for match in (phrase, " AND ".join(quoted)):
                for rowid, snippet in self._db.execute(
                    f"SELECT rowid, snippet(texts, 0, '{OPEN}', '{CLOSE}', '…', {PASSAGE_TOKENS}) "
                    "FROM texts WHERE texts MATCH ? ORDER BY bm25(texts) LIMIT ?",
                    (match, limit),
                ):
                    hits.setdefault(rowid, _pieces(snippet))
                if len(hits) >= limit:
                    break
        return [TextHit(self.texts[rowid], passage) for rowid, passage in hits.items()][:limit]


def _pieces(snippet: str) -> list[tuple[str, bool]]:
    """FTS5's snippet with its markers as (text, matched) pieces, for the template to escape."""
    pieces: list[tuple[str, bool]] = []
    for n, part in enumerate(re.split(f"[{OPEN}{CLOSE}]", snippet)):
        if part:
            pieces.append((part, n % 2 == 1))
    return pieces
