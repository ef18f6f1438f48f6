/**
 * The constants of Python's `socket` module: address families, socket types,
 * option levels and names, message flags, `getaddrinfo` flags and errors.
 *
 * Each is a plain number with the host's value, chosen when the module loads:
 * Linux's (equal to CPython's on Linux), macOS's or Windows'. A constant the
 * host lacks keeps its Linux value, or is `-1` where the Linux value would
 * alias another constant of the same level on that host.
 *
 * `AddressFamily` and `SocketKind` map names to values and back, to print
 * values as Python's `IntEnum`s do.
 *
 * @example Reading an address family and its name
 * ```ts
 * import { AddressFamily, AF_INET6, SOCK_STREAM } from "./constants.ts";
 *
 * const family = AF_INET6;
 * console.log(AddressFamily[family], SOCK_STREAM); // "AF_INET6" 1
 * ```
 *
 * @module
 */

import { hostOS } from "./host.ts";

/**
 * `[name, linux, darwin, win32]`. `null`: the platform has no such constant
 * and Linux's value stands in. `-1`: it has none either, and Linux's value
 * would alias another constant of the same level there.
 */
type Row = readonly [
  name: string,
  linux: number,
  darwin: number | null,
  win32: number | null,
];

const os: string = hostOS();

/** Which column of a `Row` holds this host's values. */
const column: 1 | 2 | 3 = os === "darwin"
  ? 2
  : os === "windows" || os === "win32"
  ? 3
  : 1;

/** The host's value: its own, else Linux's. */
function valueOf(row: Row): number {
  return row[column] ?? row[1];
}

/** Whether the host has the family or type (`null` or `-1`: it has not). */
function isPresent(row: Row): boolean {
  const value = row[column];
  return value !== null && value !== -1;
}

/** Each row's name and host value. */
function choose(rows: readonly Row[]): Readonly<Record<string, number>> {
  const values: Record<string, number> = {};
  for (const row of rows) values[row[0]] = valueOf(row);
  return values;
}

// Address families (the `family` argument of `socket()`).
const AF_ROWS: readonly Row[] = [
  ["AF_UNSPEC", 0, 0, 0],
  ["AF_UNIX", 1, 1, 1],
  ["AF_INET", 2, 2, 2],
  ["AF_AX25", 3, null, null],
  ["AF_IPX", 4, 23, 6],
  ["AF_APPLETALK", 5, 16, 16],
  ["AF_NETROM", 6, null, -1],
  ["AF_BRIDGE", 7, null, null],
  ["AF_ATMPVC", 8, null, null],
  ["AF_X25", 9, null, null],
  ["AF_INET6", 10, 30, 23],
  ["AF_ROSE", 11, -1, -1],
  ["AF_DECnet", 12, 12, 12],
  ["AF_NETBEUI", 13, null, null],
  ["AF_SECURITY", 14, null, null],
  ["AF_KEY", 15, null, null],
  ["AF_NETLINK", 16, -1, -1],
  // Linux: an alias of AF_NETLINK.
  ["AF_ROUTE", 16, 17, -1],
  ["AF_PACKET", 17, -1, null],
  ["AF_ASH", 18, null, null],
  ["AF_ECONET", 19, null, null],
  ["AF_ATMSVC", 20, null, null],
  ["AF_RDS", 21, null, null],
  ["AF_SNA", 22, 11, 11],
  ["AF_IRDA", 23, -1, 26],
  ["AF_PPPOX", 24, null, null],
  ["AF_WANPIPE", 25, null, null],
  ["AF_LLC", 26, null, -1],
  ["AF_CAN", 29, null, null],
  ["AF_TIPC", 30, -1, null],
  ["AF_ALG", 38, null, null],
  ["AF_VSOCK", 40, 40, null],
  ["AF_QIPCRTR", 42, null, null],
];
const af: Readonly<Record<string, number>> = choose(AF_ROWS);

/** Address family: unspecified (any family, for `getaddrinfo`). */
export const AF_UNSPEC: number = af.AF_UNSPEC;
/** Address family: local (Unix domain) sockets. */
export const AF_UNIX: number = af.AF_UNIX;
/** Address family: IPv4. */
export const AF_INET: number = af.AF_INET;
/** Address family: amateur radio AX.25. */
export const AF_AX25: number = af.AF_AX25;
/** Address family: Novell IPX. */
export const AF_IPX: number = af.AF_IPX;
/** Address family: AppleTalk DDP. */
export const AF_APPLETALK: number = af.AF_APPLETALK;
/** Address family: amateur radio NET/ROM. */
export const AF_NETROM: number = af.AF_NETROM;
/** Address family: multiprotocol bridge. */
export const AF_BRIDGE: number = af.AF_BRIDGE;
/** Address family: ATM permanent virtual circuits. */
export const AF_ATMPVC: number = af.AF_ATMPVC;
/** Address family: ITU-T X.25. */
export const AF_X25: number = af.AF_X25;
/** Address family: IPv6. */
export const AF_INET6: number = af.AF_INET6;
/** Address family: amateur radio X.25 PLP (ROSE). */
export const AF_ROSE: number = af.AF_ROSE;
/** Address family: DECnet (not part of `AddressFamily`, as in CPython, for its lower-case letters). */
export const AF_DECnet: number = af.AF_DECnet;
/** Address family: NetBEUI (IEEE 802.2 LLC). */
export const AF_NETBEUI: number = af.AF_NETBEUI;
/** Address family: security callback pseudo family. */
export const AF_SECURITY: number = af.AF_SECURITY;
/** Address family: PF_KEY key management. */
export const AF_KEY: number = af.AF_KEY;
/** Address family: Netlink (kernel user interface). */
export const AF_NETLINK: number = af.AF_NETLINK;
/** Address family: routing sockets (on Linux an alias of `AF_NETLINK`). */
export const AF_ROUTE: number = af.AF_ROUTE;
/** Address family: low-level packet interface. */
export const AF_PACKET: number = af.AF_PACKET;
/** Address family: Ash. */
export const AF_ASH: number = af.AF_ASH;
/** Address family: Acorn Econet. */
export const AF_ECONET: number = af.AF_ECONET;
/** Address family: ATM switched virtual circuits. */
export const AF_ATMSVC: number = af.AF_ATMSVC;
/** Address family: Reliable Datagram Sockets. */
export const AF_RDS: number = af.AF_RDS;
/** Address family: IBM SNA. */
export const AF_SNA: number = af.AF_SNA;
/** Address family: IrDA. */
export const AF_IRDA: number = af.AF_IRDA;
/** Address family: PPP over X (PPPoE, L2TP). */
export const AF_PPPOX: number = af.AF_PPPOX;
/** Address family: Wanpipe API sockets. */
export const AF_WANPIPE: number = af.AF_WANPIPE;
/** Address family: Linux LLC. */
export const AF_LLC: number = af.AF_LLC;
/** Address family: Controller Area Network. */
export const AF_CAN: number = af.AF_CAN;
/** Address family: TIPC cluster sockets. */
export const AF_TIPC: number = af.AF_TIPC;
/** Address family: kernel crypto API. */
export const AF_ALG: number = af.AF_ALG;
/** Address family: virtual machine sockets (VSOCK). */
export const AF_VSOCK: number = af.AF_VSOCK;
/** Address family: Qualcomm IPC router. */
export const AF_QIPCRTR: number = af.AF_QIPCRTR;

// Socket types (the `type` argument of `socket()`) and the flags that may be or-ed into it.
const SOCK_ROWS: readonly Row[] = [
  ["SOCK_STREAM", 1, 1, 1],
  ["SOCK_DGRAM", 2, 2, 2],
  ["SOCK_RAW", 3, 3, 3],
  ["SOCK_RDM", 4, 4, 4],
  ["SOCK_SEQPACKET", 5, 5, 5],
  ["SOCK_NONBLOCK", 0x800, null, null],
  ["SOCK_CLOEXEC", 0x80000, null, null],
];
const sock: Readonly<Record<string, number>> = choose(SOCK_ROWS);

/** Socket type: reliable, ordered byte stream (TCP). */
export const SOCK_STREAM: number = sock.SOCK_STREAM;
/** Socket type: datagrams (UDP). */
export const SOCK_DGRAM: number = sock.SOCK_DGRAM;
/** Socket type: raw protocol access. */
export const SOCK_RAW: number = sock.SOCK_RAW;
/** Socket type: reliably delivered messages. */
export const SOCK_RDM: number = sock.SOCK_RDM;
/** Socket type: ordered, reliable datagrams with boundaries. */
export const SOCK_SEQPACKET: number = sock.SOCK_SEQPACKET;
/** Socket type flag: create the socket in non-blocking mode. */
export const SOCK_NONBLOCK: number = sock.SOCK_NONBLOCK;
/** Socket type flag: close the descriptor on exec. */
export const SOCK_CLOEXEC: number = sock.SOCK_CLOEXEC;

// Option levels (the `level` argument of `setsockopt`/`getsockopt`).
const SOL_ROWS: readonly Row[] = [
  ["SOL_SOCKET", 1, 0xffff, 0xffff],
  // CPython supplies SOL_IP, SOL_TCP and SOL_UDP where the headers lack them.
  ["SOL_IP", 0, 0, 0],
  ["SOL_TCP", 6, 6, 6],
  ["SOL_UDP", 17, 17, 17],
  ["SOL_ALG", 279, null, null],
  ["SOL_CAN_BASE", 100, null, null],
  ["SOL_CAN_RAW", 101, null, null],
  ["SOL_RDS", 276, null, null],
  ["SOL_TIPC", 271, null, null],
];
const sol: Readonly<Record<string, number>> = choose(SOL_ROWS);

/** Option level: the socket itself (`SO_*` options). */
export const SOL_SOCKET: number = sol.SOL_SOCKET;
/** Option level: IPv4 (`IP_*` options). */
export const SOL_IP: number = sol.SOL_IP;
/** Option level: TCP (`TCP_*` options). */
export const SOL_TCP: number = sol.SOL_TCP;
/** Option level: UDP. */
export const SOL_UDP: number = sol.SOL_UDP;
/** Option level: kernel crypto API sockets. */
export const SOL_ALG: number = sol.SOL_ALG;
/** Option level: base of the CAN protocol levels. */
export const SOL_CAN_BASE: number = sol.SOL_CAN_BASE;
/** Option level: raw CAN sockets. */
export const SOL_CAN_RAW: number = sol.SOL_CAN_RAW;
/** Option level: RDS sockets. */
export const SOL_RDS: number = sol.SOL_RDS;
/** Option level: TIPC sockets. */
export const SOL_TIPC: number = sol.SOL_TIPC;

// Socket-level options (level `SOL_SOCKET`).
const SO_ROWS: readonly Row[] = [
  ["SO_DEBUG", 1, 0x1, 0x1],
  ["SO_REUSEADDR", 2, 0x4, 0x4],
  ["SO_TYPE", 3, 0x1008, 0x1008],
  ["SO_ERROR", 4, 0x1007, 0x1007],
  ["SO_DONTROUTE", 5, 0x10, 0x10],
  ["SO_BROADCAST", 6, 0x20, 0x20],
  ["SO_SNDBUF", 7, 0x1001, 0x1001],
  ["SO_RCVBUF", 8, 0x1002, 0x1002],
  ["SO_KEEPALIVE", 9, 0x8, 0x8],
  ["SO_OOBINLINE", 10, 0x100, 0x100],
  ["SO_PRIORITY", 12, null, null],
  // macOS: 0x1080, the variant counting seconds.
  ["SO_LINGER", 13, 0x1080, 0x80],
  ["SO_REUSEPORT", 15, 0x200, null],
  ["SO_PASSCRED", 16, -1, -1],
  ["SO_PEERCRED", 17, null, null],
  ["SO_RCVLOWAT", 18, 0x1004, 0x1004],
  ["SO_SNDLOWAT", 19, 0x1003, 0x1003],
  ["SO_RCVTIMEO", 20, 0x1006, 0x1006],
  ["SO_SNDTIMEO", 21, 0x1005, 0x1005],
  ["SO_BINDTODEVICE", 25, null, null],
  ["SO_ACCEPTCONN", 30, 0x2, 0x2],
  ["SO_PEERSEC", 31, null, null],
  ["SO_PASSSEC", 34, null, null],
  ["SO_MARK", 36, null, null],
  ["SO_PROTOCOL", 38, null, null],
  ["SO_DOMAIN", 39, null, null],
  ["SO_INCOMING_CPU", 49, null, null],
  // SO_J1939_* and SO_VM_SOCKETS_* belong to other levels: they may equal the SO_* above.
  ["SO_J1939_FILTER", 1, null, null],
  ["SO_J1939_PROMISC", 2, null, null],
  ["SO_J1939_SEND_PRIO", 3, null, null],
  ["SO_J1939_ERRQUEUE", 4, null, null],
  ["SO_VM_SOCKETS_BUFFER_SIZE", 0, 0, null],
  ["SO_VM_SOCKETS_BUFFER_MIN_SIZE", 1, 1, null],
  ["SO_VM_SOCKETS_BUFFER_MAX_SIZE", 2, 2, null],
];
const so: Readonly<Record<string, number>> = choose(SO_ROWS);

/** Socket option: record debugging information. */
export const SO_DEBUG: number = so.SO_DEBUG;
/** Socket option: allow reuse of local addresses. */
export const SO_REUSEADDR: number = so.SO_REUSEADDR;
/** Socket option (read-only): the socket type. */
export const SO_TYPE: number = so.SO_TYPE;
/** Socket option (read-only): get and clear the pending error. */
export const SO_ERROR: number = so.SO_ERROR;
/** Socket option: bypass routing, send to directly connected hosts. */
export const SO_DONTROUTE: number = so.SO_DONTROUTE;
/** Socket option: permit sending broadcast datagrams. */
export const SO_BROADCAST: number = so.SO_BROADCAST;
/** Socket option: send buffer size in bytes. */
export const SO_SNDBUF: number = so.SO_SNDBUF;
/** Socket option: receive buffer size in bytes. */
export const SO_RCVBUF: number = so.SO_RCVBUF;
/** Socket option: send keep-alive probes on idle connections. */
export const SO_KEEPALIVE: number = so.SO_KEEPALIVE;
/** Socket option: receive out-of-band data inline. */
export const SO_OOBINLINE: number = so.SO_OOBINLINE;
/** Socket option: protocol priority of sent packets. */
export const SO_PRIORITY: number = so.SO_PRIORITY;
/** Socket option: linger on close while unsent data remains. */
export const SO_LINGER: number = so.SO_LINGER;
/** Socket option: allow several sockets to bind the same port. */
export const SO_REUSEPORT: number = so.SO_REUSEPORT;
/** Socket option: receive `SCM_CREDENTIALS` messages. */
export const SO_PASSCRED: number = so.SO_PASSCRED;
/** Socket option (read-only): credentials of the peer process. */
export const SO_PEERCRED: number = so.SO_PEERCRED;
/** Socket option: minimum byte count for input. */
export const SO_RCVLOWAT: number = so.SO_RCVLOWAT;
/** Socket option: minimum byte count for output. */
export const SO_SNDLOWAT: number = so.SO_SNDLOWAT;
/** Socket option: receive timeout. */
export const SO_RCVTIMEO: number = so.SO_RCVTIMEO;
/** Socket option: send timeout. */
export const SO_SNDTIMEO: number = so.SO_SNDTIMEO;
/** Socket option: bind to a network interface by name. */
export const SO_BINDTODEVICE: number = so.SO_BINDTODEVICE;
/** Socket option (read-only): whether the socket is listening. */
export const SO_ACCEPTCONN: number = so.SO_ACCEPTCONN;
/** Socket option (read-only): security context of the peer. */
export const SO_PEERSEC: number = so.SO_PEERSEC;
/** Socket option: receive `SCM_SECURITY` messages. */
export const SO_PASSSEC: number = so.SO_PASSSEC;
/** Socket option: firewall mark of sent packets. */
export const SO_MARK: number = so.SO_MARK;
/** Socket option (read-only): the socket protocol. */
export const SO_PROTOCOL: number = so.SO_PROTOCOL;
/** Socket option (read-only): the socket address family. */
export const SO_DOMAIN: number = so.SO_DOMAIN;
/** Socket option: CPU that handles the socket's packets. */
export const SO_INCOMING_CPU: number = so.SO_INCOMING_CPU;
/** SAE J1939 socket option (level `SOL_CAN_J1939`): receive filters. */
export const SO_J1939_FILTER: number = so.SO_J1939_FILTER;
/** SAE J1939 socket option (level `SOL_CAN_J1939`): promiscuous mode. */
export const SO_J1939_PROMISC: number = so.SO_J1939_PROMISC;
/** SAE J1939 socket option (level `SOL_CAN_J1939`): send priority. */
export const SO_J1939_SEND_PRIO: number = so.SO_J1939_SEND_PRIO;
/** SAE J1939 socket option (level `SOL_CAN_J1939`): error queue. */
export const SO_J1939_ERRQUEUE: number = so.SO_J1939_ERRQUEUE;
/** VSOCK socket option (level `AF_VSOCK`): buffer size. */
export const SO_VM_SOCKETS_BUFFER_SIZE: number = so.SO_VM_SOCKETS_BUFFER_SIZE;
/** VSOCK socket option (level `AF_VSOCK`): minimum buffer size. */
export const SO_VM_SOCKETS_BUFFER_MIN_SIZE: number =
  so.SO_VM_SOCKETS_BUFFER_MIN_SIZE;
/** VSOCK socket option (level `AF_VSOCK`): maximum buffer size. */
export const SO_VM_SOCKETS_BUFFER_MAX_SIZE: number =
  so.SO_VM_SOCKETS_BUFFER_MAX_SIZE;

// The largest `listen()` backlog.
const SOMAXCONN_ROWS: readonly Row[] = [
  // Linux: CPython's value.
  ["SOMAXCONN", 4096, 128, 0x7fffffff],
];
const somaxconn: Readonly<Record<string, number>> = choose(SOMAXCONN_ROWS);

/** Largest backlog `listen()` accepts. */
export const SOMAXCONN: number = somaxconn.SOMAXCONN;

// Control message types (level `SOL_SOCKET`).
const SCM_ROWS: readonly Row[] = [
  ["SCM_RIGHTS", 1, 1, null],
  ["SCM_CREDENTIALS", 2, null, null],
  ["SCM_J1939_DEST_ADDR", 1, null, null],
  ["SCM_J1939_DEST_NAME", 2, null, null],
  ["SCM_J1939_PRIO", 3, null, null],
  ["SCM_J1939_ERRQUEUE", 4, null, null],
];
const scm: Readonly<Record<string, number>> = choose(SCM_ROWS);

/** Control message: pass file descriptors. */
export const SCM_RIGHTS: number = scm.SCM_RIGHTS;
/** Control message: pass process credentials. */
export const SCM_CREDENTIALS: number = scm.SCM_CREDENTIALS;
/** SAE J1939 control message: destination address. */
export const SCM_J1939_DEST_ADDR: number = scm.SCM_J1939_DEST_ADDR;
/** SAE J1939 control message: destination name. */
export const SCM_J1939_DEST_NAME: number = scm.SCM_J1939_DEST_NAME;
/** SAE J1939 control message: priority. */
export const SCM_J1939_PRIO: number = scm.SCM_J1939_PRIO;
/** SAE J1939 control message: error queue entry. */
export const SCM_J1939_ERRQUEUE: number = scm.SCM_J1939_ERRQUEUE;

// Flags of `send`/`recv` and their variants.
const MSG_ROWS: readonly Row[] = [
  ["MSG_OOB", 0x1, 0x1, 0x1],
  ["MSG_PEEK", 0x2, 0x2, 0x2],
  ["MSG_DONTROUTE", 0x4, 0x4, 0x4],
  ["MSG_CTRUNC", 0x8, 0x20, 0x200],
  ["MSG_TRUNC", 0x20, 0x10, 0x100],
  ["MSG_DONTWAIT", 0x40, 0x80, null],
  ["MSG_EOR", 0x80, 0x8, null],
  ["MSG_WAITALL", 0x100, 0x40, 0x8],
  ["MSG_CONFIRM", 0x800, null, null],
  ["MSG_ERRQUEUE", 0x2000, null, 0x1000],
  ["MSG_NOSIGNAL", 0x4000, 0x80000, null],
  ["MSG_MORE", 0x8000, null, null],
  ["MSG_FASTOPEN", 0x20000000, null, null],
  ["MSG_CMSG_CLOEXEC", 0x40000000, null, null],
];
const msg: Readonly<Record<string, number>> = choose(MSG_ROWS);

/** Message flag: out-of-band data. */
export const MSG_OOB: number = msg.MSG_OOB;
/** Message flag: look at incoming data without removing it. */
export const MSG_PEEK: number = msg.MSG_PEEK;
/** Message flag: send without using routing tables. */
export const MSG_DONTROUTE: number = msg.MSG_DONTROUTE;
/** Message flag (returned): control data was truncated. */
export const MSG_CTRUNC: number = msg.MSG_CTRUNC;
/** Message flag: the datagram was longer than the buffer. */
export const MSG_TRUNC: number = msg.MSG_TRUNC;
/** Message flag: do not block for this call. */
export const MSG_DONTWAIT: number = msg.MSG_DONTWAIT;
/** Message flag: end of record. */
export const MSG_EOR: number = msg.MSG_EOR;
/** Message flag: wait until the full request is satisfied. */
export const MSG_WAITALL: number = msg.MSG_WAITALL;
/** Message flag: the link layer made forward progress. */
export const MSG_CONFIRM: number = msg.MSG_CONFIRM;
/** Message flag: receive from the error queue. */
export const MSG_ERRQUEUE: number = msg.MSG_ERRQUEUE;
/** Message flag: do not raise SIGPIPE on a broken stream. */
export const MSG_NOSIGNAL: number = msg.MSG_NOSIGNAL;
/** Message flag: more data follows (cork). */
export const MSG_MORE: number = msg.MSG_MORE;
/** Message flag: send data in the SYN (TCP Fast Open). */
export const MSG_FASTOPEN: number = msg.MSG_FASTOPEN;
/** Message flag: set close-on-exec on received descriptors. */
export const MSG_CMSG_CLOEXEC: number = msg.MSG_CMSG_CLOEXEC;

// How `shutdown()` closes a connection.
const SHUT_ROWS: readonly Row[] = [
  ["SHUT_RD", 0, 0, 0],
  ["SHUT_WR", 1, 1, 1],
  ["SHUT_RDWR", 2, 2, 2],
];
const shut: Readonly<Record<string, number>> = choose(SHUT_ROWS);

/** `shutdown` mode: no more receives. */
export const SHUT_RD: number = shut.SHUT_RD;
/** `shutdown` mode: no more sends. */
export const SHUT_WR: number = shut.SHUT_WR;
/** `shutdown` mode: no more sends or receives. */
export const SHUT_RDWR: number = shut.SHUT_RDWR;

// IP protocol numbers (IANA's, the same everywhere but for `IPPROTO_MPTCP`).
const IPPROTO_ROWS: readonly Row[] = [
  ["IPPROTO_IP", 0, 0, 0],
  ["IPPROTO_HOPOPTS", 0, 0, 0],
  ["IPPROTO_ICMP", 1, 1, 1],
  ["IPPROTO_IGMP", 2, 2, 2],
  ["IPPROTO_IPIP", 4, 4, 4],
  ["IPPROTO_TCP", 6, 6, 6],
  ["IPPROTO_EGP", 8, 8, 8],
  ["IPPROTO_PUP", 12, 12, 12],
  ["IPPROTO_UDP", 17, 17, 17],
  ["IPPROTO_IDP", 22, 22, 22],
  ["IPPROTO_TP", 29, 29, 29],
  ["IPPROTO_IPV6", 41, 41, 41],
  ["IPPROTO_ROUTING", 43, 43, 43],
  ["IPPROTO_FRAGMENT", 44, 44, 44],
  ["IPPROTO_RSVP", 46, 46, 46],
  ["IPPROTO_GRE", 47, 47, 47],
  ["IPPROTO_ESP", 50, 50, 50],
  ["IPPROTO_AH", 51, 51, 51],
  ["IPPROTO_ICMPV6", 58, 58, 58],
  ["IPPROTO_NONE", 59, 59, 59],
  ["IPPROTO_DSTOPTS", 60, 60, 60],
  ["IPPROTO_PIM", 103, 103, 103],
  ["IPPROTO_SCTP", 132, 132, 132],
  ["IPPROTO_UDPLITE", 136, 136, 136],
  ["IPPROTO_RAW", 255, 255, 255],
  ["IPPROTO_MPTCP", 262, null, null],
];
const ipproto: Readonly<Record<string, number>> = choose(IPPROTO_ROWS);

/** Protocol: IP (dummy for `IPPROTO_IP` level options). */
export const IPPROTO_IP: number = ipproto.IPPROTO_IP;
/** Protocol: IPv6 hop-by-hop options. */
export const IPPROTO_HOPOPTS: number = ipproto.IPPROTO_HOPOPTS;
/** Protocol: ICMP. */
export const IPPROTO_ICMP: number = ipproto.IPPROTO_ICMP;
/** Protocol: IGMP. */
export const IPPROTO_IGMP: number = ipproto.IPPROTO_IGMP;
/** Protocol: IP in IP tunnelling. */
export const IPPROTO_IPIP: number = ipproto.IPPROTO_IPIP;
/** Protocol: TCP. */
export const IPPROTO_TCP: number = ipproto.IPPROTO_TCP;
/** Protocol: exterior gateway protocol. */
export const IPPROTO_EGP: number = ipproto.IPPROTO_EGP;
/** Protocol: PARC universal packet. */
export const IPPROTO_PUP: number = ipproto.IPPROTO_PUP;
/** Protocol: UDP. */
export const IPPROTO_UDP: number = ipproto.IPPROTO_UDP;
/** Protocol: XNS IDP. */
export const IPPROTO_IDP: number = ipproto.IPPROTO_IDP;
/** Protocol: ISO transport class 4. */
export const IPPROTO_TP: number = ipproto.IPPROTO_TP;
/** Protocol: IPv6 (header, and `IPV6_*` option level). */
export const IPPROTO_IPV6: number = ipproto.IPPROTO_IPV6;
/** Protocol: IPv6 routing header. */
export const IPPROTO_ROUTING: number = ipproto.IPPROTO_ROUTING;
/** Protocol: IPv6 fragment header. */
export const IPPROTO_FRAGMENT: number = ipproto.IPPROTO_FRAGMENT;
/** Protocol: RSVP. */
export const IPPROTO_RSVP: number = ipproto.IPPROTO_RSVP;
/** Protocol: generic routing encapsulation. */
export const IPPROTO_GRE: number = ipproto.IPPROTO_GRE;
/** Protocol: IPsec encapsulating security payload. */
export const IPPROTO_ESP: number = ipproto.IPPROTO_ESP;
/** Protocol: IPsec authentication header. */
export const IPPROTO_AH: number = ipproto.IPPROTO_AH;
/** Protocol: ICMPv6. */
export const IPPROTO_ICMPV6: number = ipproto.IPPROTO_ICMPV6;
/** Protocol: IPv6 no next header. */
export const IPPROTO_NONE: number = ipproto.IPPROTO_NONE;
/** Protocol: IPv6 destination options. */
export const IPPROTO_DSTOPTS: number = ipproto.IPPROTO_DSTOPTS;
/** Protocol: protocol independent multicast. */
export const IPPROTO_PIM: number = ipproto.IPPROTO_PIM;
/** Protocol: SCTP. */
export const IPPROTO_SCTP: number = ipproto.IPPROTO_SCTP;
/** Protocol: UDP-Lite. */
export const IPPROTO_UDPLITE: number = ipproto.IPPROTO_UDPLITE;
/** Protocol: raw IP packets. */
export const IPPROTO_RAW: number = ipproto.IPPROTO_RAW;
/** Protocol: Multipath TCP (a Linux-only number). */
export const IPPROTO_MPTCP: number = ipproto.IPPROTO_MPTCP;

// Port number ranges.
const IPPORT_ROWS: readonly Row[] = [
  ["IPPORT_RESERVED", 1024, 1024, 1024],
  ["IPPORT_USERRESERVED", 5000, 5000, 5000],
];
const ipport: Readonly<Record<string, number>> = choose(IPPORT_ROWS);

/** Ports below this one are reserved for privileged processes. */
export const IPPORT_RESERVED: number = ipport.IPPORT_RESERVED;
/** Ports from this one up are free for user servers. */
export const IPPORT_USERRESERVED: number = ipport.IPPORT_USERRESERVED;

// Special IPv4 addresses, as 32-bit numbers in host order.
const INADDR_ROWS: readonly Row[] = [
  ["INADDR_ANY", 0, 0, 0],
  ["INADDR_BROADCAST", 0xffffffff, 0xffffffff, 0xffffffff],
  ["INADDR_NONE", 0xffffffff, 0xffffffff, 0xffffffff],
  ["INADDR_LOOPBACK", 0x7f000001, 0x7f000001, 0x7f000001],
  ["INADDR_UNSPEC_GROUP", 0xe0000000, 0xe0000000, 0xe0000000],
  ["INADDR_ALLHOSTS_GROUP", 0xe0000001, 0xe0000001, 0xe0000001],
  ["INADDR_MAX_LOCAL_GROUP", 0xe00000ff, 0xe00000ff, 0xe00000ff],
];
const inaddr: Readonly<Record<string, number>> = choose(INADDR_ROWS);

/** IPv4 address 0.0.0.0: any local address. */
export const INADDR_ANY: number = inaddr.INADDR_ANY;
/** IPv4 address 255.255.255.255: limited broadcast. */
export const INADDR_BROADCAST: number = inaddr.INADDR_BROADCAST;
/** IPv4 address 255.255.255.255, used as the error value of `inet_addr`. */
export const INADDR_NONE: number = inaddr.INADDR_NONE;
/** IPv4 address 127.0.0.1: loopback. */
export const INADDR_LOOPBACK: number = inaddr.INADDR_LOOPBACK;
/** IPv4 multicast address 224.0.0.0: base address. */
export const INADDR_UNSPEC_GROUP: number = inaddr.INADDR_UNSPEC_GROUP;
/** IPv4 multicast address 224.0.0.1: all hosts on this subnet. */
export const INADDR_ALLHOSTS_GROUP: number = inaddr.INADDR_ALLHOSTS_GROUP;
/** IPv4 multicast address 224.0.0.255: last local group. */
export const INADDR_MAX_LOCAL_GROUP: number = inaddr.INADDR_MAX_LOCAL_GROUP;

// IPv4 options (level `IPPROTO_IP`).
const IP_ROWS: readonly Row[] = [
  ["IP_TOS", 1, 3, 3],
  ["IP_TTL", 2, 4, 4],
  ["IP_HDRINCL", 3, 2, 2],
  ["IP_OPTIONS", 4, 1, 1],
  ["IP_RECVOPTS", 6, 5, null],
  ["IP_RECVRETOPTS", 7, 6, null],
  ["IP_RETOPTS", 7, 8, null],
  ["IP_RECVTOS", 13, 27, 40],
  ["IP_TRANSPARENT", 19, null, null],
  ["IP_BIND_ADDRESS_NO_PORT", 24, null, null],
  ["IP_MULTICAST_IF", 32, 9, 9],
  ["IP_MULTICAST_TTL", 33, 10, 10],
  ["IP_MULTICAST_LOOP", 34, 11, 11],
  ["IP_ADD_MEMBERSHIP", 35, 12, 12],
  ["IP_DROP_MEMBERSHIP", 36, 13, 13],
  // Not option names: these may equal the options above.
  ["IP_DEFAULT_MULTICAST_TTL", 1, 1, 1],
  ["IP_DEFAULT_MULTICAST_LOOP", 1, 1, 1],
  ["IP_MAX_MEMBERSHIPS", 20, 4095, 20],
];
const ip: Readonly<Record<string, number>> = choose(IP_ROWS);

/** IPv4 option: type of service (DSCP and ECN) byte. */
export const IP_TOS: number = ip.IP_TOS;
/** IPv4 option: time to live of sent packets. */
export const IP_TTL: number = ip.IP_TTL;
/** IPv4 option: the application supplies the IP header. */
export const IP_HDRINCL: number = ip.IP_HDRINCL;
/** IPv4 option: IP options of sent packets. */
export const IP_OPTIONS: number = ip.IP_OPTIONS;
/** IPv4 option: receive all IP options with datagrams. */
export const IP_RECVOPTS: number = ip.IP_RECVOPTS;
/** IPv4 option: receive IP options for the response. */
export const IP_RECVRETOPTS: number = ip.IP_RECVRETOPTS;
/** IPv4 option: IP options to send with replies. */
export const IP_RETOPTS: number = ip.IP_RETOPTS;
/** IPv4 option: receive the TOS byte with datagrams. */
export const IP_RECVTOS: number = ip.IP_RECVTOS;
/** IPv4 option: transparent proxying. */
export const IP_TRANSPARENT: number = ip.IP_TRANSPARENT;
/** IPv4 option: defer choosing a port when binding to port 0. */
export const IP_BIND_ADDRESS_NO_PORT: number = ip.IP_BIND_ADDRESS_NO_PORT;
/** IPv4 option: interface for outgoing multicast. */
export const IP_MULTICAST_IF: number = ip.IP_MULTICAST_IF;
/** IPv4 option: time to live of outgoing multicast. */
export const IP_MULTICAST_TTL: number = ip.IP_MULTICAST_TTL;
/** IPv4 option: loop outgoing multicast back to local sockets. */
export const IP_MULTICAST_LOOP: number = ip.IP_MULTICAST_LOOP;
/** IPv4 option: join a multicast group. */
export const IP_ADD_MEMBERSHIP: number = ip.IP_ADD_MEMBERSHIP;
/** IPv4 option: leave a multicast group. */
export const IP_DROP_MEMBERSHIP: number = ip.IP_DROP_MEMBERSHIP;
/** Default time to live of outgoing multicast. */
export const IP_DEFAULT_MULTICAST_TTL: number = ip.IP_DEFAULT_MULTICAST_TTL;
/** Default of `IP_MULTICAST_LOOP` (on). */
export const IP_DEFAULT_MULTICAST_LOOP: number = ip.IP_DEFAULT_MULTICAST_LOOP;
/** Most multicast groups one socket may join. */
export const IP_MAX_MEMBERSHIPS: number = ip.IP_MAX_MEMBERSHIPS;

// IPv6 options (level `IPPROTO_IPV6`).
const IPV6_ROWS: readonly Row[] = [
  ["IPV6_RTHDR_TYPE_0", 0, 0, null],
  ["IPV6_CHECKSUM", 7, 26, 26],
  ["IPV6_NEXTHOP", 9, 48, -1],
  ["IPV6_UNICAST_HOPS", 16, 4, 4],
  ["IPV6_MULTICAST_IF", 17, 9, 9],
  ["IPV6_MULTICAST_HOPS", 18, 10, 10],
  ["IPV6_MULTICAST_LOOP", 19, 11, 11],
  ["IPV6_JOIN_GROUP", 20, 12, 12],
  ["IPV6_LEAVE_GROUP", 21, 13, 13],
  ["IPV6_V6ONLY", 26, 27, 27],
  // macOS from here on: the RFC 3542 numbers, which CPython selects.
  ["IPV6_RECVPKTINFO", 49, 61, null],
  ["IPV6_PKTINFO", 50, 46, 19],
  ["IPV6_RECVHOPLIMIT", 51, 37, null],
  ["IPV6_HOPLIMIT", 52, 47, 21],
  ["IPV6_RECVHOPOPTS", 53, 39, null],
  ["IPV6_HOPOPTS", 54, 49, 1],
  ["IPV6_RTHDRDSTOPTS", 55, 57, null],
  ["IPV6_RECVRTHDR", 56, 38, 38],
  ["IPV6_RTHDR", 57, 51, 32],
  ["IPV6_RECVDSTOPTS", 58, 40, null],
  ["IPV6_DSTOPTS", 59, 50, null],
  ["IPV6_RECVPATHMTU", 60, 43, null],
  ["IPV6_PATHMTU", 61, 44, null],
  ["IPV6_DONTFRAG", 62, 62, 14],
  ["IPV6_RECVTCLASS", 66, 35, 40],
  ["IPV6_TCLASS", 67, 36, 39],
];
const ipv6: Readonly<Record<string, number>> = choose(IPV6_ROWS);

/** IPv6 routing header type 0. */
export const IPV6_RTHDR_TYPE_0: number = ipv6.IPV6_RTHDR_TYPE_0;
/** IPv6 option: offset of the checksum in raw sockets. */
export const IPV6_CHECKSUM: number = ipv6.IPV6_CHECKSUM;
/** IPv6 option: next hop address of sent packets. */
export const IPV6_NEXTHOP: number = ipv6.IPV6_NEXTHOP;
/** IPv6 option: hop limit of outgoing unicast. */
export const IPV6_UNICAST_HOPS: number = ipv6.IPV6_UNICAST_HOPS;
/** IPv6 option: interface for outgoing multicast. */
export const IPV6_MULTICAST_IF: number = ipv6.IPV6_MULTICAST_IF;
/** IPv6 option: hop limit of outgoing multicast. */
export const IPV6_MULTICAST_HOPS: number = ipv6.IPV6_MULTICAST_HOPS;
/** IPv6 option: loop outgoing multicast back to local sockets. */
export const IPV6_MULTICAST_LOOP: number = ipv6.IPV6_MULTICAST_LOOP;
/** IPv6 option: join a multicast group. */
export const IPV6_JOIN_GROUP: number = ipv6.IPV6_JOIN_GROUP;
/** IPv6 option: leave a multicast group. */
export const IPV6_LEAVE_GROUP: number = ipv6.IPV6_LEAVE_GROUP;
/** IPv6 option: restrict the socket to IPv6 (no IPv4-mapped addresses). */
export const IPV6_V6ONLY: number = ipv6.IPV6_V6ONLY;
/** IPv6 option: receive `IPV6_PKTINFO` with datagrams. */
export const IPV6_RECVPKTINFO: number = ipv6.IPV6_RECVPKTINFO;
/** IPv6 option: packet information (interface, address). */
export const IPV6_PKTINFO: number = ipv6.IPV6_PKTINFO;
/** IPv6 option: receive the hop limit with datagrams. */
export const IPV6_RECVHOPLIMIT: number = ipv6.IPV6_RECVHOPLIMIT;
/** IPv6 option: hop limit (ancillary data). */
export const IPV6_HOPLIMIT: number = ipv6.IPV6_HOPLIMIT;
/** IPv6 option: receive hop-by-hop options. */
export const IPV6_RECVHOPOPTS: number = ipv6.IPV6_RECVHOPOPTS;
/** IPv6 option: hop-by-hop options of sent packets. */
export const IPV6_HOPOPTS: number = ipv6.IPV6_HOPOPTS;
/** IPv6 option: destination options before the routing header. */
export const IPV6_RTHDRDSTOPTS: number = ipv6.IPV6_RTHDRDSTOPTS;
/** IPv6 option: receive the routing header. */
export const IPV6_RECVRTHDR: number = ipv6.IPV6_RECVRTHDR;
/** IPv6 option: routing header of sent packets. */
export const IPV6_RTHDR: number = ipv6.IPV6_RTHDR;
/** IPv6 option: receive destination options. */
export const IPV6_RECVDSTOPTS: number = ipv6.IPV6_RECVDSTOPTS;
/** IPv6 option: destination options of sent packets. */
export const IPV6_DSTOPTS: number = ipv6.IPV6_DSTOPTS;
/** IPv6 option: receive path MTU notifications. */
export const IPV6_RECVPATHMTU: number = ipv6.IPV6_RECVPATHMTU;
/** IPv6 option (read-only): current path MTU. */
export const IPV6_PATHMTU: number = ipv6.IPV6_PATHMTU;
/** IPv6 option: do not fragment sent packets. */
export const IPV6_DONTFRAG: number = ipv6.IPV6_DONTFRAG;
/** IPv6 option: receive the traffic class with datagrams. */
export const IPV6_RECVTCLASS: number = ipv6.IPV6_RECVTCLASS;
/** IPv6 option: traffic class of sent packets. */
export const IPV6_TCLASS: number = ipv6.IPV6_TCLASS;

// TCP options (level `IPPROTO_TCP`).
const TCP_ROWS: readonly Row[] = [
  ["TCP_NODELAY", 1, 1, 1],
  ["TCP_MAXSEG", 2, 2, 4],
  ["TCP_CORK", 3, null, -1],
  // macOS calls it TCP_KEEPALIVE.
  ["TCP_KEEPIDLE", 4, 16, 3],
  ["TCP_KEEPINTVL", 5, 0x101, 17],
  ["TCP_KEEPCNT", 6, 0x102, 16],
  ["TCP_SYNCNT", 7, null, null],
  ["TCP_LINGER2", 8, null, null],
  ["TCP_DEFER_ACCEPT", 9, null, null],
  ["TCP_WINDOW_CLAMP", 10, null, null],
  ["TCP_INFO", 11, null, null],
  ["TCP_QUICKACK", 12, null, null],
  ["TCP_CONGESTION", 13, null, null],
  ["TCP_USER_TIMEOUT", 18, null, null],
  ["TCP_FASTOPEN", 23, 0x105, 15],
  ["TCP_NOTSENT_LOWAT", 25, 0x201, null],
];
const tcp: Readonly<Record<string, number>> = choose(TCP_ROWS);

/** TCP option: send small segments at once (no Nagle). */
export const TCP_NODELAY: number = tcp.TCP_NODELAY;
/** TCP option: maximum segment size. */
export const TCP_MAXSEG: number = tcp.TCP_MAXSEG;
/** TCP option: hold partial segments until uncorked. */
export const TCP_CORK: number = tcp.TCP_CORK;
/** TCP option: idle seconds before keep-alive probes (macOS's `TCP_KEEPALIVE`). */
export const TCP_KEEPIDLE: number = tcp.TCP_KEEPIDLE;
/** TCP option: seconds between keep-alive probes. */
export const TCP_KEEPINTVL: number = tcp.TCP_KEEPINTVL;
/** TCP option: keep-alive probes before dropping the connection. */
export const TCP_KEEPCNT: number = tcp.TCP_KEEPCNT;
/** TCP option: SYN retransmits before giving up on connecting. */
export const TCP_SYNCNT: number = tcp.TCP_SYNCNT;
/** TCP option: lifetime of orphaned FIN_WAIT2 sockets. */
export const TCP_LINGER2: number = tcp.TCP_LINGER2;
/** TCP option: wake the listener only once data arrives. */
export const TCP_DEFER_ACCEPT: number = tcp.TCP_DEFER_ACCEPT;
/** TCP option: bound the advertised window. */
export const TCP_WINDOW_CLAMP: number = tcp.TCP_WINDOW_CLAMP;
/** TCP option (read-only): connection statistics. */
export const TCP_INFO: number = tcp.TCP_INFO;
/** TCP option: send ACKs at once. */
export const TCP_QUICKACK: number = tcp.TCP_QUICKACK;
/** TCP option: congestion control algorithm. */
export const TCP_CONGESTION: number = tcp.TCP_CONGESTION;
/** TCP option: milliseconds unacknowledged data may stay before the connection drops. */
export const TCP_USER_TIMEOUT: number = tcp.TCP_USER_TIMEOUT;
/** TCP option: TCP Fast Open. */
export const TCP_FASTOPEN: number = tcp.TCP_FASTOPEN;
/** TCP option: limit of unsent bytes in the send buffer. */
export const TCP_NOTSENT_LOWAT: number = tcp.TCP_NOTSENT_LOWAT;

// Flags of `getaddrinfo`.
const AI_ROWS: readonly Row[] = [
  ["AI_PASSIVE", 0x1, 0x1, 0x1],
  ["AI_CANONNAME", 0x2, 0x2, 0x2],
  ["AI_NUMERICHOST", 0x4, 0x4, 0x4],
  ["AI_V4MAPPED", 0x8, 0x800, 0x800],
  ["AI_ALL", 0x10, 0x100, 0x100],
  ["AI_ADDRCONFIG", 0x20, 0x400, 0x400],
  ["AI_NUMERICSERV", 0x400, 0x1000, 0x8],
];
const ai: Readonly<Record<string, number>> = choose(AI_ROWS);

/** `getaddrinfo` flag: addresses for `bind` (wildcard when host is null). */
export const AI_PASSIVE: number = ai.AI_PASSIVE;
/** `getaddrinfo` flag: return the canonical name. */
export const AI_CANONNAME: number = ai.AI_CANONNAME;
/** `getaddrinfo` flag: the host must be a numeric address. */
export const AI_NUMERICHOST: number = ai.AI_NUMERICHOST;
/** `getaddrinfo` flag: IPv4-mapped IPv6 addresses when no IPv6 is found. */
export const AI_V4MAPPED: number = ai.AI_V4MAPPED;
/** `getaddrinfo` flag: with `AI_V4MAPPED`, both IPv6 and mapped IPv4. */
export const AI_ALL: number = ai.AI_ALL;
/** `getaddrinfo` flag: only families configured on the host. */
export const AI_ADDRCONFIG: number = ai.AI_ADDRCONFIG;
/** `getaddrinfo` flag: the port must be numeric. */
export const AI_NUMERICSERV: number = ai.AI_NUMERICSERV;

// Flags and buffer sizes of `getnameinfo`.
const NI_ROWS: readonly Row[] = [
  ["NI_NUMERICHOST", 1, 2, 2],
  ["NI_NUMERICSERV", 2, 8, 8],
  ["NI_NOFQDN", 4, 1, 1],
  ["NI_NAMEREQD", 8, 4, 4],
  ["NI_DGRAM", 16, 16, 16],
  ["NI_MAXHOST", 1025, 1025, 1025],
  ["NI_MAXSERV", 32, 32, 32],
];
const ni: Readonly<Record<string, number>> = choose(NI_ROWS);

/** `getnameinfo` flag: numeric host. */
export const NI_NUMERICHOST: number = ni.NI_NUMERICHOST;
/** `getnameinfo` flag: numeric port. */
export const NI_NUMERICSERV: number = ni.NI_NUMERICSERV;
/** `getnameinfo` flag: only the host part of local names. */
export const NI_NOFQDN: number = ni.NI_NOFQDN;
/** `getnameinfo` flag: fail when the name is unknown. */
export const NI_NAMEREQD: number = ni.NI_NAMEREQD;
/** `getnameinfo` flag: look up the service as UDP. */
export const NI_DGRAM: number = ni.NI_DGRAM;
/** Largest host name `getnameinfo` returns, with its terminator. */
export const NI_MAXHOST: number = ni.NI_MAXHOST;
/** Largest service name `getnameinfo` returns, with its terminator. */
export const NI_MAXSERV: number = ni.NI_MAXSERV;

// Error codes of `getaddrinfo`/`getnameinfo` (`gaierror.errno`).
const EAI_ROWS: readonly Row[] = [
  ["EAI_BADFLAGS", -1, 3, 10022],
  ["EAI_NONAME", -2, 8, 11001],
  ["EAI_AGAIN", -3, 2, 11002],
  ["EAI_FAIL", -4, 4, 11003],
  // Windows defines it as EAI_NONAME.
  ["EAI_NODATA", -5, 7, 11001],
  ["EAI_FAMILY", -6, 5, 10047],
  ["EAI_SOCKTYPE", -7, 10, 10044],
  ["EAI_SERVICE", -8, 9, 10109],
  // Windows has no EAI_ADDRFAMILY, EAI_SYSTEM or EAI_OVERFLOW: Linux's negative values never clash.
  ["EAI_ADDRFAMILY", -9, 1, null],
  ["EAI_MEMORY", -10, 6, 8],
  ["EAI_SYSTEM", -11, 11, null],
  ["EAI_OVERFLOW", -12, 14, null],
];
const eai: Readonly<Record<string, number>> = choose(EAI_ROWS);

/** `getaddrinfo` error: bad flags. */
export const EAI_BADFLAGS: number = eai.EAI_BADFLAGS;
/** `getaddrinfo` error: name or service not known. */
export const EAI_NONAME: number = eai.EAI_NONAME;
/** `getaddrinfo` error: temporary failure in name resolution. */
export const EAI_AGAIN: number = eai.EAI_AGAIN;
/** `getaddrinfo` error: non-recoverable failure in name resolution. */
export const EAI_FAIL: number = eai.EAI_FAIL;
/** `getaddrinfo` error: no address for the name (Windows: `EAI_NONAME`). */
export const EAI_NODATA: number = eai.EAI_NODATA;
/** `getaddrinfo` error: address family not supported. */
export const EAI_FAMILY: number = eai.EAI_FAMILY;
/** `getaddrinfo` error: socket type not supported. */
export const EAI_SOCKTYPE: number = eai.EAI_SOCKTYPE;
/** `getaddrinfo` error: service not supported for the socket type. */
export const EAI_SERVICE: number = eai.EAI_SERVICE;
/** `getaddrinfo` error: no address of the family for the host. */
export const EAI_ADDRFAMILY: number = eai.EAI_ADDRFAMILY;
/** `getaddrinfo` error: out of memory. */
export const EAI_MEMORY: number = eai.EAI_MEMORY;
/** `getaddrinfo` error: system error (see `errno`). */
export const EAI_SYSTEM: number = eai.EAI_SYSTEM;
/** `getaddrinfo` error: argument buffer overflow. */
export const EAI_OVERFLOW: number = eai.EAI_OVERFLOW;

/**
 * Names to values and values to names, as a TypeScript numeric enum is built;
 * where names share a value, the value maps to the name CPython's enum gives.
 */
export interface EnumMap {
  /** A name's value (present only for names the host has). */
  readonly [name: string]: number | string;
  /** A value's name (present only for values the host has). */
  readonly [value: number]: string;
}

/** `AddressFamily`: the families every platform has are always there. */
export interface AddressFamilyMap extends EnumMap {
  /** `AF_UNSPEC`. */
  readonly AF_UNSPEC: number;
  /** `AF_UNIX`. */
  readonly AF_UNIX: number;
  /** `AF_INET`. */
  readonly AF_INET: number;
  /** `AF_INET6`. */
  readonly AF_INET6: number;
}

/** `SocketKind`: the types every platform has are always there. */
export interface SocketKindMap extends EnumMap {
  /** `SOCK_STREAM`. */
  readonly SOCK_STREAM: number;
  /** `SOCK_DGRAM`. */
  readonly SOCK_DGRAM: number;
  /** `SOCK_RAW`. */
  readonly SOCK_RAW: number;
  /** `SOCK_RDM`. */
  readonly SOCK_RDM: number;
  /** `SOCK_SEQPACKET`. */
  readonly SOCK_SEQPACKET: number;
}

/**
 * Builds a two-way map the way CPython's `IntEnum._convert_` does: only the
 * host's all-capital names, and for a shared value the name first in
 * (value, name) order.
 */
function enumMap(rows: readonly Row[]): Record<string, number | string> {
  const members = rows
    .filter((row) => isPresent(row) && row[0] === row[0].toUpperCase())
    .map((row): [string, number] => [row[0], valueOf(row)])
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const map: Record<string, number | string> = {};
  for (const [name, value] of members) {
    map[name] = value;
    if (!(value in map)) map[value] = name;
  }
  return map;
}

/** Address families by name and names by value (Python's `socket.AddressFamily`). */
export const AddressFamily: AddressFamilyMap = Object.freeze(
  enumMap(AF_ROWS),
) as AddressFamilyMap;

/** Socket types by name and names by value (Python's `socket.SocketKind`). */
export const SocketKind: SocketKindMap = Object.freeze(
  enumMap(SOCK_ROWS),
) as SocketKindMap;
