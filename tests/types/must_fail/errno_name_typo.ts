// An ErrnoName is one of the names CPython's errno module has on Linux.
import type { ErrnoName } from "../../../_base/errors.ts";

// expect-error TS2820: Did you mean '"ECONNREFUSED"'?
const name: ErrnoName = "ECONNREFUSD";
console.log(name);
