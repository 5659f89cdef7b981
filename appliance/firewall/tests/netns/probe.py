#!/usr/bin/env python3
"""Client side of the firewall namespace test. Only ever used inside the
test's own network namespaces, against their own addresses.

  probe.py tcp  [--src ADDR] HOST PORT...   one line per port: PORT STATE
      STATE: open | filtered (no answer: dropped) | refused (RST)
             | blocked (the local firewall refused to send: EPERM)
  probe.py udp  [--src ADDR] HOST PORT TOKEN   send one datagram
  probe.py vrrp [--src ADDR] HOST TOKEN        send one IP protocol 112 packet
  probe.py ping HOST COUNT                     burst of echo requests;
                                               prints the number of replies
"""
import argparse
import errno
import os
import select
import socket
import struct
import sys
import time

TIMEOUT = 0.5  # seconds; a veth answers in microseconds, a dropped SYN never


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def bound(sock, src):
    if src:
        sock.bind((src, 0))
    return sock


def tcp(args):
    pending = {}
    states = {}
    for port in args.ports:
        s = bound(socket.socket(family(args.host), socket.SOCK_STREAM), args.src)
        s.setblocking(False)
        rc = s.connect_ex((args.host, port))
        if rc in (0, errno.EINPROGRESS):
            pending[s] = port
        else:
            states[port] = "blocked" if rc == errno.EPERM else "refused" if rc == errno.ECONNREFUSED else f"error:{rc}"
            s.close()
    deadline = time.monotonic() + TIMEOUT
    while pending and time.monotonic() < deadline:
        _, writable, _ = select.select([], list(pending), [], max(0, deadline - time.monotonic()))
        for s in writable:
            rc = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            port = pending.pop(s)
            states[port] = {0: "open", errno.ECONNREFUSED: "refused", errno.EPERM: "blocked"}.get(rc, f"error:{rc}")
            s.close()
    for s, port in pending.items():
        states[port] = "filtered"
        s.close()
    for port in args.ports:
        print(port, states[port])


def udp(args):
    s = bound(socket.socket(family(args.host), socket.SOCK_DGRAM), args.src)
    try:
        s.sendto(args.token.encode(), (args.host, args.port))
    except PermissionError:
        pass  # dropped by the sender's own output chain: the receiver's log tells


def vrrp(args):
    s = bound(socket.socket(socket.AF_INET, socket.SOCK_RAW, 112), args.src)
    s.sendto(args.token.encode(), (args.host, 0))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def ping(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    for seq in range(args.count):
        header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        payload = b"medbox-fw-test"
        packet = struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, seq) + payload
        s.sendto(packet, (args.host, 0))
    replies = set()
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([s], [], [], max(0, deadline - time.monotonic()))
        if not ready:
            break
        data = s.recv(2048)
        offset = (data[0] & 0x0F) * 4
        kind, _, _, rid, seq = struct.unpack("!BBHHH", data[offset:offset + 8])
        if kind == 0 and rid == ident:
            replies.add(seq)
    print(len(replies))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("tcp")
    p.add_argument("--src")
    p.add_argument("host")
    p.add_argument("ports", type=int, nargs="+")
    p = sub.add_parser("udp")
    p.add_argument("--src")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("token")
    p = sub.add_parser("vrrp")
    p.add_argument("--src")
    p.add_argument("host")
    p.add_argument("token")
    p = sub.add_parser("ping")
    p.add_argument("host")
    p.add_argument("count", type=int)
    args = parser.parse_args()
    {"tcp": tcp, "udp": udp, "vrrp": vrrp, "ping": ping}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
