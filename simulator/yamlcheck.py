"""Checks of a YAML document before it is read: what PyYAML would accept silently (a duplicate
key, whose last value wins) or only with a traceback (an impossible date such as 2027-02-30),
reported as (field path, message) like every other scenario problem."""

from __future__ import annotations

import yaml

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_DEPTH = 64


def problems(raw: bytes | str) -> list[tuple[str, str]]:
    """Every duplicate key and impossible date of the document; raises yaml.YAMLError when it
    is no YAML at all."""
    node = yaml.compose(raw, Loader=yaml.SafeLoader)
    return _node_problems(node, "", 0) if node is not None else []


def _node_problems(node: yaml.Node, path: str, depth: int) -> list[tuple[str, str]]:
    if depth > MAX_DEPTH:
        return [(path, f"nested too deeply (at most {MAX_DEPTH} levels)")]
    found: list[tuple[str, str]] = []
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            where = f"{path}.{key}" if path else key
            line = key_node.start_mark.line + 1
            if key in first_line:
                found.append(
                    (where, f"duplicate key on line {line} (first on line {first_line[key]})")
                )
            first_line.setdefault(key, line)
            found += _node_problems(value_node, where, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _node_problems(item, f"{path}.{i}" if path else str(i), depth + 1)
    elif isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
        try:
            yaml.safe_load(node.value)
        except ValueError as exc:
            found.append((path, f"not a real date or time: {node.value} ({exc})"))
    return found
