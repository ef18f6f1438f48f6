# The CPython side of the line-protocol section (bench/line.ts).
#
#   python3 bench/_line_peer.py server
#   python3 bench/_line_peer.py client <recv|readline|bulk> <port> <amount>
#
# The server answers each request line with one 64-byte reply line, and
# "BULK <n>\n" with n bytes; a thread per connection, makefile("rb")
# readline() for the requests. It prints its port, serves until its stdin
# ends, then prints {} and exits.
#
# The client is CPython's own figure for the same workloads as
# bench/_line_peer.ts: `amount` round trips (recv: recv(4096) until the reply
# ends in a newline; readline: makefile("rb").readline()), or `amount`
# makefile("rb").read(16 MiB) after a BULK request. It prints
# {"us": [per round trip or read, in microseconds]}.
import json, os, socket, sys, threading, time

REQUEST = b"PING 0123456789abcdef\n"
REPLY = b"PONG " + b"x" * 58 + b"\n"
BULK = 16 * 1024 * 1024
BLOB = memoryview(bytes(range(256)) * (BULK // 256))

def handle(conn):
    with conn, conn.makefile("rb") as f:
        for line in f:
            if line.startswith(b"BULK "):
                conn.sendall(BLOB[:int(line[5:])])
            else:
                conn.sendall(REPLY)

def serve(srv):
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()

def server():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    print(srv.getsockname()[1], flush=True)
    threading.Thread(target=serve, args=(srv,), daemon=True).start()
    sys.stdin.buffer.read()
    print("{}", flush=True)
    os._exit(0)

def client(mode, port, amount):
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb")
    us = []
    now = time.perf_counter
    for _ in range(amount):
        t0 = now()
        if mode == "bulk":
            s.sendall(b"BULK %d\n" % BULK)
            data = f.read(BULK)
            assert len(data) == BULK
        elif mode == "readline":
            s.sendall(REQUEST)
            data = f.readline()
            assert data == REPLY
        else:
            s.sendall(REQUEST)
            data = s.recv(4096)
            while not data.endswith(b"\n"):
                more = s.recv(4096)
                assert more
                data += more
            assert data == REPLY
        us.append((now() - t0) * 1e6)
    f.close()
    s.close()
    print(json.dumps({"us": us}))

if sys.argv[1] == "server":
    server()
else:
    client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
