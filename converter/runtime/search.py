"""Find an API's operations from a task in plain words (`--tools search`): BM25 over what the spec says about
each operation, field by field, plus a boost for the action the task's verb asks for.

A generic text index over tool names and descriptions misses what a spec tells: `listForRepo` is three words,
`/repos/{owner}/{repo}/issues` names the objects an operation works on, a summary says more than the tenth
paragraph of a description, and "close an issue" asks for an update (PATCH), not for a new issue. So:

- every operation is indexed in separate fields (operationId and tool name, summary, tags, path segments,
  argument names, description), each with its own BM25 statistics, and a match counts by its field's weight;
- identifiers are split (camelCase, snake_case, kebab-case, `/`, `.`, `{}`), words are stemmed (Snowball
  English, so "issues" finds "issue" and "repositories" "repository") and stop words dropped;
- two query words that join into a word of the API's count as that word ("pay out" → payout, "web hooks" →
  webhook), and a word of the index one letter longer or shorter than a long query word counts half
  ("assign" → assignee, which Snowball stems apart);
- the query's first CRUD verb (and its everyday synonyms: "close" and "rename" update, "remove" deletes)
  selects an action — list, read, create, update, delete — and operations that perform it score higher.
  An operation's action comes from the verb its operationId starts with, else from its method and path
  (GET on a collection lists, GET on `/{id}` reads, POST on a collection creates, ...);
- a query in the first person ("my", "me") prefers the caller's own operations: `/user/...` beside
  `/users/{username}/...`, `/me`, "for the authenticated user".

BM25 and the stemmer come from maintained libraries (`bm25s`: sparse-matrix BM25; `PyStemmer`: the Snowball
stemmers in C). Both load numpy/C code, so they are imported here only, and this module only in search mode.
"""

from __future__ import annotations

import bisect
import enum
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["FIELD_WEIGHTS", "Action", "Operation", "SearchIndex", "operations_of", "split_words"]

FIELD_WEIGHTS: Mapping[str, float] = {
    "name": 3.0,
    "summary": 3.0,
    "path": 2.0,
    "tags": 1.5,
    "description": 1.0,
    "arguments": 0.5,
    "resource": 2.0,
}
"""How much a query word found in each field counts (BM25 score x weight, summed over fields). `resource` is the
path's last literal segment: the object the operation acts on (`issues` in `/repos/{owner}/{repo}/issues/{n}`)."""

VERB_WEIGHT = 0.25
"""The query word that gave its action counts this much as text: the action boost already stands for it."""

ACTION_BOOST = 0.5
"""An operation performing the action the query's verb asks for scores this much higher (x 1.5)."""

AKIN_WEIGHT = 0.5
"""A word of the index its query word differs from by a short ending only ("assign" and "assignee": Snowball
stems them apart) counts this much as the word itself."""
AKIN_MIN = 5
AKIN_ENDING = 1

CALLER_BOOST = 0.5
"""A query in the first person ("list my repositories") scores the caller's own operations this much higher."""

SUMMARY_CHARS = 160


class Action(enum.Enum):
    """What an operation does to the objects it names, as far as a query's verb can ask for it."""

    LIST = "list"
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


# Everyday English verbs for the five actions, in queries and in operationIds alike ("read" as Kubernetes'
# readNamespacedPod, "replace" as its PUT). Verbs with no fixed action ("merge", "star", "refund") are left to
# the text match: they name their operations' path segments and summaries.
_VERBS: Mapping[Action, tuple[str, ...]] = {
    Action.LIST: ("list", "enumerate", "browse", "search", "find", "query"),
    Action.READ: (
        *("get", "read", "retrieve", "fetch", "show", "view", "see", "check", "inspect", "describe", "download"),
        "preview",
    ),
    Action.CREATE: (
        *("create", "add", "new", "make", "open", "post", "submit", "upload", "register", "invite", "start"),
        *("send", "write", "generate", "trigger", "dispatch", "schedule"),
    ),
    Action.UPDATE: (
        *("update", "edit", "change", "modify", "set", "rename", "replace", "patch", "close", "reopen", "mark"),
        *("enable", "disable", "lock", "unlock", "move", "configure", "archive"),
    ),
    Action.DELETE: ("delete", "remove", "destroy", "erase", "drop", "revoke", "cancel", "unset", "clear", "uninstall"),
}
# "find"/"search" ask to look something up: a listing or a single object is equally right.
_ALSO_READ = frozenset({"search", "find", "query"})

# "my", "me": the caller. "I" opens many a request ("I want to ..."), so it counts only after the first word.
_FIRST_PERSON = frozenset({"me", "my", "mine", "myself"})
# Path segments and phrases that stand for the caller: `/me`, `/users/@me`, "the authenticated user", "the
# current account".
_CALLER_SEGMENTS = frozenset({"me", "@me", "my", "mine", "myself", "self"})
_CALLER_RE = re.compile(
    r"\bauthenticated\s+\w|\b(current|logged[- ]in|signed[- ]in)\s+(user|account|member)\b", re.IGNORECASE
)
_PLURAL_RE = re.compile(r"[^s]s$")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s")
_URL_RE = re.compile(r"https?://\S+")
# Words of ASCII text, camelCase and acronyms split on the way: `getHTTPResponse` → get, HTTP, Response.
_ASCII_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_ACRONYM_RE = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_RE = re.compile(r"([a-z0-9])([A-Z])")
_WORD_RE = re.compile(r"[^\W_]+")
_TEMPLATE_RE = re.compile(r"^\{.*\}$")


def split_words(text: str) -> list[str]:
    """Lower-case words of `text`, identifiers split: `listForRepo` → list, for, repo."""
    if text.isascii():
        return " ".join(_ASCII_WORD_RE.findall(text)).lower().split()
    text = _CAMEL_RE.sub(r"\1 \2", _ACRONYM_RE.sub(r"\1 \2", text))
    return _WORD_RE.findall(text.lower())


@dataclass(frozen=True, slots=True)
class Operation:
    """What the index knows of one callable operation (tool)."""

    name: str
    method: str
    path: str
    summary: str
    description: str
    operation_id: str
    tags: tuple[str, ...]
    arguments: tuple[str, ...]
    required: tuple[str, ...]


def _summary(entry: Mapping[str, Any]) -> str:
    """The title, else the description's first sentence, on one line."""
    text = str(entry.get("title") or "")
    if not text:
        description = " ".join(str(entry.get("description") or "").split())
        text = _SENTENCE_RE.split(description, maxsplit=1)[0]
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def operations_of(listing: Sequence[Mapping[str, Any]], table: Mapping[str, Mapping[str, Any]]) -> list[Operation]:
    """The operations of a tool table, in listing order (tools/list entries + the runtime's table)."""
    operations = []
    for entry in listing:
        row = table[entry["name"]]
        schema = entry.get("inputSchema") or {}
        binding = row.get("binding") or {}
        operations.append(
            Operation(
                name=entry["name"],
                method=str(binding.get("method", "")),
                path=str(binding.get("path", "")),
                summary=_summary(entry),
                description=str(entry.get("description") or ""),
                operation_id=str(row.get("operationId") or ""),
                tags=tuple(row.get("tags") or ()),
                arguments=tuple(schema.get("properties") or ()),
                required=tuple(schema.get("required") or ()),
            )
        )
    return operations


class SearchIndex:
    """A ranked search over operations; built once (GitHub's 1,223 operations: ~0.2 s), then ~0.5 ms a query."""

    def __init__(self, operations: Sequence[Operation]) -> None:
        """Index `operations` (imports bm25s and PyStemmer)."""
        import bm25s  # type: ignore[import-untyped]  # noqa: PLC0415
        import Stemmer  # type: ignore[import-not-found]  # noqa: PLC0415
        from bm25s.stopwords import STOPWORDS_EN_PLUS  # type: ignore[import-untyped]  # noqa: PLC0415

        # bm25s sets its logger to DEBUG, which logs every index build whatever the log level asked for.
        logging.getLogger("bm25s").setLevel(logging.WARNING)

        self.operations = list(operations)
        self._stemmer = Stemmer.Stemmer("english")
        self._stem_cache: dict[str, str] = {}
        # Stop words and single characters ("v" of "v1", "s" of "URLs"): never worth a match.
        self._stopwords = frozenset(STOPWORDS_EN_PLUS) | set("abcdefghijklmnopqrstuvwxyz0123456789")
        self._verbs = {self._stem(verb): action for action, verbs in _VERBS.items() for verb in verbs}
        self._also_read = {self._stem(verb) for verb in _ALSO_READ}
        documents = [self._document(op) for op in self.operations]
        self._fields: list[tuple[Any, float]] = []
        for field, weight in FIELD_WEIGHTS.items():
            corpus = [document[field] for document in documents]
            if any(corpus):  # a field no operation has (Stripe's tags) would be an empty index
                retriever = bm25s.BM25()
                retriever.index(corpus, show_progress=False)
                self._fields.append((retriever, weight))
        # An API whose operationIds all start with their method (Stripe's `GetCustomers`, `PostCustomers`).
        starts = [split_words(op.operation_id.rsplit("/", 1)[-1])[:1] == [op.method.lower()] for op in self.operations]
        self._method_named = sum(starts) >= 0.9 * len(self.operations)
        self._actions = [self._action(op) for op in self.operations]
        self._op_verbs = [self._verbs_of(op) for op in self.operations]
        self._callers = self._callers_of(self.operations)
        self._vocabulary_set = {token for retriever, _ in self._fields for token in retriever.vocab_dict}
        self._vocabulary = sorted(self._vocabulary_set)
        self.tags = sorted({tag for op in self.operations for tag in op.tags})

    def _stem(self, word: str) -> str:
        stem = self._stem_cache.get(word)
        if stem is None:
            stem = self._stem_cache[word] = str(self._stemmer.stemWord(word))
        return stem

    def _stems(self, words: Sequence[str]) -> list[str]:
        stopwords = self._stopwords
        return list(self._stemmer.stemWords([word for word in words if word not in stopwords]))

    def _tokens(self, text: str) -> list[str]:
        return self._stems(split_words(text))

    def _query_tokens(self, query: str) -> list[str]:
        """The query's stems, each once; two words that join into a word of the API's stand for it: "pay out" →
        payout, "web hooks" → webhook, "sign up" → signup."""
        words, kept, at = split_words(query), [], 0
        while at < len(words):
            joined = "".join(words[at : at + 2])
            if at + 1 < len(words) and joined not in self._stopwords and self._stem(joined) in self._vocabulary_set:
                kept.append(joined)
                at += 2
            else:
                kept.append(words[at])
                at += 1
        return list(dict.fromkeys(self._stems(kept)))  # a word said twice is not twice as important

    def _akin(self, tokens: Sequence[str]) -> list[str]:
        """The index's stems that extend one of `tokens` by up to AKIN_ENDING letters, or that one extends, long
        stems only (AKIN_MIN letters): "assign" → assigne(e), "assigne"(es) → assign."""
        vocabulary, found = self._vocabulary, []
        for token in tokens:
            if len(token) < AKIN_MIN:
                continue
            at = bisect.bisect_right(vocabulary, token)
            while at < len(vocabulary) and vocabulary[at].startswith(token):
                if len(vocabulary[at]) - len(token) <= AKIN_ENDING:
                    found.append(vocabulary[at])
                at += 1
            for cut in range(1, AKIN_ENDING + 1):
                shorter = token[:-cut]
                if len(shorter) >= AKIN_MIN and shorter in self._vocabulary_set:
                    found.append(shorter)
        return [stem for stem in dict.fromkeys(found) if stem not in tokens]

    def _document(self, op: Operation) -> dict[str, list[str]]:
        """The operation's tokens by field."""
        summary_words = split_words(op.summary)
        description_words = split_words(_URL_RE.sub(" ", op.description))
        summary, description = self._stems(summary_words), self._stems(description_words)
        by_start: dict[str, list[str]] = {}
        for stem in set(summary) | set(description):
            by_start.setdefault(stem[:3], []).append(stem)
        prose = (set(summary_words) | set(description_words), by_start)
        literal = [segment for segment in op.path.split("/") if segment and not _TEMPLATE_RE.match(segment)]
        # Each identifier word once: `/issues/{issue_number}` is no more about issues than `/issues` is, and a
        # tool name made from the operationId repeats its words.
        name_words = list(dict.fromkeys(split_words(op.operation_id) + split_words(op.name)))
        return {
            "name": self._identifier(name_words, prose),
            "summary": summary,
            "path": self._identifier(list(dict.fromkeys(split_words(op.path))), prose),
            "tags": self._stems([word for tag in op.tags for word in split_words(tag)]),
            "description": description,
            "arguments": self._stems([word for argument in op.arguments for word in split_words(argument)]),
            "resource": self._identifier(split_words(literal[-1]) if literal else [], prose),
        }

    def _identifier(self, words: Sequence[str], prose: tuple[set[str], dict[str, list[str]]]) -> list[str]:
        """Stems of identifier words, each also read as the operation's own prose spells it: an abbreviation as
        the word it starts (`repo` → repository, `orgs` → organizations) and a compound as its parts
        (`invoiceitems` → invoice, item), when the summary or description uses those words."""
        prose_words, by_start = prose
        tokens = []
        for word in words:
            if len(word) < 2 or word in self._stopwords:
                continue
            stem = self._stem(word)
            tokens.append(stem)
            if len(word) < 3:
                continue
            lead = stem if len(word) <= 5 else word  # a short plural too: `orgs` → organization
            tokens.extend(sorted(full for full in by_start.get(word[:3], ()) if full.startswith(lead) and full != stem))
            if word in prose_words:
                continue  # a word the prose uses as it is, not a compound
            for cut in range(3, len(word) - 2):
                if word[:cut] in prose_words:
                    tail = self._stem(word[cut:])
                    if tail in by_start.get(tail[:3], ()):
                        tokens.extend((self._stem(word[:cut]), tail))
                        break
        return tokens

    def _action(self, op: Operation) -> Action:
        """The action the operationId's verb names, else the one the method and path imply."""
        method = op.method.lower()
        for index, word in enumerate(split_words(op.operation_id.rsplit("/", 1)[-1])):
            if index == 0 and word == method and self._method_named:
                continue  # `GetCustomers` lists: an operationId made from the method says nothing more
            action = self._verbs.get(self._stem(word))
            if action is not None:
                return action
        segments = [segment for segment in op.path.split("/") if segment]
        on_item = bool(segments) and _TEMPLATE_RE.match(segments[-1]) is not None
        if method in ("get", "head", "options"):
            return Action.READ if on_item else Action.LIST
        if method == "post":
            return Action.UPDATE if on_item else Action.CREATE
        if method == "delete":
            return Action.DELETE
        return Action.UPDATE

    def _callers_of(self, operations: Sequence[Operation]) -> list[bool]:
        """Which operations act on the caller's own objects: those under a `/me` or `/self` segment, under a root
        segment in the singular next to its plural (`/user/repos` beside `/users/{username}/repos`, Stripe's
        `/v1/account` beside `/v1/accounts`), or whose summary names "the authenticated user" (or app) or "the
        current account"."""
        paths = [[segment for segment in op.path.split("/") if segment] for op in operations]
        shortest = min((len(segments) for segments in paths), default=0)
        depth = 0  # segments every path starts with (`/v1`) are no root
        while depth < shortest and len({segments[depth] for segments in paths}) == 1:
            depth += 1
        roots = {segments[depth] for segments in paths if len(segments) > depth}
        by_stem: dict[str, list[str]] = {}
        for root in roots:
            if not _TEMPLATE_RE.match(root):
                by_stem.setdefault(self._stem(root.lower()), []).append(root)
        singular = {min(same, key=len) for same in by_stem.values() if len(same) > 1}
        callers = []
        for op, segments in zip(operations, paths, strict=True):
            rest = segments[depth:]
            first = _SENTENCE_RE.split(op.description, maxsplit=1)[0]
            callers.append(
                any(segment.lower() in _CALLER_SEGMENTS for segment in rest)
                or (bool(rest) and rest[0] in singular and not (len(rest) > 1 and _TEMPLATE_RE.match(rest[1])))
                or _CALLER_RE.search(f"{op.summary} {first}") is not None
            )
        return callers

    def _verbs_of(self, op: Operation) -> frozenset[str]:
        """The verbs an operation is named by: its operationId's first word (`activity/star-repo-…` → star) and an
        action segment after an object's id (`/invoices/{invoice}/pay` → pay). A plural names objects a GET lists
        (`GET /charges/{charge}/refunds`, Stripe's `GetTransfers`), while a POST on it makes one: "refund"."""
        named = split_words(op.operation_id.rsplit("/", 1)[-1])[int(self._method_named) :][:1]
        segments = [segment for segment in op.path.split("/") if segment]
        if len(segments) >= 2 and _TEMPLATE_RE.match(segments[-2]) and not _TEMPLATE_RE.match(segments[-1]):
            named += split_words(segments[-1])[:1]
        if op.method.lower() in ("get", "head"):
            named = [word for word in named if not _PLURAL_RE.search(word)]
        return frozenset(self._stem(word) for word in named)

    def query_verb(self, query: str) -> tuple[str | None, frozenset[Action]]:
        """The stem of the query's first CRUD verb and the actions it asks for (None and none without one)."""
        for word in split_words(query):
            stem = self._stem(word)
            action = self._verbs.get(stem)
            if action is not None:
                return stem, frozenset({action, Action.READ}) if stem in self._also_read else frozenset({action})
        return None, frozenset()

    @staticmethod
    def first_person(query: str) -> bool:
        """Whether the query speaks of the caller's own objects ("my repositories", "repos I starred")."""
        words = split_words(query)
        return any(word in _FIRST_PERSON for word in words) or "i" in words[1:]

    def search(
        self, query: str, *, limit: int = 5, tag: str | None = None, among: Collection[str] | None = None
    ) -> list[tuple[Operation, float]]:
        """The best `limit` operations for `query` (only those tagged `tag`, and named in `among`, when given),
        best first; none when no word of the query occurs in any operation."""
        import numpy  # noqa: PLC0415  (bm25s's own dependency)

        verb, actions = self.query_verb(query)
        tokens = self._query_tokens(query)
        scores = numpy.zeros(len(self.operations), dtype=numpy.float64)
        words = [token for token in tokens if token != verb]
        groups = (
            (words, 1.0),
            ([token for token in tokens if token == verb], VERB_WEIGHT),
            (self._akin(words), AKIN_WEIGHT),
        )
        for retriever, weight in self._fields:
            for group, factor in groups:
                known = [token for token in group if token in retriever.vocab_dict]
                if known:
                    scores += weight * factor * retriever.get_scores(known)
        first = next(iter(tokens), None)
        named = {first, *self._akin([first])} if first else set()  # "assign" names `/assignees`
        if actions or first:
            boost = [
                1.0 + ACTION_BOOST if action in actions or not named.isdisjoint(verbs) else 1.0
                for action, verbs in zip(self._actions, self._op_verbs, strict=True)
            ]
            scores *= numpy.array(boost)
        if self.first_person(query):
            scores *= numpy.array([1.0 + CALLER_BOOST if caller else 1.0 for caller in self._callers])
        if tag is not None:
            scores *= numpy.array([1.0 if tag in op.tags else 0.0 for op in self.operations])
        if among is not None:
            scores *= numpy.array([1.0 if op.name in among else 0.0 for op in self.operations])
        order = numpy.argsort(-scores, kind="stable")[:limit]
        return [(self.operations[int(i)], float(scores[i])) for i in order if scores[i] > 0]
