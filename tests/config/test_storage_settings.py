"""STORAGE_BACKEND picks where files go; anything else than the two known backends is refused."""

import environ
import pytest

from config.storage_settings import S3_BACKEND, file_storages


def test_the_default_is_local_folders(monkeypatch):
    monkeypatch.delenv("STORAGE_BACKEND", raising=False)

    storages = file_storages(environ.Env())

    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["BACKEND"] == "core.storage.PrivateFileSystemStorage"


def test_s3_needs_both_buckets_and_keeps_private_files_private(monkeypatch):
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "media")
    with pytest.raises(environ.ImproperlyConfigured):
        file_storages(environ.Env())  # no private bucket named
    monkeypatch.setenv("AWS_PRIVATE_BUCKET_NAME", "private")

    storages = file_storages(environ.Env())

    assert storages["default"]["BACKEND"] == S3_BACKEND
    assert storages["default"]["OPTIONS"]["querystring_auth"] is False
    private = storages["private"]["OPTIONS"]
    assert storages["private"]["BACKEND"] == S3_BACKEND
    assert (private["bucket_name"], private["default_acl"]) == ("private", "private")
    assert (private["querystring_auth"], private["querystring_expire"]) == (True, 300)


def test_an_unknown_backend_is_refused(monkeypatch):
    monkeypatch.setenv("STORAGE_BACKEND", "ftp")

    with pytest.raises(environ.ImproperlyConfigured, match="STORAGE_BACKEND"):
        file_storages(environ.Env())
