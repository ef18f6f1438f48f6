// What AI_ADDRCONFIG looks at: whether the machine has an IPv4 address other
// than 127.0.0.1 and an IPv6 address other than ::1 (glibc's __check_pf).

import { localAddresses } from "./interfaces.ts";
import { isLoopback6 } from "./_ip.ts";

/** `[seenIPv4, seenIPv6]`. Internal. */
export function seenFamilies(): [boolean, boolean] {
  let v4 = false;
  let v6 = false;
  for (const l of localAddresses()) {
    const a = l.addr;
    if (a.length === 4) {
      if (!(a[0] === 127 && a[1] === 0 && a[2] === 0 && a[3] === 1)) v4 = true;
    } else if (!isLoopback6(a)) {
      v6 = true;
    }
  }
  return [v4, v6];
}
