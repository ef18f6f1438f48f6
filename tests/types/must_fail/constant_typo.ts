// A misspelled constant is a missing export.
// expect-error TS2724: has no exported member named 'AF_INET7'
import { AF_INET7 } from "../../../mod.ts";

console.log(AF_INET7);
