"""Event topics (an event's topic is the part of its name before the dot) and their parsing."""
from __future__ import annotations

from collections.abc import Iterable

from ..vocab import TOPICS


class UnknownTopics(ValueError):
    """Names that are not topics; the message lists the known ones."""

    def __init__(self, unknown: list[str]) -> None:
        super().__init__(f"unknown topic(s) {', '.join(unknown)}; known: {', '.join(TOPICS)}")
        self.unknown = unknown


def parse_topics(value: str | Iterable[str]) -> set[str]:
    """Topics from a comma-separated string or a list of names; UnknownTopics for others."""
    if isinstance(value, str):
        topics = {t.strip() for t in value.split(",") if t.strip()}
    else:
        topics = set(value)
    unknown = sorted(topics - set(TOPICS))
    if unknown:
        raise UnknownTopics(unknown)
    return topics

