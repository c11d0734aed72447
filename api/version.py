"""The service's version: stosim's."""

from simulator import __version__ as VERSION

__all__ = ["VERSION"]
