"""The lab opened by the README's command refuses anyone without its token."""

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .labserver import http_get

API_PATHS = [
    "/api/contents",
    "/api/contents/notebooks",
    "/api/kernels",
    "/api/sessions",
]


@pytest.mark.parametrize("path", API_PATHS)
def test_api_refuses_requests_without_the_token(lab, path):
    status, body = lab.api(path, token=False)
    assert status == 403, f"GET {path} without token answered {status}: {body[:200]}"


@pytest.mark.parametrize("path", API_PATHS)
def test_api_refuses_a_wrong_token(lab, path):
    headers = {"Authorization": "token " + "0" * len(lab.token)}
    status, _, body = http_get(lab.url + path, headers)
    assert status == 403, f"GET {path} with a wrong token answered {status}"


@pytest.mark.parametrize("path", API_PATHS)
def test_api_answers_with_the_token(lab, path):
    status, body = lab.api(path)
    assert status == 200, f"GET {path} with the token answered {status}: {body[:200]}"


def test_kernels_cannot_be_started_without_the_token(lab):
    before = lab.api("/api/kernels")[1]
    request = urllib.request.Request(
        lab.url + "/api/kernels", data=b"{}", method="POST"
    )
    try:
        status = urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as err:
        status = err.code
    assert status == 403
    assert lab.api("/api/kernels")[1] == before, "a kernel was started without token"


def test_lab_page_without_the_token_redirects_to_login(lab):
    status, headers, _ = http_get(lab.url + "/lab")
    assert status == 302
    assert "/login" in headers["Location"]


def test_lab_page_with_the_token_is_served(lab):
    status, _, body = http_get(f"{lab.url}/lab?token={lab.token}")
    assert status == 200
    assert b"JupyterLab" in body


def _listening_addresses(port):
    """Local addresses of the sockets listening on ``port`` (Linux /proc)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.append(address)
    return found


def test_lab_listens_on_loopback_only(lab):
    addresses = _listening_addresses(lab.port)
    assert addresses, f"nothing listens on port {lab.port} in /proc/net/tcp*"
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
    assert set(addresses) <= loopback, f"lab listens on {addresses}"
