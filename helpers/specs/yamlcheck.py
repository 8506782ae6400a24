"""Check YAML specs node by node, so every problem names its file and line.

The YAML node tree (``yaml.compose``) keeps line numbers that plain ``yaml.safe_load`` drops.
:class:`NodeChecker` reads typed values from it and collects :class:`Problem` records instead of
stopping at the first; the spec modules (``buildspec``, …) add their sections on top. Values are
read as written (``- 1`` is the string ``"1"``, ``yes`` stays ``"yes"`` unless asked for a
boolean), as the Code services read them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import yaml

BOOLEANS = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec: where, what, and how to fix it."""

    file: str
    line: int
    where: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{self.file} line {self.line}:{where} {self.message} — {self.fix}"


class SpecError(ValueError):
    """A spec the service would reject; ``problems`` lists everything found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


@dataclass
class Command:
    """One string of a list (a command, a file pattern), with its line in the file."""

    text: str
    line: int


class NodeChecker:
    """Typed reads from YAML nodes, collecting problems with their lines."""

    def __init__(self, filename: str) -> None:
        self.file = filename
        self.problems: list[Problem] = []

    def add(self, node: yaml.Node | None, where: str, message: str, fix: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.file, line, where, message, fix))

    # -- generic node helpers ------------------------------------------------------------------

    def mapping(self, node: yaml.Node, where: str, allowed: tuple[str, ...] | None
                ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.add(node, where, "expected a mapping of keys to values",
                     "indent the keys under it, `key: value`, one per line")
            return {}
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                self.add(key_node, where, f"key '{key}' appears twice",
                         "keep one of them; YAML would silently drop the first")
                continue
            if allowed is not None and key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"use one of {list(allowed)}"
                self.add(key_node, where, f"unknown key '{key}'", hint)
                continue
            out[key] = (key_node, value_node)
        return out

    def scalar(self, node: yaml.Node, where: str) -> str | None:
        if isinstance(node, yaml.ScalarNode):
            return "" if node.tag.endswith(":null") else str(node.value)
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "keys under it"
        self.add(node, where, f"expected a single value but found {kind}",
                 "quote the value, or check the indentation of the lines below")
        return None

    def boolean(self, node: yaml.Node, where: str) -> bool:
        value = self.scalar(node, where)
        if value is None:
            return False
        if value.lower() not in BOOLEANS:
            self.add(node, where, f"'{value}' is not yes/no", "write yes or no")
            return False
        return BOOLEANS[value.lower()]

    def strings(self, node: yaml.Node, where: str) -> list[Command]:
        """A list of strings; a single string is accepted as a list of one."""
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node, where)
            return [Command(value, node.start_mark.line + 1)] if value else []
        if not isinstance(node, yaml.SequenceNode):
            self.add(node, where, "expected a list", "write one `- item` per line")
            return []
        out = []
        for i, item in enumerate(node.value):
            if not isinstance(item, yaml.ScalarNode):
                self.add(item, f"{where}[{i}]",
                         "expected a string but found " + (
                             "subkeys (a ': ' inside the command?)"
                             if isinstance(item, yaml.MappingNode) else "a nested list"),
                         "quote the whole command, e.g. - 'echo \"a: b\"'")
                continue
            out.append(Command(str(item.value), item.start_mark.line + 1))
        return out

    def string_map(self, node: yaml.Node, where: str) -> dict[str, str]:
        out = {}
        for key, (_, value) in self.mapping(node, where, None).items():
            text = self.scalar(value, f"{where}.{key}")
            if text is not None:
                out[key] = text
        return out

