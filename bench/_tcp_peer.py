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

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

def server(workload, count=0):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4096)
    print(srv.getsockname()[1], flush=True)
    if workload == "connect":
        for _ in range(count):
            srv.accept()[0].close()
        srv.close()
        return
    if workload == "idle":
        # A thread per idle connection, each blocked in recv, is how a
        # blocking CPython server holds them.
        import threading
        before = rss()
        conns, threads = [], []
        for _ in range(count):
            c, _ = srv.accept()
            conns.append(c)
            t = threading.Thread(target=c.recv, args=(1024,))
            t.start()
            threads.append(t)
        time.sleep(0.2)
        print(json.dumps({"rss": rss() - before}), flush=True)
        for t in threads:
            t.join()
        for c in conns:
            c.close()
        srv.close()
        return
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
    if workload == "connect":
        def cycle():
            c = socket.create_connection(("127.0.0.1", port))
            while c.recv(1):
                pass
            c.close()
        for _ in range(amount // 5):
            cycle()
        start = time.perf_counter()
        for _ in range(amount):
            cycle()
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "count": amount}))
        return
    if workload == "idle":
        conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(amount)]
        sys.stdin.read()
        for c in conns:
            c.sendall(b"\x01")
        for c in conns:
            c.close()
        print(json.dumps({"done": True}))
        return
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
        server(workload, int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    else:
        client(workload, int(sys.argv[4]), int(sys.argv[5]))
