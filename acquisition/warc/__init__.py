"""Reading WARC files record by record: one damaged record or byte range costs only itself."""

from .pages import DEFAULT_MAX_RECORD_BYTES, WarcTally, iter_warc
from .remote import RemoteWarcFailed, open_warc

__all__ = ["DEFAULT_MAX_RECORD_BYTES", "RemoteWarcFailed", "WarcTally", "iter_warc", "open_warc"]
