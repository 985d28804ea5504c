"""Text as people paste it, read as paragraphs and lists (plain Python, no Django).

Consent texts and protocols arrive wrapped at a fixed width by whatever editor they came
from; shown line by line they break mid-sentence on a phone. A blank line ends a paragraph,
a line starting with a bullet ("•", "-", "*") starts a list item, and any other line break
inside a paragraph or an item is a space.
"""

from __future__ import annotations

from dataclasses import dataclass

BULLETS = ("• ", "- ", "* ", "– ")


@dataclass(frozen=True)
class Block:
    kind: str  # "p" (one paragraph in `lines[0]`) or "ul" (one item per entry)
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """The paragraphs and lists of `text`, in order."""
    out: list[Block] = []
    for chunk in text.replace("\r\n", "\n").replace("\r", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        items: list[str] = []
        paragraph: list[str] = []
        for line in lines:
            bullet = next((b for b in BULLETS if line.startswith(b.strip() + " ")), None)
            if bullet is not None:
                if paragraph:
                    out.append(Block("p", (" ".join(paragraph),)))
                    paragraph = []
                items.append(line[len(bullet.strip()) :].strip())
            elif items:
                items[-1] = f"{items[-1]} {line}"  # a wrapped item goes on
            else:
                paragraph.append(line)
        if paragraph:
            out.append(Block("p", (" ".join(paragraph),)))
        if items:
            out.append(Block("ul", tuple(items)))
    return out
