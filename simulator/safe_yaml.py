"""YAML loading that cannot be made to do unbounded work: PyYAML's safe loader, plus a bound on
aliases and on the size of the document once aliases are expanded, checked on the node graph
before any Python object is built. A recursive alias (an anchor used inside itself) is refused:
it would make a structure that contains itself."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_ALIASES = 100
MAX_NODES = 100_000  # scalars, lists and mappings after expanding aliases
MAX_DEPTH = 64  # nesting of lists and mappings (deeper would exhaust the parser's stack)


class YamlBombError(yaml.YAMLError):
    """The document is refused before it is built; the message says which bound it broke."""


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._open: set[str] = set()  # anchors whose node is still being composed
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlBombError(f"more than {MAX_ALIASES} aliases")
            if event.anchor in self._open:
                raise YamlBombError(f"recursive alias *{event.anchor} (used inside itself)")
            return super().compose_node(parent, index)
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._open.add(anchor)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise YamlBombError(f"nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if anchor is not None:
                self._open.discard(anchor)


def _expanded_size(node: Node, sizes: dict[int, int]) -> int:
    """Nodes in the document with every alias expanded (each shared node counted per use)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    total = 1
    if isinstance(node, SequenceNode):
        total += sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, MappingNode):
        total += sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    sizes[id(node)] = total
    if total > MAX_NODES:
        raise YamlBombError(f"more than {MAX_NODES:,} values once aliases are expanded")
    return total


def safe_load(text: str | bytes) -> Any:
    """Like yaml.safe_load, with the bounds above; raises yaml.YAMLError (YamlBombError)."""
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {})
        return loader.construct_document(node)
    finally:
        loader.dispose()
