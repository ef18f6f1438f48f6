// Name resolution inside bind/connect/sendto: a numeric host is used as it
// is; a name goes through the look-up module as CPython's setipaddr does.

import type { SockAddr } from "../addr/sockaddr.ts";
import { resolveHost } from "../dns/resolve_host.ts";
import { AF_UNIX } from "../_base/constants.ts";

/** `sa` with a numeric host of its family (resolving a name if needed). */
export async function resolveAddress(sa: SockAddr): Promise<SockAddr> {
  if (sa.family === AF_UNIX || sa.numeric) return sa;
  const host = await resolveHost(sa.host, sa.family);
  return { ...sa, host, numeric: true };
}
