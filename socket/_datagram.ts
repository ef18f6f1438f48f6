// Datagram sockets: placeholder shape until the datagram work lands.

/** Receive queue and options of one datagram socket. */
export class DatagramCore {
  /** Receive queue limit in bytes (SO_RCVBUF). */
  rcvbuf = 212992;
  /** SO_SNDBUF, reported back. */
  sndbuf = 212992;

  /** SO_BROADCAST. */
  setBroadcast(_on: boolean): void {}

  /** IP_MULTICAST_TTL. */
  setMulticastTtl(_ttl: number): void {}

  /** IP_MULTICAST_LOOP. */
  setMulticastLoop(_on: boolean): void {}

  /** Joins or leaves a multicast group. */
  membership(_version: 4 | 6, _join: boolean, _mreq: Uint8Array): void {}

  /** Closes the socket. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
