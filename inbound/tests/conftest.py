"""A real IMAP server for the inbound tests: a private Dovecot per test session.

Installed by `scripts/system-deps.sh dovecot-imapd` (`make test` does it). One
config file in a temp dir (../shared/TOOLING.md, "IMAP"): loopback only, a free
port, mail stored as nobody when the tests run as root (Dovecot refuses root).
Each test starts with empty folders.
"""

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from notifications.tests.conftest import (  # noqa: F401 (the real SMTP server)
    run_worker,
    smtp_port,
    smtp_server,
    smtp_settings,
)

DOVECOT = "/usr/sbin/dovecot"
DESK = "help@school.ac.kr"
PASSWORD = "desk-pass"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
default_internal_user = {u}
default_internal_group = {g}
default_login_user = {u}
passdb {{
  driver = passwd-file
  args = {d}/passwd
}}
userdb {{
  driver = static
  args = uid={u} gid={g} home={d}/mail/%u
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dovecot:
    """One private Dovecot; stop() and start() keep its mail (same dir, port)."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.port = _free_port()
        if os.geteuid() == 0:
            self.user, self.group = "nobody", "nogroup"
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name
            self.group = grp.getgrgid(os.getegid()).gr_name
        self.dir.chmod(0o755)  # the mail processes run as self.user
        (self.dir / "mail").mkdir()
        shutil.chown(self.dir / "mail", self.user, self.group)
        (self.dir / "passwd").write_text(f"{DESK}:{{PLAIN}}{PASSWORD}\n")
        (self.dir / "dovecot.conf").write_text(
            CONFIG.format(d=self.dir, u=self.user, g=self.group, port=self.port)
        )

    def start(self) -> None:
        # stderr to a file: otherwise the daemon holds the caller's pipe open.
        with open(self.dir / "start.err", "wb") as err:
            subprocess.run(
                [DOVECOT, "-c", str(self.dir / "dovecot.conf")],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                check=True,
                timeout=30,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            time.sleep(0.05)
        raise RuntimeError((self.dir / "start.err").read_text())

    def stop(self) -> None:
        """Stop the server and drop its open connections, as a crash would."""
        pid_file = self.dir / "run" / "master.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().strip())
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        # The master leads its own process group; serving processes of open
        # connections outlive it until their client leaves.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        pid_file.unlink(missing_ok=True)

    # --- A test's view of the mailbox -------------------------------------------

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.login(DESK, PASSWORD)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            typ, _data = client.append(folder, None, None, raw)
            assert typ == "OK"
        finally:
            client.logout()

    def folder_count(self, folder: str) -> int:
        client = self.client()
        try:
            typ, data = client.select(f'"{folder}"', readonly=True)
            return int(data[0]) if typ == "OK" else 0
        finally:
            client.logout()

    def seen_count(self, folder: str) -> int:
        client = self.client()
        try:
            typ, _data = client.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return 0
            _typ, data = client.search(None, "SEEN")
            return len(data[0].split())
        finally:
            client.logout()

    def empty(self) -> None:
        client = self.client()
        try:
            _typ, folders = client.list()
            for line in folders or []:
                name = line.decode().rsplit(' "." ', 1)[-1].strip().strip('"')
                typ, data = client.select(f'"{name}"')
                if typ == "OK" and int(data[0]):
                    client.store("1:*", "+FLAGS", r"(\Deleted)")
                    client.expunge()
        finally:
            client.logout()


@pytest.fixture(scope="session")
def dovecot():
    if not os.access(DOVECOT, os.X_OK):
        pytest.fail(
            "Dovecot is not installed: run scripts/system-deps.sh dovecot-imapd"
        )
    directory = Path(tempfile.mkdtemp(prefix="sd-dovecot-"))
    server = Dovecot(directory)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot, settings, tmp_path):
    """The running Dovecot, emptied, with the INBOUND_* settings pointing at it."""
    if not (dovecot.dir / "run" / "master.pid").exists():
        dovecot.start()  # a test stopped it
    dovecot.empty()
    settings.INBOUND_IMAP_HOST = "127.0.0.1"
    settings.INBOUND_IMAP_PORT = dovecot.port
    settings.INBOUND_IMAP_SECURITY = "none"
    settings.INBOUND_IMAP_USER = DESK
    settings.INBOUND_IMAP_PASSWORD = PASSWORD
    settings.INBOUND_IMAP_TIMEOUT = 5
    settings.INBOUND_REPLY_ADDRESS = DESK
    settings.INBOUND_UNKNOWN_SENDERS = "reject"
    settings.INBOUND_ALLOWED_DOMAINS = []
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = tmp_path / "uploads"
    return dovecot
