"""The two photo stores the upload tests run against: the local folder and S3.

S3 is `moto` in server mode, a real HTTP endpoint on 127.0.0.1 started once per session
(no object store is reachable here, and boto3 talks to moto exactly as to MinIO or AWS);
each test gets a bucket of its own.
"""

import os
import uuid
from pathlib import Path

import pytest


@pytest.fixture(scope="session", name="s3_endpoint")
def s3_endpoint_fixture():
    from moto.server import ThreadedMotoServer

    saved = {name: os.environ.get(name) for name in
             ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106
                      AWS_DEFAULT_REGION="us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


class LocalFiles:
    def __init__(self, root: Path):
        self.root = root

    def keys(self, suffix: str = "") -> set[str]:
        if not self.root.exists():
            return set()
        return {path.relative_to(self.root).as_posix() for path in self.root.rglob(f"*{suffix}")
                if path.is_file()}


class BucketFiles:
    def __init__(self, client, bucket: str):
        self.client, self.bucket = client, bucket

    def keys(self, suffix: str = "") -> set[str]:
        listing = self.client.list_objects_v2(Bucket=self.bucket)
        return {item["Key"] for item in listing.get("Contents", [])
                if item["Key"].endswith(suffix)}


@pytest.fixture(params=["local", "s3"], name="stored")
def stored_fixture(request, app, tmp_path):
    """Uploads go to this store (the app's config is set for it); `.keys()` lists its files."""
    if request.param == "local":
        app.config["STORAGE"] = "local"
        app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
        return LocalFiles(tmp_path / "uploads")
    import boto3

    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"kim-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    app.config.update(STORAGE="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=endpoint,
                      S3_REGION="us-east-1")
    return BucketFiles(client, bucket)
