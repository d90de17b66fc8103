"""Where things live: the SQL directory shipped with the code and the files under a warehouse home."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = "./data"


def sql_dir() -> Path:
    """The sql/ directory: beside the packages in a checkout, inside warehouse/ in a wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "sql", here / "sql"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("sql/ directory not found next to the warehouse package")


@dataclass(frozen=True)
class Home:
    """A warehouse home directory: the DuckLake catalog, its Parquet files and the writer lock."""

    root: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Home:
        return cls(Path(home or os.environ.get("WIREHOUSE_HOME") or DEFAULT_HOME).expanduser().resolve())

    @property
    def catalog(self) -> Path:
        return self.root / "catalog.sqlite"

    @property
    def data_path(self) -> Path:
        return self.root / "lake"

    @property
    def lock_file(self) -> Path:
        return self.root / "writer.lock"

    def exists(self) -> bool:
        return self.catalog.exists()
