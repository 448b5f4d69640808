"""How the schema's migrations (store/schema.py) are registered and applied."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

Step = Callable[["Database"], None]


class MigrationHistory:
    """The migrations in order, applied by sqlite-utils' ``Migrations`` (same decorator, same
    ``_sqlite_migrations`` table). sqlite-utils is imported only when one is pending: importing it
    loads numpy, 0.1 s of every command's start."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.steps: list[Step] = []

    def __call__(self) -> Callable[[Step], Step]:
        def register(step: Step) -> Step:
            self.steps.append(step)
            return step
        return register

    def names(self) -> list[str]:
        return [step.__name__ for step in self.steps]

    def apply(self, db: Database) -> None:
        from sqlite_utils.migrations import Migrations

        history = Migrations(self.name)
        for step in self.steps:
            history()(step)
        history.apply(db)
