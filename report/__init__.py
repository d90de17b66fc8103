"""What people read: the self-contained HTML report and the run summary printed after every run.

The report reads a warehouse through its own SELECTs (sql/report/) on a read-only connection, never through
flows/, so any caller can render it; the renderer is a pure function of the data it is handed.
"""
