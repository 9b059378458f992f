""" "Received by the backend" blocks: compared with what the backend computes."""

from __future__ import annotations

from typing import Any

from ..document import CodeBlock, Document
from .extract import Example, Names, Spot
from .report import Add, Sent


def caption(block: CodeBlock) -> str:
    return dict(block.options).get("caption", "").strip()


class ReceivedBlocks:
    """Each captioned block must follow a one-process example and show its one-line repr."""

    def __init__(self, names: Names, caption: str, distribution: str) -> None:
        self.names = names
        self.caption = caption
        self.distribution = distribution

    def check(
        self,
        doc: Document,
        examples: list[Example],
        sent: dict[int, tuple[Sent, dict[str, Any]]],
        add: Add,
    ) -> None:
        """``sent`` maps ``id(process)`` to what was sent and what the probe answered."""
        by_index = {example.index: example for example in examples}
        for index, block in enumerate(doc.code_blocks):
            if caption(block) == self.caption:
                self._block(doc, block, by_index.get(index - 1), sent, add)

    def _block(
        self,
        doc: Document,
        block: CodeBlock,
        example: Example | None,
        sent: dict[int, tuple[Sent, dict[str, Any]]],
        add: Add,
    ) -> None:
        where = Spot(block.line, block.column)
        if example is None or not example.processes:
            add(
                "PS107",
                where,
                f"a '{self.caption}' block must come right after a Python "
                f"block with a {self.names.setting} example",
            )
            return
        if len(example.processes) != 1:
            add(
                "PS107",
                where,
                f"the example before this '{self.caption}' block holds "
                f"{len(example.processes)} processes; show exactly one",
            )
            return
        found = sent.get(id(example.processes[0]))
        if found is None:
            return  # its BACKEND is not usable; reported where it is written
        queued, result = found
        if "class" not in result or "instantiate_error" in result or "received_error" in result:
            return  # reported at the example
        short = str(result["class"]).rsplit(".", 1)[-1]
        if not result.get("method"):
            add(
                "PS107",
                where,
                f"{short} reads {self.names.args_key} directly and receives "
                f"no arguments; describe its keys in a table instead of a '{self.caption}' "
                "block",
            )
            return
        if not queued.args_complete:
            add(
                "PS109",
                where,
                f"what {short} receives cannot be computed: "
                f"{self.names.args_key} holds values that are not literals",
            )
            return
        self._compare(doc, block, str(result["received"]), add)

    def _compare(self, doc: Document, block: CodeBlock, received: str, add: Add) -> None:
        shown = [(i, line) for i, line in enumerate(block.body.split("\n")) if line.strip()]
        if len(shown) != 1:
            add(
                "PS107",
                Spot(block.line, block.column),
                f"a '{self.caption}' block holds "
                f"exactly one line; {self.distribution} computes {received}",
            )
            return
        offset, line = shown[0]
        if line.strip() == received:
            return
        page_line = block.body_line + offset
        text = doc.lines[page_line - 1] if page_line <= len(doc.lines) else line
        column = len(text) - len(text.lstrip()) + 1
        add(
            "PS107",
            Spot(page_line, column),
            f"the page shows {line.strip()} but {self.distribution} computes {received}",
        )
