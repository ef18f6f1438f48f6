# The HTTP/1.1 keep-alive server of bench/_http_peer.ts on CPython: a thread
# per connection, makefile("rb").readline() for the request line and headers,
# sendall of the response. Prints its port, serves until its stdin ends, then
# prints {"errors": n, "resets": m} and exits, as _http_peer.ts.
import json, os, socket, sys, threading

BODY = b"Hello, world!"

def response(keep_alive):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            b"Content-Length: %d\r\nConnection: %s\r\n\r\n%s"
            % (len(BODY), b"keep-alive" if keep_alive else b"close", BODY))

KEEP = response(True)
CLOSE = response(False)
MAX_LINE = 65537
errors = 0
resets = 0

def keep_alive_of(version, headers):
    keep = version == "HTTP/1.1"
    for h in headers:
        name, _, value = h.partition(":")
        if name.strip().lower() != "connection":
            continue
        value = value.strip().lower()
        if value == "close":
            keep = False
        elif value == "keep-alive":
            keep = True
    return keep

def handle(conn):
    global errors, resets
    try:
        with conn, conn.makefile("rb") as f:
            while True:
                line = f.readline(MAX_LINE)
                if not line:
                    return
                _, _, version = line.decode().split()
                headers = []
                while True:
                    h = f.readline(MAX_LINE)
                    if not h:
                        return
                    if h in (b"\r\n", b"\n"):
                        break
                    headers.append(h.decode())
                keep = keep_alive_of(version, headers)
                conn.sendall(KEEP if keep else CLOSE)
                if not keep:
                    return
    except ConnectionError:
        resets += 1
    except Exception as e:
        errors += 1
        if errors <= 3:
            print("http server:", repr(e), file=sys.stderr)

def serve(srv):
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()

def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    print(srv.getsockname()[1], flush=True)
    threading.Thread(target=serve, args=(srv,), daemon=True).start()
    sys.stdin.buffer.read()
    print(json.dumps({"errors": errors, "resets": resets}), flush=True)
    os._exit(0)

main()
