// Which operation a stream socket refuses in which phase, with which errno:
// Linux's answers, in one table (tests/socket/refusals_test.ts checks each
// row against CPython). A closed socket refuses everything with EBADF
// before this table is asked; datagram sockets answer in _datagram_ops.ts.

import * as C from "../_base/constants.ts";
import { errno, type ErrnoName, osError } from "./errors.ts";
import type { State } from "./_description.ts";

/** The operations the table answers for. */
export type Op =
  | "bind"
  | "listen"
  | "accept"
  | "connect"
  | "send"
  | "recv"
  | "shutdown"
  | "getpeername";

type Row = Readonly<Partial<Record<State, ErrnoName | "ok">>>;

const NOT_CONNECTED = ["new", "bound", "listening", "connecting"] as const;

function each(states: readonly State[], code: ErrnoName): Row {
  return Object.fromEntries(states.map((s) => [s, code]));
}

/** TCP (AF_INET, AF_INET6). */
const TCP: Readonly<Record<Op, Row>> = {
  bind: each(["bound", "listening", "connecting", "connected"], "EINVAL"),
  listen: each(["connecting", "connected"], "EINVAL"),
  accept: each(["new", "bound", "connecting", "connected"], "EINVAL"),
  connect: {
    listening: "EISCONN",
    connected: "EISCONN",
    connecting: "EALREADY",
  },
  send: each(NOT_CONNECTED, "EPIPE"),
  recv: each(NOT_CONNECTED, "ENOTCONN"),
  shutdown: each(["new", "bound", "connecting"], "ENOTCONN"),
  getpeername: each(NOT_CONNECTED, "ENOTCONN"),
};

/** AF_UNIX streams, where Linux answers otherwise. */
const UNIX: Readonly<Record<Op, Row>> = {
  ...TCP,
  connect: { ...TCP.connect, listening: "EINVAL" },
  send: each(NOT_CONNECTED, "ENOTCONN"),
  recv: each(NOT_CONNECTED, "EINVAL"),
  // An unconnected AF_UNIX socket takes any shutdown.
  shutdown: { new: "ok", bound: "ok", connecting: "ok" },
};

/**
 * What `op` gets in `state`: `null` to go ahead, `"ok"` to return at once
 * doing nothing (as Linux does), or throws the refusal's error.
 */
export function refusal(
  op: Op,
  unix: boolean,
  state: State,
): "ok" | null {
  const code = (unix ? UNIX : TCP)[op][state];
  if (code === undefined) return null;
  if (code === "ok") return "ok";
  throw osError(errno[code]);
}

/**
 * The receive flags Linux answers without receiving anything, given what
 * pysocket can hold: `MSG_ERRQUEUE` on an IP socket gives `EAGAIN` (its
 * error queue is always empty: no `IP_RECVERR`); `MSG_OOB` on a TCP
 * listener `ENOTCONN`, on any other stream `EINVAL` (no urgent data ever
 * reaches pysocket) and on a Unix datagram socket `EOPNOTSUPP`. UDP
 * ignores `MSG_OOB`, and AF_UNIX `MSG_ERRQUEUE`: `null`, receive as usual.
 */
export function recvFlagRefusal(
  family: number,
  type: number,
  state: State,
  flags: number,
): ErrnoName | null {
  if ((flags & C.MSG_ERRQUEUE) !== 0 && family !== C.AF_UNIX) return "EAGAIN";
  if ((flags & C.MSG_OOB) === 0) return null;
  if (type === C.SOCK_DGRAM) return family === C.AF_UNIX ? "EOPNOTSUPP" : null;
  if (family !== C.AF_UNIX && state === "listening") return "ENOTCONN";
  return "EINVAL";
}
