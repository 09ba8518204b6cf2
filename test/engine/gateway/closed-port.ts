/**
 * A loopback port that nothing listens on and no client has a pooled connection
 * to, so a request to it is refused (`ECONNREFUSED`) every time.
 * @module
 */
import { createServer } from "node:net";

/** Finds a free loopback port by binding and releasing it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
