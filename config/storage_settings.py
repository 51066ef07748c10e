"""Where uploaded and generated files live, chosen by `STORAGE_BACKEND`.

`filesystem` (the default): public media under MEDIA_ROOT, private files under
PRIVATE_MEDIA_ROOT, fine for one machine or a shared volume.

`s3`: two buckets of an S3-compatible store (AWS, MinIO, Yandex Object Storage...), so any
number of app instances and workers on any machines see the same files:
- media (`AWS_STORAGE_BUCKET_NAME`): the company logo and other public uploads, linked by
  plain URLs (`AWS_S3_CUSTOM_DOMAIN` for a CDN in front);
- private (`AWS_PRIVATE_BUCKET_NAME`): documents and chat files. The app still streams them
  through its permission-checked views; objects are written with the `private` ACL, and if
  a URL is ever asked for, it is signed and lives `AWS_PRIVATE_URL_SECONDS` (5 minutes).
Credentials come from the usual AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), read
by django-storages itself.
"""

import environ

S3_BACKEND = "storages.backends.s3.S3Storage"


def file_storages(env: environ.Env) -> dict:
    backend = env.str("STORAGE_BACKEND", default="filesystem")
    if backend == "filesystem":
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "core.storage.PrivateFileSystemStorage"},
        }
    if backend != "s3":
        raise environ.ImproperlyConfigured(
            f"STORAGE_BACKEND must be 'filesystem' or 's3', not {backend!r}."
        )
    common = {
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        # MinIO and most self-hosted stores want bucket-in-path addressing.
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    return {
        "default": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **common,
                "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
                "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
                "querystring_auth": False,
            },
        },
        "private": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **common,
                "bucket_name": env.str("AWS_PRIVATE_BUCKET_NAME"),
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": env.int("AWS_PRIVATE_URL_SECONDS", default=300),
            },
        },
    }
