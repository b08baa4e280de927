"""Read the TCP sockets in LISTEN state from /proc/net (Linux), for the loopback-only tests."""

from __future__ import annotations

import ipaddress
from pathlib import Path


def listening_tcp() -> list[tuple[str, int, str]]:
    """Return ``(address, port, inode)`` of every listening TCP socket (IPv4 and IPv6; an
    IPv4-mapped IPv6 address is given as its IPv4 address)."""
    found = []
    for table in ("tcp", "tcp6"):
        path = Path("/proc/net", table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A":  # 0A: LISTEN
                continue
            address, port_hex = fields[1].split(":")
            raw = bytes.fromhex(address)  # 32-bit words in host (little-endian) order
            ip = ipaddress.ip_address(b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4)))
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
                ip = ip.ipv4_mapped
            found.append((str(ip), int(port_hex, 16), fields[9]))
    return found
