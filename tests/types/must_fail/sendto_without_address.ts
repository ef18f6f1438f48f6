// sendto(data, flags) has no address: Python's TypeError, caught at compile
// time (the forms are sendto(data, address) and sendto(data, flags, address)).
import { AF_INET, SOCK_DGRAM, socket } from "../../../mod.ts";

const u = socket(AF_INET, SOCK_DGRAM);
// expect-error TS2345: Argument of type 'number' is not assignable to parameter of type 'Address'
await u.sendto("x", 0);
