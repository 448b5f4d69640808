"""The detail pane under the table: the whole Persian, the MT draft and translation-memory
suggestions on the left; the English on the right, shown as text and swapped for an editor
while it is being edited.

The panes have a fixed size and redraw without a layout pass, so moving through the table
costs one frame, not a relayout of the screen per key.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import TextArea

from workbench.mt import Match
from workbench.store import Pair
from workbench.text import printable
from workbench.text.words import words
from workbench.tui.display import Mode, paragraph_rtl, truncate, wrap
from workbench.tui.labels import plural, status_label
from workbench.tui.qa_view import HIGHLIGHT, detail_sections, highlight_forms
from workbench.tui.widgets.diff import UNRELATED, diff_text, similarity, wrap_styled
from workbench.tui.widgets.persian_input import PersianInput


@dataclass(frozen=True)
class Section:
    title: str
    text: str = ""
    rtl: bool = False  # a Persian paragraph: right-aligned and reordered in visual mode
    style: str = ""
    one_line_title: bool = False  # cut with an ellipsis rather than wrapped (a header of facts)
    styled: Text | None = None  # text with its own colours (a diff), shown instead of ``text``
    highlights: tuple[str, ...] = ()  # words to mark in the text (glossary terms found), logical order
    changed: tuple[tuple[str, int], ...] = ()  # words to mark as differing, each with its occurrence
    # in the text (a memory match's Persian: Match.changed_at)
    memory: bool = False  # a translation-memory match (replaced when the matches arrive)


CHANGED = "bold underline red"  # words of a memory match's Persian that differ from this pair's
MEMORY = "Translation memory"  # the title of the first match's section (the others follow it)


class TextPane(Widget):
    """Titled blocks of text wrapped to the pane's width (bidi-aware), cropped to its height;
    the mouse wheel or ] and [ scroll what does not fit."""

    DEFAULT_CSS = """
    TextPane { height: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections: list[Section] = []
        self.mode: Mode = "visual"
        self.top = 0  # first line shown

    def show(self, sections: list[Section], mode: Mode, *, keep_place: bool = False) -> None:
        """Show ``sections`` from the top, or (``keep_place``: more of the same pair, such as
        memory suggestions arriving) where the editor has scrolled to."""
        self.sections, self.mode = sections, mode
        if not keep_place:
            self.top = 0
        self.refresh()

    def lines(self, width: int) -> list[tuple[str | Text, str]]:
        out: list[tuple[str | Text, str]] = []
        for section in self.sections:
            if out:
                out.append(("", ""))
            if section.title and section.one_line_title:
                out.append((truncate(" ".join(section.title.split()), width), "bold dim"))
            elif section.title:  # wrapped here too: a line Textual wraps would push the text out unseen
                out += [(line.rstrip(), "bold dim") for line in wrap(section.title, width, mode=self.mode)]
            if section.styled is not None:
                out += [(line, "") for line in wrap_styled(section.styled, width, mode=self.mode)]
            elif section.text:
                shown = wrap(section.text, width, mode=self.mode, rtl=section.rtl)
                out += [(line, section.style) for line in self._marked(shown, section)]
        return out

    def _marked(self, lines: list[str], section: Section) -> list[str | Text]:
        """A section's lines with its own marks: glossary terms found, and a match's differing
        words (whole words only: a short word must not light up inside others), only the
        occurrences that differ: of two "در" in a match, the second when only it was replaced.
        Marked per section, so a match's word is not marked in this pair's own Persian too."""
        if not (section.highlights or section.changed):
            return list(lines)
        wanted: dict[str, set[int]] = {}  # a word as drawn → which of its occurrences differ
        for word, occurrence in section.changed:
            for form in highlight_forms((word,), self.mode, section.rtl):
                wanted.setdefault(form, set()).add(occurrence)
        pattern = re.compile(r"(?<![\w\u200c])(?:" + "|".join(map(re.escape, sorted(wanted, key=len, reverse=True)))
                             + r")(?![\w\u200c])") if wanted else None
        right_to_left = self.mode == "visual" and section.rtl  # a line's first words are on its right
        seen: Counter[str] = Counter()
        out: list[str | Text] = []
        for line in lines:
            text = Text(line, style=section.style)
            if section.highlights:
                text.highlight_words(highlight_forms(section.highlights, self.mode, section.rtl), HIGHLIGHT)
            hits = list(pattern.finditer(line)) if pattern else []
            for hit in reversed(hits) if right_to_left else hits:
                if seen[hit.group()] in wanted[hit.group()]:
                    text.stylize(CHANGED, hit.start(), hit.end())
                seen[hit.group()] += 1
            out.append(text if text.spans else line)  # a line with no mark stays plain text
        return out

    def render(self) -> Text:
        width, height = self.content_size.width, self.content_size.height
        lines = self.lines(width)
        self.top = max(0, min(self.top, len(lines) - height))
        shown = lines[self.top:self.top + height]
        if height > 1 and self.top + height < len(lines):
            shown[-1] = (truncate("… more below (] scrolls, [ back)", width), "dim")
        text = Text(no_wrap=True, overflow="crop", end="")
        for n, (line, style) in enumerate(shown):
            if n:
                text.append("\n")
            if isinstance(line, Text):
                text.append_text(line)
            else:
                text.append(line, style=style)
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def scroll_lines(self, step: int) -> None:
        self.top = max(0, self.top + step)  # render() clamps it at the end
        self.refresh()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.scroll_lines(2)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.scroll_lines(-2)


class EnglishEditor(TextArea):
    """The English being edited; hidden until the editor presses enter."""

    DEFAULT_CSS = """
    EnglishEditor { height: 1fr; border: round $warning; display: none; }
    EnglishEditor.-editing { display: block; }
    """


class PersianEditor(PersianInput):
    """The Persian being edited (p); hidden until then. One paragraph, wrapped."""

    DEFAULT_CSS = """
    PersianEditor { height: 1fr; border: round $warning; display: none; padding: 0 1; }
    PersianEditor:focus { border: round $warning; }
    PersianEditor.-editing { display: block; }
    """


class PairDetail(Horizontal):
    DEFAULT_CSS = """
    PairDetail { height: 38%; min-height: 7; max-height: 16; border-top: solid $panel; }
    PairDetail > Vertical { width: 1fr; }
    PairDetail.-editing #english { display: none; }
    PairDetail.-editing-fa #source { display: none; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield TextPane(id="source")
            yield PersianEditor("", id="persian-editor", rtl=True, multiline=True, select_on_focus=False)
        with Vertical():
            yield TextPane(id="english")
            yield EnglishEditor("", id="editor", soft_wrap=True, show_line_numbers=False)

    show_diff = True  # the draft → English changes under the English (= toggles)
    # The memory matches last shown, with the Persian they were found for: drawing the pair
    # again (f2, a glossary term added) shows them again rather than dropping them.
    matches: tuple[int, str, list[Match]] | None = None

    def show(self, pair: Pair | None, mode: Mode, *, keep_place: bool = False) -> None:
        """Show a pair; ``keep_place``: the same pair drawn again (glossary loaded, QA found)
        stays scrolled where the editor is reading."""
        source, english = self.query_one("#source", TextPane), self.query_one("#english", TextPane)
        if pair is None:
            source.show([], mode)
            english.show([Section("", "No pair here.")], mode)
            return
        terms, extra = detail_sections(self.app, pair)  # glossary terms and QA findings
        sections = [Section(f"Persian · {plural(pair.n_fa, 'sentence')}", pair.fa, rtl=True, highlights=terms)]
        if pair.draft:
            origin = " · ".join(x for x in (pair.engine, pair.model) if x)
            sections.append(Section(f"MT draft ({origin}) — d takes it", pair.draft, style="italic"))
        else:
            sections.append(Section("No MT draft yet — t drafts this pair", ""))
        source.show(sections + extra, mode, keep_place=keep_place)
        if self.matches is not None and self.matches[:2] == (pair.id, pair.fa):
            self.show_suggestions(pair, self.matches[2], mode)
        english.show([Section(self.meta(pair), pair.en or "(no English yet — enter writes it, d takes the draft)",
                              one_line_title=True),
                      *self.diff_sections(pair), *self.note_sections(pair)], mode, keep_place=keep_place)

    def diff_sections(self, pair: Pair) -> list[Section]:
        """What the editor changed in the MT draft, word by word (when the English differs)."""
        if not (self.show_diff and pair.draft and pair.en.strip()) or pair.en == pair.draft:
            return []
        if similarity(pair.draft, pair.en) < UNRELATED:
            return [Section("Draft → English", "(not made from the draft: few words in common)", style="dim")]
        return [Section("Draft → English (red: removed, green: added; = hides)", styled=diff_text(pair.draft, pair.en))]

    @staticmethod
    def note_sections(pair: Pair) -> list[Section]:
        if not (pair.note or pair.flag):
            return []
        title = f"Note · ⚑ {pair.flag} — # edits" if pair.flag else "Note — # edits"
        rtl = paragraph_rtl(pair.note)  # slanted Persian letters read badly: italic for English only
        return [Section(title, pair.note, rtl=rtl, style="" if rtl else "italic")]

    def show_suggestions(self, pair: Pair, matches: list[Match], mode: Mode) -> None:
        """Each match: its percentage, where it is from, its Persian with the words that differ
        from this pair's marked (bidi display as any Persian), and its English."""
        self.matches = (pair.id, pair.fa, matches)
        source = self.query_one("#source", TextPane)
        kept = [s for s in source.sections if not s.memory]
        for n, match in enumerate(matches, 1):
            title = f"alt+{n} · {round(match.score)}% · {printable(match.doc)}"
            kept.append(Section(f"{MEMORY} — {title}" if n == 1 else title, match.fa, rtl=True, memory=True,
                                changed=tuple((w, k) for t, k in match.changed_at for w in words(t))))
            kept.append(Section("", match.en, memory=True))
        source.show(kept, mode, keep_place=True)

    @staticmethod
    def meta(pair: Pair) -> str:
        parts = [f"English · {status_label(pair.status)}", pair.shape, f"v{pair.version}"]
        if pair.confidence is not None:
            parts.append(f"align {pair.confidence:.2f}")
        if pair.updated_by:
            parts.append(f"by {pair.updated_by}")
        return " · ".join(parts)

    def scroll_text(self, step: int) -> None:
        """Scroll the Persian side and the English text together (long pairs do not fit)."""
        for pane in self.query(TextPane):
            pane.scroll_lines(step)

    @property
    def editor(self) -> EnglishEditor:
        return self.query_one(EnglishEditor)

    @property
    def english_text(self) -> str:
        """The English as shown (not being edited)."""
        sections = self.query_one("#english", TextPane).sections
        return sections[0].text if sections else ""

    def start_editing(self, text: str) -> EnglishEditor:
        editor = self.editor
        editor.load_text(text)
        self.add_class("-editing")
        editor.add_class("-editing")
        return editor

    @property
    def persian_editor(self) -> PersianEditor:
        return self.query_one(PersianEditor)

    def start_editing_persian(self, text: str) -> PersianEditor:
        editor = self.persian_editor
        editor.value = text
        editor.disabled = False
        self.add_class("-editing-fa")
        editor.add_class("-editing")
        return editor

    def stop_editing(self) -> None:
        self.remove_class("-editing", "-editing-fa")
        self.editor.remove_class("-editing")
        self.editor.read_only = False
        self.persian_editor.remove_class("-editing")
