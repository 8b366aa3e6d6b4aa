import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A test server listening on 127.0.0.1 (a free port), and how to stop it. */
export interface LocalServer {
  port: number;
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  origin: string;
  /** Drops open keep-alive connections, then closes the listener. */
  close: () => Promise<void>;
}

/** Start `server` on loopback only (tests never listen elsewhere) and return its address. */
export async function listenLocal(server: http.Server): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
