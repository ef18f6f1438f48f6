// An AF_INET address is [host: string, port: number]: no string port, and
// no third item.
import { socket } from "../../../mod.ts";

const s = socket();
const [host, port] = s.getsockname();
// expect-error TS2322: Type 'number' is not assignable to type 'string'
const p: string = port;
console.log(host, p);
// expect-error TS2493: Tuple type 'Inet4Address' of length '2' has no element at index '2'
console.log(s.getsockname()[2]);
