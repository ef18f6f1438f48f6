// The tutorial's socket_gethostname.py: this host's name.
// Run: npx -y deno@2.9.6 run --allow-sys=hostname examples/gethostname.ts
import * as socket from "@pysocket/socket";

console.log(socket.gethostname());
