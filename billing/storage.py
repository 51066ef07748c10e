"""Where documents are kept (migrations name this callable: it stays here)."""

from core.storage import private_storage


def private_documents():
    return private_storage
