// A file's results are typed by its mode: a binary file's line is bytes,
// a text file's a string, and a text file takes no bytes; a mode is made of
// r, w and b only.
import type { Socket } from "../../../mod.ts";

export async function files(s: Socket): Promise<void> {
  // expect-error TS2322: is not assignable to type 'string'
  const a: string = await s.makefile("rb").readline();
  // expect-error TS2322: Type 'string' is not assignable to type 'Uint8Array
  const b: Uint8Array = await s.makefile("r").readline();
  // expect-error TS2345: Argument of type 'Uint8Array
  await s.makefile("w").write(new Uint8Array(1));
  // expect-error TS2345: Argument of type 'string' is not assignable
  await s.makefile("wb").write("text");
  const c = await s.makefile("rb", 0).read(1);
  // expect-error TS18047: 'c' is possibly 'null'
  c.length;
  // expect-error TS2551: Property 'read1' does not exist
  await s.makefile("r").read1(1);
  // expect-error TS2345: Argument of type '"rt"' is not assignable
  s.makefile("rt");
  console.log(a, b);
}
