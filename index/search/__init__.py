"""Searching the library: the live view of the index (``live_view``), the choice of report
(``report_choice``), and hybrid ranking (``hybrid``, over ``keyword`` BM25 and ``ranking`` helpers)."""
