"""What a cleanup did: deleted, failed, and what is still there afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    """The outcome of :func:`helpers.cleanup.run`.

    Attributes:
        deleted: ``(type name, id)`` of every resource deleted.
        failed: ``(type name, id, error)`` of every delete that raised.
        remaining: ``(type name, id)`` of what the verifying listing still found.
        unlisted: ``(type name, error)`` for types that could not be listed, so cannot be verified.
    """

    deleted: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    remaining: list[tuple[str, str]] = field(default_factory=list)
    unlisted: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the verifying listing found nothing left and every type could be listed."""
        return not self.remaining and not self.unlisted

    def lines(self) -> list[str]:
        """The report as lines of text, what is left first."""
        out = []
        if self.ok:
            out.append(f"clean: deleted {len(self.deleted)} resource(s); nothing is left")
        else:
            out.append("NOT CLEAN:")
            out += [f"  still there: {kind} {ident}" for kind, ident in self.remaining]
            out += [f"  could not list {kind}: {error}" for kind, error in self.unlisted]
        out += [f"  delete failed: {kind} {ident}: {error}" for kind, ident, error in self.failed]
        out += [f"  deleted: {kind} {ident}" for kind, ident in self.deleted]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- {line.strip()}" if line.startswith("  ") else f"**{line}**"
                         for line in self.lines())
