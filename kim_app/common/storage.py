"""Where uploaded files live: a local folder, or S3-compatible object storage.

`KIM_STORAGE=local` (the default) keeps files under `UPLOAD_DIR`, which is enough for one
app machine. With several app machines they must share the files, so `KIM_STORAGE=s3`
keeps them in a bucket of any S3-compatible store (MinIO, Ceph, the clouds' own):
`KIM_S3_BUCKET`, and `KIM_S3_ENDPOINT_URL` / `KIM_S3_REGION` where the store is not AWS;
credentials come the usual boto3 way (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, …).

Both give the same four operations on keys such as `ab/abcdef…-320.webp`: `put`, `get`
(the bytes, or None when there is no such file), `delete` (no error when it is gone) and
`exists`. Files are written once under random names and never changed, so the pages serve
them with a one-year cache whichever store holds them.
"""

from pathlib import Path, PurePosixPath

from flask import current_app


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root.joinpath(*PurePosixPath(key).parts)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class S3Storage:
    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str | None = None):
        import boto3

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type,
                               CacheControl="public, max-age=31536000, immutable")

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


def build(config) -> LocalStorage | S3Storage:
    kind = config.get("STORAGE", "local")
    if kind == "s3":
        return S3Storage(config["S3_BUCKET"], config.get("S3_ENDPOINT_URL"),
                         config.get("S3_REGION"))
    if kind == "local":
        return LocalStorage(config["UPLOAD_DIR"])
    raise ValueError(f"KIM_STORAGE must be 'local' or 's3', not {kind!r}")


def storage() -> LocalStorage | S3Storage:
    """The store of the current app, built on first use (and again when its settings
    change, as tests do)."""
    app = current_app
    built = app.extensions.get("kim_storage")
    wanted = (app.config.get("STORAGE", "local"), app.config.get("UPLOAD_DIR"),
              app.config.get("S3_BUCKET"), app.config.get("S3_ENDPOINT_URL"))
    if built is None or app.extensions.get("kim_storage_settings") != wanted:
        built = app.extensions["kim_storage"] = build(app.config)
        app.extensions["kim_storage_settings"] = wanted
    return built
