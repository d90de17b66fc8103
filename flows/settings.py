"""Every wirehouse setting in one typed object, read in this one module.

Precedence, lowest first: the defaults below < wirehouse.toml < WIREHOUSE_* environment variables < CLI flags.
Other modules receive plain values from a Settings object; transforms and warehouse read no environment of
their own, so a setting has one name, one type and one default. The WIREHOUSE_* names are a contract with
users and scripts: a field's environment variable is WIREHOUSE_ plus its name in capitals.

Kept light at import (no Prefect, DuckDB or spaCy): commands that only query the lake load it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from acquisition.fetching.config import FetchConfig
from flows.settings_file import (  # noqa: F401 - the file layer's names are part of this module's interface
    DEFAULT_CONFIG,
    KNOWN_KEYS,
    TOML_SETTINGS,
    ConfigError,
    SourceConfig,
    config_layer,
    parse_config,
    parse_duration,
    read_config,
)
from warehouse.paths import DEFAULT_HOME, DEFAULT_WRITER_MEMORY, Home

#: Articles per extract/transform/load batch.
DEFAULT_BATCH_SIZE = 100
#: Languages the NLP stage understands; other articles are loaded with text and metadata only.
NLP_LANGUAGES = frozenset({"en"})
#: Compact automatically once the lake holds more data files than this.
DEFAULT_AUTO_COMPACT_FILES = 500


@dataclass(frozen=True)
class NlpOptions:
    """What the NLP stage needs to know, picklable so worker processes and Dask workers receive it."""

    model: str | None = None
    use_blis: bool = False
    reuse_parses: bool = True
    languages: frozenset[str] = NLP_LANGUAGES

    def reads(self, article: dict) -> bool:
        """Whether the NLP stage analyses this article (its language is one the pipeline reads)."""
        return article.get("language") in self.languages


class Settings(BaseSettings):
    """The one settings object; build it with load_settings, which applies every layer in order."""

    model_config = SettingsConfigDict(env_prefix="WIREHOUSE_", env_ignore_empty=True, extra="forbid", frozen=True)

    home: str = Field(DEFAULT_HOME, description="Warehouse home directory.")
    catalog: str | None = Field(
        None, repr=False, description="DuckLake catalog string of a shared lake (postgres:...); may hold a password."
    )
    data_path: str | None = Field(None, description="Where a shared lake keeps its Parquet files (s3://...).")
    writer_memory: str = Field(DEFAULT_WRITER_MEMORY, description="DuckDB memory cap of the writing connection.")
    auto_compact_files: int = Field(DEFAULT_AUTO_COMPACT_FILES, ge=1, description="Merge files past this many.")
    batch_size: int = Field(DEFAULT_BATCH_SIZE, ge=1, description="Articles per batch.")
    spacy_model: str | None = Field(None, description="spaCy pipeline name or path (None: the bundled model).")
    nlp_languages: Annotated[frozenset[str], NoDecode] = Field(NLP_LANGUAGES, description="Languages NLP reads.")
    use_blis: bool = Field(False, description="Keep thinc's BLIS kernels instead of numpy's BLAS.")
    reuse_parses: bool = Field(True, description="Parse a syndicated copy's text once per process.")
    allow_private: bool = Field(False, description="Allow fetching from private and loopback addresses.")
    fetch: FetchConfig = Field(default_factory=FetchConfig, description="Politeness and safety knobs of fetching.")
    sources: tuple[SourceConfig, ...] = Field((), description="Named sources and their schedules.")
    crash_at: str | None = Field(None, description="Test hook: point[:n[:delay_ms]] to kill the process at.")

    @field_validator("nlp_languages", mode="before")
    @classmethod
    def _split_languages(cls, value: Any) -> Any:
        """WIREHOUSE_NLP_LANGUAGES=en,de as well as a TOML list."""
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (the constructor's arguments) over the environment over wirehouse.toml; no .env files."""
        return init_settings, env_settings, _TomlSource(settings_cls)

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} in the configuration (known: {known})")

    def lake_home(self) -> Home:
        """The warehouse home with where its catalog and files live and the writer's memory cap."""
        return Home.resolve(self.home, catalog=self.catalog, data_url=self.data_path, writer_memory=self.writer_memory)

    def nlp(self) -> NlpOptions:
        return NlpOptions(self.spacy_model, self.use_blis, self.reuse_parses, self.nlp_languages)

    def fetch_options(self) -> dict | None:
        """The fetch knobs set away from their defaults, as flow parameters (JSON) carry them."""
        defaults = asdict(FetchConfig())
        changed = {k: v for k, v in asdict(self.fetch).items() if v != defaults[k] and k != "allow_private"}
        return changed or None


#: The parsed wirehouse.toml layer of the Settings being built (one per load_settings call).
_TOML_LAYER: ContextVar[Mapping[str, Any]] = ContextVar("wirehouse_toml_layer", default=MappingProxyType({}))


class _TomlSource(PydanticBaseSettingsSource):
    """wirehouse.toml as a settings layer, checked and flattened by parse_config."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return _TOML_LAYER.get().get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_TOML_LAYER.get())


def load_settings(config: str | Path | None = None, *, require_config: bool = False, **flags: Any) -> Settings:
    """Settings from the defaults, then wirehouse.toml, then WIREHOUSE_* variables, then flags (None: not given).

    config names the file; without it ./wirehouse.toml is read when it exists. require_config makes a
    missing file an error (serving schedules needs one).
    """
    layer = config_layer(config, require_config=require_config)
    token = _TOML_LAYER.set(layer)
    try:
        return Settings(**{name: value for name, value in flags.items() if value is not None})
    finally:
        _TOML_LAYER.reset(token)
