# The CPython server of the select section (bench/select.ts): the selectors
# echo server as Python's documentation writes it, with sendall for send.
#
#   python3 bench/_select_peer.py
#
# It prints its port, serves until its stdin ends, then prints
# {"errors": n} and exits.
import json, os, selectors, socket, sys, threading

sel = selectors.DefaultSelector()
errors = 0

def accept(sock, mask):
    conn, addr = sock.accept()
    conn.setblocking(False)
    sel.register(conn, selectors.EVENT_READ, read)

def read(conn, mask):
    global errors
    try:
        data = conn.recv(1024)
        if data:
            conn.sendall(data)
            return
    except (ConnectionResetError, BrokenPipeError):
        pass
    except OSError as e:
        errors += 1
        print("select server:", e, file=sys.stderr)
    sel.unregister(conn)
    conn.close()

def watch_stdin():
    sys.stdin.buffer.read()
    print(json.dumps({"errors": errors}), flush=True)
    os._exit(0)

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1024)
srv.setblocking(False)
print(srv.getsockname()[1], flush=True)
sel.register(srv, selectors.EVENT_READ, accept)
threading.Thread(target=watch_stdin, daemon=True).start()
while True:
    for key, mask in sel.select():
        callback = key.data
        callback(key.fileobj, mask)
