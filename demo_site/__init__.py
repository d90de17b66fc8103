"""Embedded demo news site: fictional outlets served over loopback HTTP for pipeline runs and tests."""

from .content import DemoArticle, load_articles
from .server import DemoSite, serve_forever

__all__ = ["DemoArticle", "DemoSite", "load_articles", "serve_forever"]
