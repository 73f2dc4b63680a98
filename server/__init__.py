"""Sobes app node: the HTTP API, Socket.IO, auth and roles, storage."""

__version__ = "0.1.0"
