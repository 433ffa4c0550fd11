"""Descriptions and titles for tools: HTML reduced to text, hidden characters removed, cut to a budget."""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["clean_text", "describe_operation", "html_to_text", "tool_title", "truncate"]

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
_HIDDEN_STYLE_RE = re.compile(r"display:none|visibility:hidden|font-size:0(?![.1-9])")
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
    "\u180e"  # Mongolian vowel separator
    "\u2060-\u2064"  # word joiner, invisible operators
    "\u2066-\u2069"  # bidi isolates
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
    body = _WHITESPACE_RE.sub(" ", description).casefold().strip()
    return body.startswith(prefix) and not body[len(prefix) : len(prefix) + 1].isalnum()


def describe_operation(*, summary: str, description: str, deprecated: bool, limit: int = 1000) -> str:
    """Build a tool description from an operation's summary and description.

    Args:
        summary: The operation's ``summary``.
        description: The operation's ``description``.
        deprecated: Whether the operation is deprecated; adds ``"Deprecated. "`` in front.
        limit: Maximum length of the result.

    Returns:
        The summary as a sentence, a blank line and the description (the summary is left out when the
        description already starts with it), truncated to `limit`; ``""`` when there is nothing to say.
    """
    summary = clean_text(summary)
    description = clean_text(description)
    if summary and not summary.endswith(tuple(_FINAL_PUNCTUATION)):
        summary += "."
    if summary and description and not _repeats(description, summary):
        text = f"{summary}\n\n{description}"
    else:
        text = description or summary
    if deprecated and not text.casefold().startswith("deprecated"):
        text = f"Deprecated. {text}".rstrip()
    return truncate(text, limit=limit)


def tool_title(*, summary: str, limit: int = 100) -> str:
    """Build a one-line tool title from an operation's summary.

    Args:
        summary: The operation's ``summary``.
        limit: Maximum length of the result.

    Returns:
        The first line of the cleaned summary without trailing periods, truncated to `limit`.
    """
    first_line = clean_text(summary).split("\n", 1)[0]
    return truncate(first_line.rstrip(". \t"), limit=limit)
