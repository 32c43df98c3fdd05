"""pipeline: scraped lesson pages in, clean translated Markdown lessons out, offline."""

__version__ = "0.1.0"
