"""The app's settings plus the benchmark's baseline endpoint (bench/urls.py); never deployed."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
