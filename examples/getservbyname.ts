// The tutorial's socket_getservbyname.py: the port of each URL's scheme.
// Run: npx -y deno@2.9.6 run --allow-read=/etc/services examples/getservbyname.ts [url...]
// (Without --allow-read the built-in table of well-known services answers.)
import * as socket from "@pysocket/socket";

const URLS = Deno.args.length > 0 ? Deno.args : [
  "http://www.python.org",
  "https://www.mybank.com",
  "ftp://prep.ai.mit.edu",
  "gopher://gopher.micro.umn.edu",
  "smtp://mail.example.com",
  "imap://mail.example.com",
  "imaps://mail.example.com",
  "pop3://pop.example.com",
  "pop3s://pop.example.com",
];

for (const url of URLS) {
  const scheme = url.slice(0, url.indexOf(":"));
  const port = socket.getservbyname(scheme);
  console.log(`${scheme.padStart(6)} : ${port}`);
}
