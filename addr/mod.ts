/**
 * Address conversion and byte order: `inet_aton`, `inet_ntoa`, `inet_pton`,
 * `inet_ntop`, `htons`, `htonl`, `ntohs`, `ntohl`. No I/O.
 *
 * @module
 */
export {};
