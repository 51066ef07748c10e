"""Where files sent in the order chat are kept (migrations name this callable)."""

from core.storage import PrivateStorage


def private_message_files():
    return PrivateStorage()
