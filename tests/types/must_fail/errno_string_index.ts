// A name known only at run time must go through isErrnoName before it
// indexes errno: a plain string does not.
import { errno } from "../../../mod.ts";

function lookUp(code: string): number {
  // expect-error TS7053: expression of type 'string' can't be used to index
  return errno[code];
}
console.log(lookUp("ECONNRESET"));
