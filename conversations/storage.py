"""Where files sent in the order chat are kept (migrations name this callable)."""

from core.storage import private_storage


def private_message_files():
    return private_storage
