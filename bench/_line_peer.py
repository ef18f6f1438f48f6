# The CPython side of the line-protocol section (bench/line.ts).
#
#   python3 bench/_line_peer.py server
#   python3 bench/_line_peer.py client <lines|bulk> <port> <amount>
#
# The server answers each request line with one 64-byte reply line, and
# "BULK <n>\n" with n bytes; a thread per connection, makefile("rb")
# readline() for the requests. It prints its port, serves until its stdin
# ends, then prints {} and exits.
#
# The client is CPython's own figure for the workloads of bench/_line_peer.ts,
# written the same way: lines, `amount` round trips read each way on one
# connection in alternating blocks (recv(4096) until the reply ends in a
# newline, or makefile("rb").readline()), printing
# {"recv": [µs each], "readline": [µs each]}; bulk, `amount` times
# makefile("rb").read(16 MiB) after a BULK request, printing {"us": [...]}.
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

BLOCK = 250

def recv_trip(s):
    s.sendall(REQUEST)
    data = s.recv(4096)
    while not data.endswith(b"\n"):
        more = s.recv(4096)
        assert more
        data += more
    return data

def client(mode, port, amount):
    now = time.perf_counter
    conn = socket.create_connection(("127.0.0.1", port))
    f = conn.makefile("rb")
    if mode == "bulk":
        us = []
        for _ in range(amount):
            t0 = now()
            conn.sendall(b"BULK %d\n" % BULK)
            data = f.read(BULK)
            us.append((now() - t0) * 1e6)
            assert len(data) == BULK
        print(json.dumps({"us": us}))
    else:
        other = conn  # recv and the file share the connection
        out = {"recv": [], "readline": []}
        for b, done in enumerate(range(0, amount, BLOCK)):
            n = min(BLOCK, amount - done)
            for which in (("readline", "recv") if b % 2 else ("recv", "readline")):
                us = out[which]
                for _ in range(n):
                    t0 = now()
                    if which == "recv":
                        data = recv_trip(other)
                    else:
                        conn.sendall(REQUEST)
                        data = f.readline()
                    us.append((now() - t0) * 1e6)
                    assert data == REPLY
        print(json.dumps(out))
    f.close()
    conn.close()

if sys.argv[1] == "server":
    server()
else:
    client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
