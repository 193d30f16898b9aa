"""The lab opened by the README's command asks for its token, on loopback only."""

from pathlib import Path

from .labserver import http_get


def test_the_lab_refuses_anyone_without_its_token(lab):
    # The one token check (Jupyter Server's own, as scripts/lab.sh sets it up):
    # no token or a wrong one is refused, the right one is served.
    wrong = {"Authorization": "token " + "0" * len(lab.token)}
    assert lab.api("/api/kernels", token=False)[0] == 403
    assert http_get(lab.url + "/api/kernels", wrong)[0] == 403
    assert lab.api("/api/kernels")[0] == 200
    status, headers, _ = http_get(lab.url + "/lab")
    assert status == 302 and "/login" in headers["Location"]


def _listening_addresses(port):
    """Local addresses of the sockets listening on ``port`` (Linux /proc)."""
    found = []
    for path in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        table = path.read_text().splitlines()[1:] if path.exists() else []
        for line in table:
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
