// Linux's poll(2) and epoll(7) event bits: what the readiness of a socket is
// reported in, inside the socket cores and by select/poll/epoll.

/** There is data to read (or a connection to accept, or the end). */
export const POLLIN = 0x001;
/** Urgent data. */
export const POLLPRI = 0x002;
/** Writing would not block. */
export const POLLOUT = 0x004;
/** A pending error. */
export const POLLERR = 0x008;
/** Hung up: both directions are shut. */
export const POLLHUP = 0x010;
/** Not an open descriptor. */
export const POLLNVAL = 0x020;
/** Normal data to read (as POLLIN). */
export const POLLRDNORM = 0x040;
/** Priority band data. */
export const POLLRDBAND = 0x080;
/** Writing normal data would not block (as POLLOUT). */
export const POLLWRNORM = 0x100;
/** Writing priority data would not block. */
export const POLLWRBAND = 0x200;
/** Linux's POLLMSG. */
export const POLLMSG = 0x400;
/** The peer shut its writing half. */
export const POLLRDHUP = 0x2000;
