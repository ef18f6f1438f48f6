# One side of a loopback TCP benchmark with CPython's socket module; the same
# protocol as bench/_tcp_peer.ts.
import json, socket, sys, time

CHUNK = 64 * 1024
MSG = 64

def recv_exactly(s, buf):
    view = memoryview(buf)
    got = 0
    while got < len(buf):
        n = s.recv_into(view[got:])
        if n == 0:
            return False
        got += n
    return True

def server(workload):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    print(srv.getsockname()[1], flush=True)
    c, _ = srv.accept()
    srv.close()
    if workload == "bulk":
        buf = bytearray(CHUNK)
        while c.recv_into(buf) > 0:
            pass
        c.sendall(b"\x01")
    else:
        buf = bytearray(MSG)
        while recv_exactly(c, buf):
            c.sendall(buf)
    c.close()

def client(workload, port, amount):
    c = socket.create_connection(("127.0.0.1", port))
    if workload == "bulk":
        chunk = b"\x5a" * CHUNK
        start = time.perf_counter()
        sent = 0
        while sent < amount:
            c.sendall(chunk)
            sent += CHUNK
        c.shutdown(socket.SHUT_WR)
        recv_exactly(c, bytearray(1))
        print(json.dumps({"seconds": time.perf_counter() - start, "bytes": amount}))
    else:
        msg = b"\x33" * MSG
        back = bytearray(MSG)
        rtts = []
        for _ in range(amount):
            t0 = time.perf_counter()
            c.sendall(msg)
            recv_exactly(c, back)
            rtts.append((time.perf_counter() - t0) * 1e6)
        c.shutdown(socket.SHUT_WR)
        print(json.dumps({"rtts": rtts}))
    c.close()

if __name__ == "__main__":
    impl, role, workload = sys.argv[1:4]
    if role == "server":
        server(workload)
    else:
        client(workload, int(sys.argv[4]), int(sys.argv[5]))
