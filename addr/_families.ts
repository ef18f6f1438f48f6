// Address family numbers with Linux's values, private to addr/. They are
// kept here rather than imported from socket/constants.ts so that addr/
// depends on nothing but socket/errors.ts; the public constants live there.

/** `AF_UNIX` on Linux. */
export const AF_UNIX = 1;
/** `AF_INET` on Linux. */
export const AF_INET = 2;
/** `AF_INET6` on Linux. */
export const AF_INET6 = 10;
