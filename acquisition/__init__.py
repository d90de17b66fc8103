"""Getting pages: discovery (feeds, sitemaps, URL lists, HTML directories, WARC files) and polite HTTP fetching.

Plain functions and records, no Prefect: the flows in flows/ decide when and in what batches these run, so this
room can be used and tested without an orchestrator. It imports nothing from flows/ or report/.
"""
