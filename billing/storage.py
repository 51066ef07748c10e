"""Where documents are kept (migrations name this callable: it stays here)."""

from core.storage import PrivateStorage


def private_documents():
    return PrivateStorage()
