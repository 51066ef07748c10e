import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Messages in English for exact assertions; lazy ones are rendered when read."""
    with translation.override("en"):
        yield
