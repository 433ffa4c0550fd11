"""Descriptions and titles for tools: HTML and markdown reduced to plain sentences, hidden content removed,
what a tool returns and its documented errors added, all cut to a budget."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from http import HTTPStatus
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from converter.model import Response

__all__ = [
    "clean_text",
    "describe_argument",
    "describe_errors",
    "describe_operation",
    "describe_returns",
    "description_sentences",
    "error_notes",
    "html_to_text",
    "markdown_to_text",
    "plain_description",
    "plain_text",
    "restates",
    "tool_title",
    "truncate",
    "without_boilerplate",
]

ELLIPSIS = "…"

# Elements we strip. Names that double as common placeholders ("<object>", "<data>", "<time>", "<param>",
# "<title>", "<body>", "<input>", "<label>", "<value>" ...) are left out on purpose, so "List<Object>" or
# "Bearer <token>" survive as literal text.
_BLOCK_ELEMENTS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "nav",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
    }
)
_INLINE_ELEMENTS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "big",
        "cite",
        "col",
        "colgroup",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "tt",
        "u",
        "wbr",
    }
)
_LIST_ELEMENTS = frozenset({"ul", "ol"})
_CELL_ELEMENTS = frozenset({"td", "th"})
_HIDDEN_ELEMENTS = frozenset({"script", "style"})
_VOID_ELEMENTS = frozenset({"br", "col", "hr", "img", "wbr"})
# Markup a browser would not show, so neither should the model: a common way to hide instructions.
_HIDDEN_STYLE_RE = re.compile(
    r"display:none|visibility:hidden|font-size:0(?:\.0*)?(?![.0-9])|opacity:0(?:\.0*)?(?![.0-9])"
)
_PARAGRAPH_ELEMENTS = frozenset({"blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "p", "pre", "table"})
_SPECIAL_ELEMENTS = frozenset({"br", "code", "li"})
_KNOWN_ELEMENTS = (
    _BLOCK_ELEMENTS | _INLINE_ELEMENTS | _LIST_ELEMENTS | _CELL_ELEMENTS | _HIDDEN_ELEMENTS | _SPECIAL_ELEMENTS
)

_ELEMENT_NAMES = "|".join(sorted(_KNOWN_ELEMENTS, key=len, reverse=True))
# A "<" is markup only when it opens a comment, a doctype, or a complete tag of a known element
# (no "<" before its ">"); every other "<" is text and gets escaped before the parser sees it.
_LITERAL_LT_RE = re.compile(rf"<(?!!--|!doctype|/?(?:{_ELEMENT_NAMES})(?:\s[^<>]*)?/?>)", re.IGNORECASE)
# Only complete, semicolon-terminated references are entities: "?a=1&not=2" must not become "?a=1¬=2".
_LITERAL_AMP_RE = re.compile(r"&(?!(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);)")
_HTML_HINT_RE = re.compile(r"[<&]")

_INVISIBLE_RE = re.compile(
    "["
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but \t, \n), DEL, C1
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u061c"  # Arabic letter mark (a bidi control)
    "\u200b-\u200f"  # zero-width space/joiners, LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers: blank but not whitespace
    "\u17b4\u17b5"  # Khmer inherent vowels: draw nothing
    "\u180b-\u180f"  # Mongolian free variation selectors and vowel separator
    "\u2060-\u206f"  # word joiner, invisible operators, bidi isolates, deprecated format characters
    "\ufff9-\ufffb"  # interlinear annotation controls
    "\U0001d173-\U0001d17a"  # musical formatting controls
    "\ufe00-\ufe0f"  # variation selectors: can smuggle hidden bytes after any visible character
    "\ufeff"  # BOM / zero-width no-break space
    "\U000e0000-\U000e007f"  # Unicode tag characters
    "\U000e0100-\U000e01ef"  # variation selectors supplement
    "]"
)
_ASCII_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # what _INVISIBLE_RE finds in ASCII text
_LINE_BREAK_RE = re.compile("\r\n|[\r\u2028\u2029\x85]")
_EXTRA_BLANK_LINES_RE = re.compile(r"\n{3,}")
_WHITESPACE_RE = re.compile(r"\s+")
_SENTENCE_END = ".!?"
_FINAL_PUNCTUATION = ".!?…"
# Left dangling at a word cut these read as broken text: "see (…".
_DANGLING = " \t\n,;:(-\u2013\u2014"

_MIN_BODY_CHARS = 40
"""Below this much room the description is left out rather than cut to a stub."""
_RETURNS_CHARS = 120
_ERROR_CHARS = 100
_RETURNED_PROPERTIES = 5
_WORD_RE = re.compile(r"[a-z0-9]+")
# Words that say nothing about a response beyond its status: "Successful response", "Unexpected error".
_FILLER_WORDS = frozenset(
    "a about an any been code containing contains default describing detail details error errors failed failure"
    " for has http in info information is message occurred of ok operation request requested resource response"
    " result returned server status success successful successfully the unexpected was why with".split()
)
_NOTE_SENTENCES = 3
_CLAUSE_RE = re.compile(r"\b(?:was|were|is|are|has|have|been|returns?|returned)\b")
_SENTENCE_END_RE = re.compile(r"[.!?][.!?\"')\]]*(?:\s|$)")
_RESTATEMENT_SLACK = 40
_STOP_WORDS = frozenset(
    "a all an and any by for given has have in is it its of on or s specified that the this to which with".split()
)
# "Response if the repository is archived." → "if the repository is archived"
_RESPONSE_PREFIX_RE = re.compile(r"^(?:response|returned|error|thrown)\s+(?=(?:if|when)\b)", re.IGNORECASE)


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, turning block structure into line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._has_text = False
        self._pending_breaks = 0
        self._trim_next = False  # drop the indentation of the HTML source after a break or a bullet
        self._hidden_depth = 0
        self._hidden_open: list[str] = []  # open elements from one with a `hidden` attribute or style inward
        self._list_depth = 0
        self._pre_depth = 0
        self._code_depth = 0
        self._row_has_cell = False

    def text(self) -> str:
        self.close()
        if self._code_depth and not self._pre_depth:
            self.parts.append("`")  # an unclosed <code> still gets its closing backtick
        return "".join(self.parts)

    def _break(self, count: int) -> None:
        self._pending_breaks = max(self._pending_breaks, count)
        self._trim_next = True

    def _flush_breaks(self) -> None:
        if not self._pending_breaks:
            return
        if self._has_text:
            # Whitespace before a block boundary is HTML source layout, as are newlines.
            while self.parts and not self.parts[-1].strip():
                self.parts.pop()
            self.parts[-1] = self.parts[-1].rstrip()
            self.parts.append("\n" * self._pending_breaks)
        else:
            self.parts.clear()  # whitespace before the first block is HTML source layout, not text
        self._pending_breaks = 0

    def _markup(self, text: str, *, trim_after: bool) -> None:
        self._flush_breaks()
        self.parts.append(text)
        self._has_text = True
        self._trim_next = trim_after

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden_open or _is_hidden(attrs):
            if tag not in _VOID_ELEMENTS:
                self._hidden_open.append(tag)
            return
        if tag in _HIDDEN_ELEMENTS:
            self._hidden_depth += 1
        elif tag == "br":
            self._pending_breaks += 1
            self._trim_next = True
        elif tag in _LIST_ELEMENTS:
            self._break(1 if self._list_depth else 2)
            self._list_depth += 1
        elif tag == "li":
            self._break(1)
            self._markup("  " * max(self._list_depth - 1, 0) + "- ", trim_after=True)
        elif tag == "tr":
            self._break(1)
            self._row_has_cell = False
        elif tag in _CELL_ELEMENTS:
            if self._row_has_cell and self._has_text:
                while not self.parts[-1].strip():
                    self.parts.pop()
                self.parts[-1] = self.parts[-1].rstrip()
                self._markup(" | ", trim_after=True)
            self._row_has_cell = True
        elif tag == "code":
            if not self._code_depth and not self._pre_depth:
                self._markup("`", trim_after=False)
            self._code_depth += 1
        elif tag in _BLOCK_ELEMENTS:
            self._break(2 if tag in _PARAGRAPH_ELEMENTS else 1)
            if tag == "pre":
                self._pre_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._hidden_open:
            if tag in self._hidden_open:
                del self._hidden_open[len(self._hidden_open) - 1 - self._hidden_open[::-1].index(tag) :]
            return
        if tag in _HIDDEN_ELEMENTS:
            self._hidden_depth = max(self._hidden_depth - 1, 0)
        elif tag in _LIST_ELEMENTS:
            self._list_depth = max(self._list_depth - 1, 0)
            self._break(1 if self._list_depth else 2)
        elif tag == "li":
            self._break(1)
        elif tag in _CELL_ELEMENTS:
            self._trim_next = True
        elif tag == "code":
            if self._code_depth == 1 and not self._pre_depth:
                self.parts.append("`")
            self._code_depth = max(self._code_depth - 1, 0)
        elif tag in _BLOCK_ELEMENTS:
            self._break(2 if tag in _PARAGRAPH_ELEMENTS else 1)
            if tag == "pre":
                self._pre_depth = max(self._pre_depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self._hidden_depth or self._hidden_open:
            return
        data = data.replace("\xa0", " ")
        if self._trim_next:
            # Inside <pre> the indentation is content; only the newline right after the tag is layout.
            data = data.lstrip("\n") if self._pre_depth else data.lstrip(" \t\n")
            if not data:
                return
            self._trim_next = False
        self._flush_breaks()
        self.parts.append(data)
        self._has_text = self._has_text or not data.isspace()


def _is_hidden(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if name == "hidden":
            return True
        if name == "style" and value and _HIDDEN_STYLE_RE.search("".join(value.split()).lower()):
            return True
    return False


def html_to_text(text: str) -> str:
    """Reduce HTML to readable plain text, leaving markdown and non-HTML angle brackets alone.

    Block elements become line breaks, ``<li>`` becomes a ``- `` bullet (indented when nested), ``<a>``
    keeps its label, ``<code>`` becomes backticks, and ``<script>``, ``<style>``, comments and elements hidden
    by a ``hidden`` attribute or a ``display:none``, ``visibility:hidden`` or ``font-size:0`` style disappear
    with their content. Text between tags is kept verbatim, so markdown mixed with HTML survives.

    Args:
        text: A description that may contain HTML, markdown, or both.

    Returns:
        The text with known HTML elements removed and entities unescaped.
    """
    if not _HTML_HINT_RE.search(text):
        return text
    comment = text.rfind("<!--")
    if comment != -1 and text.find("-->", comment + 4) == -1:
        text += "-->"  # like a browser: an unclosed comment runs to the end, and its text stays hidden
    protected = _LITERAL_LT_RE.sub("&lt;", _LITERAL_AMP_RE.sub("&amp;", text))
    extractor = _TextExtractor()
    extractor.feed(protected)
    return extractor.text()


def clean_text(text: str) -> str:
    """Turn a description into clean plain text.

    Args:
        text: Raw description text, possibly HTML.

    Returns:
        The text after `html_to_text`, without invisible, bidirectional-control or control characters
        (tabs and newlines stay), with ``\\n`` line endings, no trailing spaces, at most one blank line in
        a row, and no surrounding whitespace.
    """
    text = html_to_text(text)
    # The checks in front of each pass skip most of the work on the common, plain-ASCII description.
    ascii_only = text.isascii()
    if "\r" in text or not ascii_only:
        text = _LINE_BREAK_RE.sub("\n", text)
    text = (_ASCII_CONTROL_RE if ascii_only else _INVISIBLE_RE).sub("", text)
    if " \n" in text or "\t\n" in text or not ascii_only:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    if "\n\n\n" in text:
        text = _EXTRA_BLANK_LINES_RE.sub("\n\n", text)
    return text.strip()


# --- markdown → plain sentences ------------------------------------------------------------------------------

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING_RE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_RULE_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT_RE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_TABLE_RULE_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_ITEM_RE = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,9}[.)])[ \t]+(.*)$")
_QUOTE_RE = re.compile(r"^[ \t]*>[ \t>]*")
_ALERT_RE = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*", re.IGNORECASE)
_LINK_DEFINITION_RE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$")
_MARKDOWN_HINT_RE = re.compile(r"[\n`*_#>|\[\]~\\<]")

_URL = r"[^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*"  # one level of parentheses, as in Wikipedia links
_IMAGE_RE = re.compile(rf"!\[[^\]]*\]\(\s*<?{_URL}>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK_RE = re.compile(rf"\[([^\]]*)\]\(\s*<?({_URL})>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_LINK_RE = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^\s<>]+)>")
_CODE_SPAN_RE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_SIMPLE_CODE_SPAN_RE = re.compile(r"()`([^`]+)`")  # the common case, and much faster
_CODE_MARK_RE = re.compile("\x00([0-9]+)\x00")
# Each pattern starts with its marker, so the scan for it is fast; the look-behind after the marker checks the
# character before it: "per_page" and "2*3*4" are not emphasis.
_EMPHASIS_RES = (
    ("**", re.compile(r"\*\*(?<![\w\\]\*\*)(?=\S)(.+?)(?<=[^\s\\])\*\*(?!\w)")),
    ("__", re.compile(r"__(?<![\w\\]__)(?=\S)(.+?)(?<=[^\s\\])__(?!\w)")),
    ("*", re.compile(r"\*(?<![\w*\\]\*)(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])")),
    ("_", re.compile(r"_(?<![\w\\]_)(?=[^\s_])(.+?)(?<=[^\s_\\])_(?!\w)")),
    ("~~", re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")),
)
_INLINE_HINT_RE = re.compile(r"[\[`*_~\\<]")
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SPACES_RE = re.compile(r"[ \t]+")
# A sentence, links kept whole (their URLs have dots): text up to a ".", "!" or "?" (and closing quotes or
# brackets) that is followed by a space or the end. Written as one greedy loop; a lazy `.+?` is 5x slower.
_SENTENCE_RE = re.compile(
    r"(?=.)(?:[^.!?\[]+|\[[^\]]*\]\([^)]*\)|\[|[.!?](?![.!?\"')\]]*(?:\s|$)))*(?:[.!?][.!?\"')\]]*)?\s*",
    re.DOTALL,
)
# "For more information, see [the docs](url)." says nothing once the URL is gone.
_POINTER_RE = re.compile(
    r"[\"(]?(?:for (?:more|further|additional|troubleshooting) (?:information|info|details)|to learn more"
    r"|learn more|read more|see|refer to)\b",
    re.IGNORECASE,
)
_POINTER_HINTS = ("more", "More", "see", "See", "efer")
_EXAMPLE_WORD_RE = re.compile(r"\bexamples?\b", re.IGNORECASE)
_EXAMPLE_INTRO_RE = re.compile(r"(?:^|(?<=[.!?]\s))[^.!?]*\bexamples?\b[^.!?]*:$", re.IGNORECASE)


def _inline_text(text: str) -> str:
    """Markdown inline markup → text: links keep their label, images go, emphasis and code markers go."""
    if not _INLINE_HINT_RE.search(text):
        return _SPACES_RE.sub(" ", text).strip() if "  " in text or "\t" in text else text.strip()
    if "](" in text and any(word in text for word in _POINTER_HINTS):
        text = "".join(s for s in _SENTENCE_RE.findall(text) if not ("](" in s and _POINTER_RE.match(s)))
    if "[" in text:
        text = _IMAGE_RE.sub("", text)
        text = _LINK_RE.sub(lambda m: m[1].strip() or m[2], text)
        text = _REFERENCE_LINK_RE.sub(r"\1", text)
    if "<" in text:
        text = _AUTOLINK_RE.sub(r"\1", text)
    codes: list[str] = []
    if "`" in text:

        def stash(match: re.Match[str]) -> str:
            code = match[2].strip() or match[2]
            # Without its backticks a lone "-" or "," would read as punctuation.
            codes.append(code if any(char.isalnum() for char in code) else f"`{code}`")
            return f"\x00{len(codes) - 1}\x00"

        text = (_CODE_SPAN_RE if "``" in text else _SIMPLE_CODE_SPAN_RE).sub(stash, text)
    for marker, pattern in _EMPHASIS_RES:
        if marker in text:
            text = pattern.sub(r"\1", text)
    if "\\" in text:
        text = _ESCAPE_RE.sub(r"\1", text)
    if codes:
        text = _CODE_MARK_RE.sub(lambda m: codes[int(m[1])], text)
    return _SPACES_RE.sub(" ", text).strip() if "  " in text or "\t" in text else text.strip()


def _as_sentence(text: str) -> str:
    return text if not text or text.endswith(tuple(_FINAL_PUNCTUATION + ":;")) else text + "."


def _join_items(items: list[str]) -> str:
    """List items as one paragraph: phrases joined by "; ", or sentences when any item has a sentence end."""
    texts = [text for text in map(_inline_text, items) if text]
    if any(text.endswith(tuple(_SENTENCE_END)) or any(f"{end} " in text for end in _SENTENCE_END) for text in texts):
        return " ".join(map(_as_sentence, texts))
    return _as_sentence("; ".join(text.rstrip(",;") for text in texts))


def _table_row(line: str) -> str:
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    cells = [cell for cell in cells if cell]
    return cells[0] + ": " + "; ".join(cells[1:]) if len(cells) > 1 else "".join(cells)


class _Blocks:
    """Paragraphs collected from markdown lines; a list (or a table) becomes one paragraph."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.lines: list[str] = []
        self.items: list[str] = []
        self.label = ""  # the heading over the next paragraph

    def end(self) -> None:
        if self.lines:
            self._push(_inline_text(" ".join(self.lines)), after_colon=False)
            self.lines = []
        if self.items:
            self._push(_join_items(self.items), after_colon=True)
            self.items = []

    def _push(self, text: str, *, after_colon: bool) -> None:
        if not text:
            return
        if self.label:
            # A heading labels the paragraph under it: "Pagination: All list APIs use cursors."
            joiner = " " if self.label.endswith(tuple(_FINAL_PUNCTUATION + ":")) else ": "
            text, self.label = f"{self.label}{joiner}{text}", ""
        elif after_colon and self.blocks and self.blocks[-1].endswith(":"):
            # "Can be one of:" followed by a list (or one command) reads as one paragraph.
            self.blocks[-1] = f"{self.blocks[-1]} {text}"
            return
        self.blocks.append(text)

    def heading(self, text: str) -> None:
        self.end()
        self._end_label()
        self.label = _inline_text(text)

    def _end_label(self) -> None:
        if self.label:
            self.blocks.append(_as_sentence(self.label))  # a heading with nothing under it
            self.label = ""

    def code(self, lines: list[str]) -> None:
        self.end()
        code = [line.strip() for line in lines if line.strip()]
        if len(code) == 1 and len(code[0]) <= 100:
            self._push(code[0], after_colon=True)  # one short command is worth keeping
        elif self.label:
            # The block is left out, so an "Example request body" heading over it labels nothing.
            self.label = "" if _EXAMPLE_WORD_RE.search(self.label) else self.label
        elif self.blocks:
            self.blocks[-1] = _EXAMPLE_INTRO_RE.sub("", self.blocks[-1]).rstrip()

    def text(self) -> str:
        self.end()
        self._end_label()
        return "\n\n".join(block for block in self.blocks if block)


def markdown_to_text(text: str) -> str:
    """Reduce markdown to plain paragraphs of sentences.

    Links keep their label (the URL only when there is no label), images and link definitions go, and so do
    sentences that only point at documentation ("For more information, see [...](...)"). A heading labels the
    paragraph under it ("Pagination: ..."), or is a sentence of its own. Emphasis and code markers go, code text
    stays. A fenced code block goes, unless it is one short line. Table rows become ``"cell: cell; cell"`` and,
    like list items, are joined into one paragraph: phrases with "; ", sentences as sentences. Quote markers go,
    GitHub alerts keep a "Warning: " (not a "Note: "), and wrapped lines are joined.

    Args:
        text: Markdown (or plain) text with ``\\n`` line endings.

    Returns:
        Paragraphs separated by one blank line, each on a single line.
    """
    if not _MARKDOWN_HINT_RE.search(text):
        return _SPACES_RE.sub(" ", text).strip()
    out = _Blocks()
    lines = text.replace("\x00", "").split("\n")
    index, quoted, label = 0, False, ""
    while index < len(lines):
        line = lines[index]
        index += 1
        stripped = line.strip()
        first = stripped[:1]
        if (first == ">") != quoted:
            out.end()  # a quote is a block of its own
            quoted = not quoted
        if first == ">":
            line = _QUOTE_RE.sub("", line)
            alert = _ALERT_RE.match(line)
            if alert:
                kind = alert[1].capitalize()
                label = "" if kind in ("Note", "Tip") else f"{kind}: "
                line = line[alert.end() :]
            stripped = line.strip()
            first = stripped[:1]
        if label and stripped:
            # Keep the weight of a warning unless its text brings its own label ("**Closing down notice:**").
            stripped = stripped if stripped.startswith(("**", "__")) else label + stripped
            label = ""
        # Each markdown construct starts with a telling character: test only the patterns that can match.
        if not stripped:
            out.end()
        elif first in "`~" and (fence := _FENCE_RE.match(line)):
            body = []
            while index < len(lines) and not lines[index].lstrip(" >").startswith(fence[1]):
                body.append(lines[index])
                index += 1
            index += 1
            out.code(body)
        elif "|" in stripped and index < len(lines) and "-" in lines[index] and _TABLE_RULE_RE.match(lines[index]):
            out.end()
            index += 1
            while index < len(lines) and "|" in lines[index]:
                out.items.append(_table_row(lines[index]))
                index += 1
            out.end()
        elif first == "#" and (heading := _HEADING_RE.match(line)):
            out.heading(heading[1] or "")
        elif first in "=-" and out.lines and _SETEXT_RE.match(line):
            title, out.lines = " ".join(out.lines), []
            out.heading(title)
        elif first in "-*_" and _RULE_RE.match(line):
            out.end()
        elif first == "[" and _LINK_DEFINITION_RE.match(line):
            continue
        elif (first in "-*+•" or first.isdigit()) and (item := _ITEM_RE.match(line)):
            if out.lines:
                out.end()
            out.items.append(item[1])
        elif out.items and (line[:1] in " \t" or not out.lines):
            out.items[-1] += " " + stripped  # the item continues
        else:
            out.lines.append(stripped)
    return out.text()


def plain_text(text: str) -> str:
    """Reduce a description (HTML, markdown or both) to plain paragraphs without hidden content.

    Args:
        text: Raw description text.

    Returns:
        `markdown_to_text` applied to `clean_text`.
    """
    return markdown_to_text(clean_text(text))


@functools.lru_cache(maxsize=2048)
def plain_description(text: str) -> str:
    """`plain_text` of an operation's description, cached: big APIs are read twice (once to find the paragraphs
    they repeat in many operations, once to describe each)."""
    return plain_text(text)


def truncate(text: str, *, limit: int) -> str:
    """Cut text to at most `limit` characters at a sentence end or word boundary, marking the cut with "…".

    A cut at a sentence end (``". "``, ``"! "``, ``"? "`` or a line break) is preferred when it keeps at
    least half the budget; otherwise the text is cut at the last word boundary. Only a single word longer
    than the whole budget is cut inside the word.

    Args:
        text: The text to shorten.
        limit: Maximum length of the result, ellipsis included.

    Returns:
        `text` unchanged if it fits, else a shortened text ending in ``"…"``.

    Raises:
        ValueError: If `limit` is less than 1.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if len(text) <= limit:
        return text
    budget = limit - 1
    window = text[: budget + 1]
    sentence = _last_sentence_end(window)
    if sentence >= limit / 2:
        kept = text[:sentence].rstrip()
        joiner = " " if kept.endswith(tuple(_SENTENCE_END)) and len(kept) + 2 <= limit else ""
        return f"{kept}{joiner}{ELLIPSIS}"
    space = max(window.rfind(" "), window.rfind("\t"), window.rfind("\n"))
    kept = text[:space].rstrip(_DANGLING) if space > 0 else ""
    if not kept:
        kept = text[:budget]  # one word longer than the budget: nothing better than a hard cut
    return f"{kept}{ELLIPSIS}"


def _last_sentence_end(window: str) -> int:
    """Length of the longest prefix of `window` that ends a sentence or a line, or -1."""
    best = window.rfind("\n")
    for index in range(len(window) - 2, best, -1):
        if window[index] in _SENTENCE_END and window[index + 1] in " \t\n":
            return index + 1
    return best


def _comparable(text: str) -> str:
    return _WHITESPACE_RE.sub(" ", text).casefold().strip().rstrip(_FINAL_PUNCTUATION + " ")


def _repeats(description: str, summary: str) -> bool:
    """Whether `description` starts with `summary`, ignoring case, whitespace and final punctuation."""
    prefix = _comparable(summary)
    if not prefix:
        return True
    # Only the start matters; with whitespace runs collapsed it is at most this long.
    body = _WHITESPACE_RE.sub(" ", description[: 2 * len(summary) + 10]).casefold().strip()
    return body.startswith(prefix) and not body[len(prefix) : len(prefix) + 1].isalnum()


def _lower_first(text: str) -> str:
    """ "Validation failed" → "validation failed"; "GitHub is down", "ID missing", "Copilot Business …" stay."""
    words = text.split(" ", 2)
    word = words[0]
    if not (word.isalpha() and word[:1].isupper() and (word[1:].islower() or word == "A")):
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text  # a name of two words
    return text[0].lower() + text[1:]


def _words(text: str) -> list[str]:
    return [word for word in _WORD_RE.findall(text.casefold()) if word not in _FILLER_WORDS]


def _says_nothing(description: str, status: str) -> bool:
    """Whether a response description only restates its status ("Not found", "OK", "Unexpected error")."""
    words = _words(description)
    if not words:
        return True
    phrase = _status_phrase(status)
    return bool(phrase) and words == _words(phrase)


@functools.lru_cache(maxsize=1024)
def _response_note(description: str, status: str, *, error: bool) -> str:
    """What a response description adds to its status, as a short phrase; ``""`` when nothing.

    The first sentence that says something, without a leading status name: "Bad Request - the ID is malformed."
    gives "the ID is malformed"; "Request successful. Returns pets." gives "returns pets".
    """
    # Cached: big APIs share a few error responses ("Resource not found") among hundreds of operations.
    if _says_nothing(description, status):
        return ""
    paragraph = plain_text(description).split("\n", 1)[0]
    phrase = _status_phrase(status)
    for match in itertools.islice(_SENTENCE_RE.finditer(paragraph), _NOTE_SENTENCES):
        sentence = match[0].strip().rstrip(".")
        rest = sentence[len(phrase) :]
        if phrase and sentence.casefold().startswith(phrase.casefold()) and not rest[:1].isalnum():
            sentence = rest.lstrip(" -:,;.\u2013\u2014")  # "Not Found: no such pet"
        if error:
            sentence = _RESPONSE_PREFIX_RE.sub("", sentence)
        if not _says_nothing(sentence, status):
            return _lower_first(truncate(sentence, limit=_ERROR_CHARS if error else _RETURNS_CHARS))
    return ""


def _status_phrase(status: str) -> str:
    try:
        return HTTPStatus(int(status)).phrase
    except ValueError:
        return ""


def _schema_phrase(schema: object, *, nested: bool = False) -> str:
    """What a response schema is, in a few words: `Pet`, `list of Pet`, `object with id, name`, `string`."""
    if not isinstance(schema, dict):
        return ""
    from converter.schemas import ref_name  # noqa: PLC0415  (schemas uses this module: no import cycle)

    name = ref_name(schema)
    if name is not None:
        return name
    title = schema.get("title")
    if isinstance(title, str) and title.strip():
        return truncate(plain_text(title), limit=60)
    for keyword in ("allOf", "oneOf", "anyOf"):
        parts = schema.get(keyword)
        if isinstance(parts, list) and parts:
            if len(parts) == 1:
                return _schema_phrase(parts[0], nested=nested)
            named = [name for name in map(ref_name, parts) if name is not None]
            if keyword == "allOf" and len(named) == 1:
                return named[0]  # `issue` with a few more properties is still an issue
            phrases = [_schema_phrase(part, nested=True) for part in parts]
            return " or ".join(phrases) if keyword != "allOf" and len(parts) <= 3 and all(phrases) else ""
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    if kind == "array":
        items = "" if nested else _schema_phrase(schema.get("items"), nested=True)
        return f"list of {items}" if items else "list"
    properties = schema.get("properties")
    if isinstance(properties, dict) and properties and not nested:
        names = list(properties)
        more = ", …" if len(names) > _RETURNED_PROPERTIES else ""
        return "object with " + ", ".join(names[:_RETURNED_PROPERTIES]) + more
    return kind if kind in ("string", "integer", "number", "boolean") else ""


def describe_returns(responses: Sequence[Response]) -> str:
    """``"Returns: a page of pets."``: what the success response's description or schema says is returned.

    The description is used when it names what comes back ("A page of pets"); the schema when the description
    only restates the status ("OK") or tells what happened ("The pet was registered": `Pet`). A success
    response without content gets no line: the model learns nothing from "The pet was removed".

    Args:
        responses: The operation's documented responses.

    Returns:
        One sentence, or ``""``.
    """
    successes = sorted((r for r in responses if r.status.startswith("2")), key=lambda r: r.status)
    if not successes:
        successes = [r for r in responses if r.status == "default"]  # the only answer there is
    if not successes or not successes[0].content:
        return ""
    response = successes[0]
    note = _response_note(response.description, response.status, error=False)
    media = next((m for m in response.content if m.schema), None)
    phrase = "" if media is None else _schema_phrase(media.schema)
    if note and not (phrase and _CLAUSE_RE.search(note)):
        phrase = note
    if not phrase and not _is_json(response.content[0].content_type):
        phrase = response.content[0].content_type
    return f"Returns: {_as_sentence(phrase)}" if phrase else ""


def _is_json(content_type: str) -> bool:
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence.endswith(("/json", "+json")) or essence == "*/*"


def describe_errors(responses: Sequence[Response], *, leave_out: frozenset[str] | None = None) -> str:
    """``"Errors: 404: no such pet; 422: validation failed."`` from the documented 4xx/5xx responses.

    A status whose description only restates it ("Not found") is listed bare, statuses that share a
    description are listed together, and `default` counts (as "other") only next to a success response and
    only when its description says something.

    Args:
        responses: The operation's documented responses.
        leave_out: For the short form a model is shown with each tool: only the errors whose description
            says something, and not one of these (the notes an API gives in many operations, see
            `converter.shared_text.SharedText`). A model learns a status when it gets one; what it can use
            beforehand is "409: if sha was provided and the head did not match".

    Returns:
        One sentence, or ``""`` when no error is documented.
    """
    has_success = any(r.status.startswith("2") for r in responses)
    by_text: dict[str, list[str]] = {}
    for response in sorted(responses, key=lambda r: r.status):
        status = response.status.upper()
        if not status.startswith(("4", "5", "DEFAULT")):
            continue
        text = _response_note(response.description, status, error=True)
        if status == "DEFAULT":
            if not has_success or not text:
                continue
            status = "other"
        if leave_out is not None and (not text or text in leave_out):
            continue
        by_text.setdefault(text, []).append(status)
    if not by_text:
        return ""
    # Bare statuses first, then the described ones, each group in status order.
    groups = sorted(by_text.items(), key=lambda item: item[0] != "")
    parts = [", ".join(statuses) + (f": {text}" if text else "") for text, statuses in groups]
    return "Errors: " + "; ".join(parts) + ("" if parts[-1].endswith(ELLIPSIS) else ".")


def _stems(text: str) -> set[str]:
    return {word[:-1] if len(word) > 3 and word.endswith("s") else word for word in _WORD_RE.findall(text.casefold())}


# Words that carry no meaning of their own in an argument's description: "Indicates whether …", "Specifies …".
_EMPTY_WORDS = frozenset("indicates indicating whether specifies specify specifying flag value set sets".split())


def restates(text: str, *, context: str) -> bool:
    """Whether `text` says nothing that `context` does not: every word of it (but stop words and empty words such
    as "indicates", "whether") is a word of `context`, plural or not.

    `restates("The name of the secret.", context="secret name")` is true; `restates("The page number of the
    results to fetch.", context="page")` is not.
    """
    # Much longer than its context, a text cannot be made of its words alone (and big specs have long texts).
    if len(text) > 2 * len(context) + 60:
        return False
    return _restates(text, context)


@functools.lru_cache(maxsize=4096)
def _restates(text: str, context: str) -> bool:
    context_stems = _stems(context)
    rest = _stems(text) - context_stems - _STOP_WORDS - _EMPTY_STEMS
    if rest and context_stems & _ID_NAMES:
        rest -= _ID_STEMS  # "artifact_id: The unique identifier of the artifact."
    return not rest


_EMPTY_STEMS = frozenset(_stems(" ".join(_EMPTY_WORDS)))
_ID_NAMES = frozenset({"id", "number"})
# What an argument named `…_id` or `…_number` is, said in other words: "The number that identifies the pull request".
_ID_STEMS = frozenset(_stems("unique identifier identifies identify identifying id number"))


def _drop_restatement(body: str, summary: str) -> str:
    """The body without its first sentence when that sentence has no word the summary lacks.

    "List forks." followed by "Lists the forks of a repository." keeps both; followed by "Lists all forks."
    the second goes.
    """
    end = _SENTENCE_END_RE.search(body)
    # Much longer than the summary, the sentence cannot be only the summary's words and a few stop words.
    if end is None or end.start() > len(summary) + _RESTATEMENT_SLACK or "\n" in body[: end.start()]:
        return body
    if _stems(body[: end.start()]) - _stems(summary) - _STOP_WORDS:
        return body
    return body[end.end() :].lstrip()


def describe_operation(
    *,
    summary: str,
    description: str,
    deprecated: bool,
    limit: int = 1000,
    responses: Sequence[Response] = (),
    boilerplate: frozenset[str] = frozenset(),
    body_chars: int | None = None,
    errors_left_out: frozenset[str] | None = None,
) -> str:
    """Build a tool description: the summary, the description trimmed to fit, what it returns, its errors.

    Args:
        summary: The operation's ``summary``.
        description: The operation's ``description``.
        deprecated: Whether the operation is deprecated; adds ``"Deprecated. "`` in front.
        limit: Maximum length of the result.
        responses: The operation's documented responses, for the ``Returns:`` and ``Errors:`` lines.
        boilerplate: Paragraphs and sentences (as `plain_description` gives them) left out: text the API
            repeats in many operations (see `converter.shared_text`).
        body_chars: The description's text past the summary is cut to this many characters (None: only to fit
            `limit`): the short form a model is shown with every tool, the rest read on demand.
        errors_left_out: For that short form: the `describe_errors` `leave_out` (None: every error).

    Returns:
        Paragraphs of plain text: the summary as a sentence (left out when the description starts with it),
        the description cut at a sentence end to fit `limit`, then `describe_returns` and `describe_errors`
        on lines of their own, which are kept whole while the description has room to give; ``""`` when
        there is nothing to say.
    """
    head = plain_text(summary).replace("\n\n", " ")
    body = plain_description(description)
    if boilerplate and body:
        body = without_boilerplate(body, boilerplate)
    if head and not head.endswith(tuple(_FINAL_PUNCTUATION)):
        head += "."
    if head and body and _repeats(body, head):
        head = ""
    elif head and body:
        body = _drop_restatement(body, head)
    if deprecated and not (head or body).casefold().startswith("deprecated"):
        head = f"Deprecated. {head}".rstrip()
    if body_chars is not None and len(body) > body_chars:
        body = truncate(body, limit=body_chars) if body_chars >= _MIN_BODY_CHARS else ""
    errors = describe_errors(responses, leave_out=errors_left_out)
    tail = "\n".join(line for line in (describe_returns(responses), errors) if line)
    room = limit - sum(len(part) + 2 for part in (head, tail) if part)
    if body and len(body) > room:
        body = truncate(body, limit=room) if room >= _MIN_BODY_CHARS else ""
    return truncate("\n\n".join(part for part in (head, body, tail) if part), limit=limit)


def description_sentences(text: str) -> list[str]:
    """The sentences of a paragraph of `plain_description` text, stripped."""
    return [sentence.strip() for sentence in _SENTENCE_RE.findall(text) if sentence.strip()]


def without_boilerplate(body: str, boilerplate: frozenset[str]) -> str:
    """`body` (plain text) without its paragraphs and sentences that are in `boilerplate`."""
    kept = []
    for paragraph in body.split("\n\n"):
        if paragraph in boilerplate:
            continue
        sentences = _SENTENCE_RE.findall(paragraph)
        text = paragraph
        if any(sentence.strip() in boilerplate for sentence in sentences):
            text = "".join(s for s in sentences if s.strip() not in boilerplate).strip()
        if text:
            kept.append(text)
    return "\n\n".join(kept)


def error_notes(responses: Sequence[Response]) -> set[str]:
    """What the descriptions of an operation's error responses say (`describe_errors` lists them)."""
    notes = set()
    for response in responses:
        if response.status[:1] in "45":
            note = _response_note(response.description, response.status.upper(), error=True)
            if note:
                notes.add(note)
    return notes


def describe_argument(description: str, *, limit: int = 300) -> str:
    """Clean an argument's description like an operation's and cut it at a sentence end to `limit`.

    Args:
        description: The parameter's or property's ``description``.
        limit: Maximum length of the result.

    Returns:
        Plain text, or ``""``.
    """
    return truncate(_plain_argument(description), limit=limit)


@functools.lru_cache(maxsize=4096)
def _plain_argument(description: str) -> str:
    # Shared parameters (per_page, page, owner, ...) repeat in hundreds of operations.
    return plain_text(description)


def tool_title(*, summary: str, limit: int = 100) -> str:
    """Build a one-line tool title from an operation's summary.

    Args:
        summary: The operation's ``summary``.
        limit: Maximum length of the result.

    Returns:
        The first line of the cleaned summary without trailing periods, truncated to `limit`.
    """
    first_line = plain_text(summary).split("\n", 1)[0]
    return truncate(first_line.rstrip(". \t"), limit=limit)
