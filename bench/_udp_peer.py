# One side of the loopback UDP benchmark with CPython's socket module; the
# protocol of bench/_udp_peer.ts.
#
#   python3 bench/_udp_peer.py server
#   python3 bench/_udp_peer.py client <port> <seconds> <window>
import json, socket, struct, sys, time
role = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("127.0.0.1", 0))
if role == "server":
    print(s.getsockname()[1], flush=True)
    n = 0
    while True:
        data, addr = s.recvfrom(65536)
        if data == b"STOP":
            break
        s.sendto(data, addr)
        n += 1
    print(n)
    sys.exit(0)
port, seconds, window = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
to = ("127.0.0.1", port)
msg = bytearray(1024)
sent = received = lost = 0
waiting = set()
s.settimeout(0.3)
start = time.monotonic()
end = start + seconds
while True:
    now = time.monotonic()
    while len(waiting) < window and now < end:
        struct.pack_into("!I", msg, 0, sent)
        waiting.add(sent)
        sent += 1
        s.sendto(msg, to)
    if not waiting:
        break
    try:
        data = s.recv(65536)
    except socket.timeout:
        lost += len(waiting)
        waiting.clear()
        continue
    seq = struct.unpack_from("!I", data)[0]
    if seq in waiting:
        waiting.discard(seq)
        received += 1
elapsed = time.monotonic() - start
s.sendto(b"STOP", to)
print(json.dumps(dict(sent=sent, received=received, lost=lost, seconds=elapsed)))
