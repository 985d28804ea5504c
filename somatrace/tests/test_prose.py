"""Pasted text read as paragraphs and lists, whatever width it was wrapped at."""

from __future__ import annotations

from somatrace.prose import Block, blocks


def test_a_wrapped_paragraph_is_one_paragraph() -> None:
    text = "Somatic bodywork uses light touch, usually through\nclothing, and conversation."
    assert blocks(text) == [
        Block(
            "p", ("Somatic bodywork uses light touch, usually through clothing, and conversation.",)
        )
    ]


def test_a_blank_line_starts_a_new_paragraph() -> None:
    assert [b.lines[0] for b in blocks("One.\n\nTwo\nlines.\n\n\n")] == ["One.", "Two lines."]


def test_bullets_become_a_list_and_wrapped_items_are_joined() -> None:
    text = "Before the list:\n• First item\n  goes on here.\n- Second item\n* Third"
    assert blocks(text) == [
        Block("p", ("Before the list:",)),
        Block("ul", ("First item goes on here.", "Second item", "Third")),
    ]


def test_windows_line_ends_and_empty_text() -> None:
    assert blocks("A\r\nB\r\n\r\nC") == [Block("p", ("A B",)), Block("p", ("C",))]
    assert blocks("") == [] and blocks("\n \n") == []


def test_a_dash_inside_a_sentence_is_not_a_bullet() -> None:
    assert blocks("Gentle work - at your pace") == [Block("p", ("Gentle work - at your pace",))]
