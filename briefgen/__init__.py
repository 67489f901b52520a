"""briefgen: news articles in, intelligence-style briefs out.

Pipeline: ingest -> extract -> facts (JSON) -> render (HTML, PDF) -> publish.
Keep this module light: ``briefgen --help`` imports it.
"""

__version__ = "0.1.0"
