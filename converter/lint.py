"""Spec text that reads as instructions to a model (tool poisoning, prompt injection), found by phrase rules.

A spec's descriptions land in the model's context word for word, so a spec is untrusted input. `scan_text`
checks one string; `lint_document` walks every string of a raw document a model could be shown and
returns a `Diagnostic` per finding, located at the string's JSON pointer. Rules are regular expressions
(no model, no network) tuned on a corpus of real specs; see `converter.lint_rules` for the phrases.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from converter.errors import Diagnostic, Location, Severity
from converter.lint_rules import (
    GATE_INDEX,
    GATE_WORDS,
    HIDDEN_SUSPECT_RE,
    INVISIBLE_RE,
    MARKUP_RE,
    PHRASES,
    WORD_RE,
    Rule,
)
from converter.tools import ToolSet

__all__ = ["EXCERPT_CHARS", "MAX_FINDINGS", "Finding", "Rule", "lint_document", "lint_tools", "scan_text"]

EXCERPT_CHARS = 60
"""Longest excerpt a message quotes, in characters of the original text."""
MAX_FINDINGS = 10
"""Findings of one rule in one string beyond this many are dropped: a string with 20,000 zero-width
characters is one problem to look at, not 20,000."""
_CONTEXT_CHARS = 20  # shown either side of an invisible run
_RUN_CHARS = 4  # invisible characters shown (escaped) before the rest of a run is elided
_HIDDEN_CHARS = 2000  # how far a hidden element's content (up to its closing tag) is read
_WORD_CUT_CHARS = 12  # an excerpt cut inside a word backs off to the word's start if it is this close

_PROSE_KEYS = frozenset({"description", "summary", "title"})
_DATA_KEYS = frozenset({"example", "default", "enum", "const"})
# Members whose keys are names chosen by the author, not keywords: a property may be called "default" or
# "description", a response is keyed "default", a header "x-request-id".
_NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "dependentSchemas",
        "paths",
        "webhooks",
        "responses",
        "content",
        "encoding",
        "variables",
        "headers",
        "links",
        "callbacks",
        "schemas",
        "parameters",
        "requestBodies",
        "securitySchemes",
        "securityDefinitions",
        "pathItems",
        "mapping",
    }
)
_EXAMPLE_OBJECT_KEYS = frozenset({"value", "externalValue", "$ref"})
_MODE_KEYS = _DATA_KEYS | _NAME_MAPS | {"examples", "scopes"}
"""Keys under which an object's member is read other than as an object (besides `x-` extensions)."""

# Invisible characters with legitimate uses (word breaks, joiners in scripts and emoji, direction marks,
# soft hyphens, emoji presentation) are findings only where they hide something; see `_hides`.
# Control characters are junk in a spec (mojibake, random bytes in examples) more often than a trick,
# except the three that rewrite a terminal's display: ESC and CSI (escape sequences) and backspace.
_SOFT_INVISIBLES = (
    frozenset("\u00ad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")
    | frozenset(map(chr, range(0xFE00, 0xFE10)))
    | frozenset(map(chr, [*range(0x20), *range(0x7F, 0xA0)])) - frozenset("\x08\x1b\x9b")
)
_EMOJI_JOINERS = frozenset("\u200d\ufe0e\ufe0f")
_BLACK_FLAG = "\U0001f3f4"  # subdivision flags spell their region in tag characters after it
_TAG_BASE = 0xE0000
_ESCAPE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_SPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w")
_CODE_RE = re.compile(
    r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]+`|<(code|pre)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One stretch of text that a rule flags."""

    rule: Rule
    message: str
    """One line quoting a trimmed excerpt, with invisible and control characters escaped (safe to print)."""
    span: tuple[int, int]
    """Start and end offsets of the flagged stretch in the scanned text, like `re.Match.span()`."""

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def scan_text(text: str, *, prose: bool = True) -> list[Finding]:
    """Find the poisoning signs in one string.

    Args:
        text: the string, as the spec has it (HTML and markdown included).
        prose: True for text a model reads as prose (descriptions, summaries, titles); False for a data
            value (an example, a default, an enum member, a name), which is checked only for hidden
            content: invisible characters and hidden markup that carries instruction-like words.

    Returns:
        The findings, ordered by position.
    """
    findings: list[Finding] = []
    visible, offsets = text, None
    if INVISIBLE_RE.search(text) is not None:
        findings.extend(_invisible_findings(text))
        visible, offsets = _strip_invisible(text)
    if prose:
        findings.extend(_phrase_findings(text, visible, offsets))
    if "<" in text or "]:" in text:
        findings.extend(_markup_findings(text, prose=prose))
    findings.sort(key=lambda finding: (finding.span, finding.rule))
    return findings


def lint_document(document: dict[str, Any], *, uri: str) -> list[Diagnostic]:
    """Scan every string of a raw OpenAPI/Swagger document that a model could be shown.

    Prose (`description`, `summary`, `title` and OAuth scope descriptions, wherever they sit: info, tags,
    operations, parameters, bodies, responses, headers, schemas and their nested properties, external
    docs, servers) gets every rule. Examples, defaults, enum values, extension (`x-`) values and all other
    strings (names, formats, URLs) are data: only hidden-content rules. Keys are checked for invisible
    characters, since property and parameter names reach the model too. `$ref`s are not followed: each
    string is reported once, where it is written.

    GitHub's 13 MB spec lints in about 0.3 s with the cycle collector off, as the CLI runs (0.45 s with it
    on: the walk's short-lived tuples trigger collections that traverse the whole loaded document).

    Args:
        document: the parsed document (`LoadedDocument.data`).
        uri: the file name used in the diagnostics' locations.

    Returns:
        One warning per finding, in document order, located at the string (or, for a key, the member).
    """
    diagnostics: list[Diagnostic] = []
    for pointer, findings in _walk(document):
        location = Location(uri, _tokens(pointer))
        diagnostics.extend(Diagnostic(Severity.WARNING, location, str(finding)) for finding in findings)
    return diagnostics


# --- walking the document ----------------------------------------------------------------------------------

# A pointer is built as a linked list (parent, token) while walking, and turned into a tuple only for the
# few strings that have findings.
_Pointer = tuple[Any, str] | None


def _tokens(pointer: _Pointer) -> tuple[str, ...]:
    tokens: list[str] = []
    while pointer is not None:
        pointer, token = pointer
        tokens.append(token)
    return tuple(reversed(tokens))


class _Mode(enum.Enum):
    """How a container's members are read."""

    OBJECT = enum.auto()
    """Keywords: `description` is prose, `example` is data, `properties` holds names."""
    NAMES = enum.auto()
    """Names chosen by the author, each naming an object (schema, response, header …)."""
    SCOPES = enum.auto()
    """OAuth scope names, each naming its prose description."""
    EXAMPLES = enum.auto()
    """Names of Example Objects (or, in Swagger 2, media types naming example values)."""
    EXAMPLE = enum.auto()
    """An Example Object: prose `summary`/`description`, data `value`."""
    DATA = enum.auto()
    """Data: examples, defaults, enum values, extensions."""


def _walk(document: dict[str, Any]) -> Iterator[tuple[_Pointer, list[Finding]]]:
    """(pointer, findings) for each string value, and each key, that has findings; in document order.

    The hot loop of a 13 MB spec (150,000 strings, 180,000 containers): a string is scanned once however
    often it recurs, and a pointer is materialised only for a finding. The stack holds each open
    container's item iterator, so a nested container is finished before its parent goes on.
    """
    scanned: tuple[dict[str, list[Finding]], dict[str, list[Finding]]] = ({}, {})  # (data, prose)
    clean_keys: set[str] = set()
    visited = {id(document)}  # YAML aliases can share a subtree, or make a cycle
    data, scopes, obj, example = _Mode.DATA, _Mode.SCOPES, _Mode.OBJECT, _Mode.EXAMPLE
    stack: list[tuple[Iterator[tuple[Any, Any]], _Pointer, _Mode, bool]] = [(iter(document.items()), None, obj, False)]
    while stack:
        items, pointer, mode, is_list = stack[-1]
        if is_list:  # items are data, or objects when the list holds objects (parameters, tags, servers)
            items_mode = data if mode is data or mode is scopes else obj
            for index, value in items:
                if isinstance(value, str):
                    found = scanned[False].get(value)
                    if found is None:
                        found = scanned[False][value] = scan_text(value, prose=False)
                    if found:
                        yield (pointer, str(index)), found
                elif isinstance(value, (dict, list)) and id(value) not in visited:
                    visited.add(id(value))
                    stack.append(_open(value, (pointer, str(index)), items_mode))
                    break
            else:
                stack.pop()
            continue
        keywords = mode is obj or mode is example
        for key, value in items:
            token = key if isinstance(key, str) else str(key)
            if token not in clean_keys:
                if INVISIBLE_RE.search(token) is None:
                    clean_keys.add(token)
                else:
                    yield (pointer, token), scan_text(token, prose=False)
            if isinstance(value, str):
                prose = mode is scopes or (keywords and token in _PROSE_KEYS)
                found = scanned[prose].get(value)
                if found is None:
                    found = scanned[prose][value] = scan_text(value, prose=prose)
                if found:
                    yield (pointer, token), found
            elif isinstance(value, (dict, list)) and id(value) not in visited:
                visited.add(id(value))
                plain = mode is obj and token not in _MODE_KEYS and token[:2] != "x-"
                stack.append(_open(value, (pointer, token), obj if plain else _child_mode(mode, token, value)))
                break
        else:
            stack.pop()


def _open(node: Any, pointer: _Pointer, mode: _Mode) -> tuple[Iterator[tuple[Any, Any]], _Pointer, _Mode, bool]:
    """A stack entry for a container about to be walked."""
    if isinstance(node, list):
        return iter(enumerate(node)), pointer, mode, True
    return iter(node.items()), pointer, mode, False


def _child_mode(mode: _Mode, key: str, value: Any) -> _Mode:
    """How the container under member `key` of a container read in `mode` is read."""
    if mode is _Mode.DATA:
        return _Mode.DATA
    if mode is _Mode.NAMES or mode is _Mode.SCOPES:
        return _Mode.OBJECT  # the value under a name is an object, whatever the name
    if mode is _Mode.EXAMPLES:
        is_example_object = isinstance(value, dict) and not _EXAMPLE_OBJECT_KEYS.isdisjoint(value)
        return _Mode.EXAMPLE if is_example_object else _Mode.DATA  # Swagger 2: media types → values
    if key in _DATA_KEYS or key.startswith("x-") or (mode is _Mode.EXAMPLE and key == "value"):
        return _Mode.DATA
    if key == "examples":
        return _Mode.EXAMPLES if isinstance(value, dict) else _Mode.DATA
    if key == "scopes":
        return _Mode.SCOPES
    if key in _NAME_MAPS and isinstance(value, dict):
        return _Mode.NAMES
    return _Mode.OBJECT


# --- phrases ----------------------------------------------------------------------------------------------


def _phrase_findings(text: str, visible: str, offsets: list[int] | None) -> list[Finding]:
    """Phrase-rule findings in `visible` (the text without invisible characters), spans mapped to `text`."""
    folded = visible.casefold()
    words = GATE_WORDS.intersection(WORD_RE.findall(folded))
    findings: list[Finding] = []
    ends: dict[Rule, int] = {}  # a rule's entries can match the same words; keep the first match
    counts: dict[Rule, int] = {}
    for number in sorted({number for word in words for number in GATE_INDEX.get(word, ())}):
        phrases = PHRASES[number]
        if len(phrases.gate) > 1 and any(group.isdisjoint(words) for group in phrases.gate[1:]):
            continue
        if phrases.marks and not any(mark in folded for mark in phrases.marks):
            continue
        if counts.get(phrases.rule, 0) == MAX_FINDINGS:
            continue
        for match in phrases.pattern.finditer(visible):
            start, end = match.span()
            if offsets is not None:
                start, end = offsets[start], offsets[end - 1] + 1
            if start < ends.get(phrases.rule, -1):
                continue
            ends[phrases.rule] = end
            findings.append(Finding(phrases.rule, _quote(text, start, end), (start, end)))
            counts[phrases.rule] = counts.get(phrases.rule, 0) + 1
            if counts[phrases.rule] == MAX_FINDINGS:
                break
    return findings


# --- invisible characters ----------------------------------------------------------------------------------


def _strip_invisible(text: str) -> tuple[str, list[int]]:
    """The text without invisible characters, and for each kept character its offset in `text`."""
    offsets: list[int] = []
    kept: list[str] = []
    position = 0
    for match in INVISIBLE_RE.finditer(text):
        kept.append(text[position : match.start()])
        offsets.extend(range(position, match.start()))
        position = match.end()
    kept.append(text[position:])
    offsets.extend(range(position, len(text)))
    return "".join(kept), offsets


def _invisible_findings(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for match in INVISIBLE_RE.finditer(text):
        start, end = match.span()
        if _hides(text, start, end):
            findings.append(
                Finding(Rule.INVISIBLE_UNICODE, _describe_run(text, start, end, match.group()), (start, end))
            )
            if len(findings) == MAX_FINDINGS:
                break
    return findings


def _hides(text: str, start: int, end: int) -> bool:
    """Whether the invisible run text[start:end] hides something rather than doing its ordinary job."""
    run = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before == _BLACK_FLAG and run[-1] == "\U000e007f" and all(0xE0020 <= ord(c) <= 0xE007F for c in run):
        return False  # a subdivision flag such as England's
    if not all(char in _SOFT_INVISIBLES for char in run):
        return True  # tag characters, bidi overrides and isolates, fillers, control characters
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return True  # inside a word: "ig\u200bnore" defeats a reviewer's search and a keyword filter
    # A run that mixes kinds, or a long one, encodes something (zero-width steganography); a doubled
    # zero-width space is a copy-and-paste slip, and emoji put a presentation selector before a joiner.
    significant = [char for char in run if char not in _EMOJI_JOINERS]
    return len(set(significant)) >= 2 or len(run) >= 4


def _describe_run(text: str, start: int, end: int, run: str) -> str:
    spelled = "".join(chr(ord(c) - _TAG_BASE) for c in run if 0xE0020 <= ord(c) <= 0xE007E)
    if spelled:
        what = f"{_count(len(run), 'tag character')} spelling {_quote_plain(spelled)}"
    elif len(run) == 1:
        what = _char_name(run)
    else:
        names = list(dict.fromkeys(map(_char_name, run)))
        listed = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        what = f"{_count(len(run), 'invisible character')} ({listed})"
    shown = _escape(run[:_RUN_CHARS]) + ("…" if len(run) > _RUN_CHARS else "")
    head = max(0, start - _CONTEXT_CHARS)
    tail = min(len(text), end + _CONTEXT_CHARS)
    before, after = text[head:start], text[end:tail]
    if head > 0 and " " in before.strip():
        before = before[before.index(" ", len(before) - len(before.lstrip())) :]  # drop the cut word
    if tail < len(text) and " " in after.strip():
        after = after[: after.rindex(" ", 0, len(after.rstrip()))]
    lead = "… " if _WORD_RE.search(text, 0, start - len(before)) else ""
    trail = " …" if _WORD_RE.search(text, end + len(after)) else ""
    return f'{what} in "{lead}{_escape(_one_line(before).lstrip())}{shown}{_escape(_one_line(after).rstrip())}{trail}"'


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _char_name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


# --- hidden markup -----------------------------------------------------------------------------------------


def _markup_findings(text: str, *, prose: bool) -> Iterator[Finding]:
    code: list[tuple[int, int]] | None = None
    found = 0
    covered = 0  # markup inside a hidden element already read is part of that element
    for match in MARKUP_RE.finditer(text):
        start, end = match.span()
        if start < covered:
            continue
        if match.group("comment") is not None:
            kind, hidden = "HTML comment", match.group("comment")
            if prose:
                # In a code span or block the comment is printed, not hidden.
                if code is None:
                    code = [m.span() for m in _CODE_RE.finditer(text)]
                if any(low <= start < high for low, high in code):
                    continue
            if not _suspect(hidden):
                continue
        elif match.group("tag") is not None:
            kind = "hidden element"
            # Bounded, so that many unclosed elements do not make the scan quadratic.
            limit = min(len(text), end + _HIDDEN_CHARS)
            close = re.compile(rf"</{re.escape(match.group('tag'))}\s*>", re.IGNORECASE).search(text, end, limit)
            hidden = text[end : close.start()] if close else text[end:limit]
            end = close.end() if close else limit
            covered = end
            if not hidden.strip() or not (prose or _suspect(hidden)):
                continue
        else:
            kind, hidden = "markdown comment", match.group("mdcomment")[1:-1]
            if not prose or not hidden.strip():
                continue  # only rendered markdown hides it
        yield Finding(Rule.HIDDEN_MARKUP, f"{kind} {_quote(text, start, end)}", (start, end))
        found += 1
        if found == MAX_FINDINGS:
            return


def _suspect(hidden: str) -> bool:
    """Whether hidden text carries words an attack needs (most hidden comments are authoring notes)."""
    visible = INVISIBLE_RE.sub("", hidden)
    return HIDDEN_SUSPECT_RE.search(visible) is not None or bool(_phrase_findings(visible, visible, None))


# --- messages ----------------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return _SPACE_RE.sub(" ", text)


def _escape(text: str) -> str:
    """`text` with every character that draws nothing (or moves the cursor) written as a Python escape."""
    if INVISIBLE_RE.search(text) is None and text.isprintable():
        return text
    out: list[str] = []
    for char in text:
        code = ord(char)
        if INVISIBLE_RE.match(char) or unicodedata.category(char) in _ESCAPE_CATEGORIES:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def _quote(text: str, start: int, end: int) -> str:
    """text[start:end] quoted on one line, cut to EXCERPT_CHARS, with "…" where more words are left out."""
    piece = text[start:end]
    cut = len(piece) > EXCERPT_CHARS
    if cut:
        piece = piece[:EXCERPT_CHARS]
        space = piece.rfind(" ")
        if space > EXCERPT_CHARS - _WORD_CUT_CHARS and piece[-1].isalnum() and text[start + EXCERPT_CHARS].isalnum():
            piece = piece[:space]  # end on a whole word, unless that loses much (a long URL)
    piece = _one_line(piece).strip()
    lead = "… " if _WORD_RE.search(text, 0, start) else ""
    trail = " …" if cut or _WORD_RE.search(text, end) else ""
    return f'"{lead}{_escape(piece)}{trail}"'


def _quote_plain(text: str) -> str:
    piece = _one_line(text[:EXCERPT_CHARS]).strip()
    return f'"{_escape(piece)}{" …" if len(text) > EXCERPT_CHARS else ""}"'


def lint_tools(toolset: ToolSet, *, uri: str) -> list[Diagnostic]:
    """Findings in what a model is shown of each tool (its description, and its arguments' descriptions and
    titles), after cleanup, and in the server's instructions (which state the argument descriptions many tools
    share): what `inspect` reports. Each is located at the tool's operation (the instructions: the document)."""
    diagnostics = [
        Diagnostic(Severity.WARNING, Location(uri), f"instructions: {finding}")
        for finding in scan_text(toolset.instructions)
    ]
    seen: dict[str, list[Finding]] = {}  # shared definitions repeat the same texts in many tools
    for tool in toolset.tools:
        where = Location(uri, ("paths", tool.binding.path, tool.binding.method.lower()))
        texts = [("description", tool.description), *_schema_texts(tool.input_schema, "inputSchema")]
        for label, text in texts:
            findings = seen.get(text)
            if findings is None:
                findings = seen[text] = scan_text(text)
            diagnostics.extend(
                Diagnostic(Severity.WARNING, where, f"tool {tool.name}, {label}: {finding}") for finding in findings
            )
    return diagnostics


def _schema_texts(schema: Any, path: str) -> Iterator[tuple[str, str]]:
    """The arguments' own descriptions and titles (nested schemas are left to `lint_document`: walking every
    bundled inputSchema of a big API costs more than the check itself)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return
    for name, prop in properties.items():
        if isinstance(prop, dict):
            for key in ("description", "title"):
                value = prop.get(key)
                if isinstance(value, str):
                    yield f"{path}/properties/{name}/{key}", value
