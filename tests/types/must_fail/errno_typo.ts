// A misspelled errno name is a type error, not `undefined` at run time.
import { errno } from "../../../mod.ts";

// expect-error TS2551: Property 'ECONREFUSED' does not exist
console.log(errno.ECONREFUSED);
// expect-error TS2551: Did you mean 'ECONNRESET'?
console.log(errno.ECONNRESTE + 1);
