"""The tests' web server (``tools.lighthouse.serve``, under ``tests/browser.py``) stays quiet
when a browser drops a request, so that a passing test prints no traceback."""

from __future__ import annotations

import socket
import struct
import time
from urllib.parse import urlsplit

from tools.lighthouse import serve


def test_a_request_dropped_by_its_reader_prints_nothing(tmp_path, capfd):
    (tmp_path / "big.bin").write_bytes(b"\0" * (32 << 20))  # more than the sockets buffer
    with serve(tmp_path) as url:
        parts = urlsplit(url)
        for _ in range(3):
            client = socket.create_connection((parts.hostname, parts.port))
            client.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n")
            client.recv(1024)  # the answer has begun
            # Close with a reset, as a browser cancelling a request does.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        time.sleep(0.5)  # the server's threads meet the reset
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == "", captured.err
