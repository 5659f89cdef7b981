#!/usr/bin/env python3
"""Listener for the firewall namespace test.

Accepts TCP connections on the given ports (and closes them at once: a
completed handshake is all the test needs), and writes one line per UDP
datagram and per VRRP (IP protocol 112) packet received to the log, so the
test can tell which of its probes got through the firewall. Writes "ready"
once every socket is bound. Runs until killed.
"""
import argparse
import selectors
import socket
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--tcp", type=int, nargs="*", default=[])
    parser.add_argument("--udp", type=int, nargs="*", default=[])
    parser.add_argument("--vrrp", action="store_true")
    args = parser.parse_args()

    log = open(args.log, "a", buffering=1)
    sel = selectors.DefaultSelector()
    for port in args.tcp:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::", port))
        s.listen(64)
        sel.register(s, selectors.EVENT_READ, "tcp")
    for port in args.udp:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", port))
        sel.register(s, selectors.EVENT_READ, "udp")
    if args.vrrp:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
        sel.register(s, selectors.EVENT_READ, "vrrp")
    log.write("ready\n")

    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == "tcp":
                conn, _ = s.accept()
                conn.close()
            elif key.data == "udp":
                data, addr = s.recvfrom(2048)
                src = addr[0].removeprefix("::ffff:")
                log.write(f"udp {s.getsockname()[1]} {src} {data.decode(errors='replace')}\n")
            else:
                data, addr = s.recvfrom(2048)
                header = (data[0] & 0x0F) * 4  # raw IPv4 sockets include the IP header
                log.write(f"vrrp {addr[0]} {data[header:].decode(errors='replace')}\n")


if __name__ == "__main__":
    sys.exit(main())
