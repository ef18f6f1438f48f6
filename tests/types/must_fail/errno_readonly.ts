// errno is read-only: a program cannot renumber an errno for everyone.
import { errno } from "../../../mod.ts";

// expect-error TS2540: Cannot assign to 'EAGAIN' because it is a read-only property
errno.EAGAIN = 35;
