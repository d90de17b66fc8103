"""Where things live: the SQL directory shipped with the code and the files under a warehouse home."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_HOME = "./data"
#: DuckDB memory cap of a writing connection: the writer shares the machine with the NLP workers, and DuckDB
#: keeps what it once used (its default cap is 80 % of RAM), so without a cap the main process grows with the
#: warehouse. Bigger sorts and joins spill to the lake's temporary directory.
DEFAULT_WRITER_MEMORY = "512MB"


def sql_dir() -> Path:
    """The sql/ directory: beside the packages in a checkout, inside warehouse/ in a wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "sql", here / "sql"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("sql/ directory not found next to the warehouse package")


@dataclass(frozen=True)
class Home:
    """A warehouse home directory: the DuckLake catalog, its Parquet files and the writer lock.

    A lake shared between machines names its catalog database and its storage here too (from the settings):
    whoever holds a Home can open the lake without reading the environment.
    """

    root: Path
    #: DuckLake catalog string of a shared lake ("postgres:dbname=... host=..."); None: the SQLite file here.
    #: Kept out of repr: it may carry a password.
    shared_catalog: str | None = field(default=None, repr=False)
    #: Where a shared lake keeps its Parquet files ("s3://bucket/prefix/"); None: under this directory.
    data_url: str | None = None
    writer_memory: str = DEFAULT_WRITER_MEMORY

    @classmethod
    def resolve(
        cls,
        home: str | os.PathLike[str] | None = None,
        *,
        catalog: str | None = None,
        data_url: str | None = None,
        writer_memory: str = DEFAULT_WRITER_MEMORY,
    ) -> Home:
        root = Path(home or DEFAULT_HOME).expanduser().resolve()
        return cls(root, catalog or None, data_url or None, writer_memory)

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
