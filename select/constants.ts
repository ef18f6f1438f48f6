// The select module's constants, with Linux's values (CPython's on Linux).

export {
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLMSG,
  POLLNVAL,
  POLLOUT,
  POLLPRI,
  POLLRDBAND,
  POLLRDHUP,
  POLLRDNORM,
  POLLWRBAND,
  POLLWRNORM,
} from "../_base/poll.ts";

/** epoll: there is data to read (as `POLLIN`). */
export const EPOLLIN = 0x001;
/** epoll: urgent data. */
export const EPOLLPRI = 0x002;
/** epoll: writing would not block. */
export const EPOLLOUT = 0x004;
/** epoll: an error is pending (always reported). */
export const EPOLLERR = 0x008;
/** epoll: hung up (always reported). */
export const EPOLLHUP = 0x010;
/** epoll: normal data to read. */
export const EPOLLRDNORM = 0x040;
/** epoll: priority band data to read. */
export const EPOLLRDBAND = 0x080;
/** epoll: writing normal data would not block. */
export const EPOLLWRNORM = 0x100;
/** epoll: writing priority data would not block. */
export const EPOLLWRBAND = 0x200;
/** epoll: Linux's EPOLLMSG (never reported). */
export const EPOLLMSG = 0x400;
/** epoll: the peer shut its writing half. */
export const EPOLLRDHUP = 0x2000;
/** epoll: wake one of several epoll objects watching the same socket. */
export const EPOLLEXCLUSIVE = 0x10000000;
/** epoll: report the socket once, then not until `modify` (Linux's flag). */
export const EPOLLONESHOT = 0x40000000;
/**
 * epoll: edge-triggered, reported when readiness changes rather than while
 * it lasts. `2 ** 31`, as in Python: `EPOLLIN | EPOLLET` is negative in
 * JavaScript, and masks are read as unsigned 32-bit numbers.
 */
export const EPOLLET = 0x80000000;
/** `epoll()` flag: close on exec (accepted; nothing is ever inherited). */
export const EPOLL_CLOEXEC = 0x80000;
/** Linux's PIPE_BUF, as the select module exports it. */
export const PIPE_BUF = 4096;
