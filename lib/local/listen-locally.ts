import type { Server } from 'node:net';

/** Listens on 127.0.0.1 (port 0 picks a free one) and returns the endpoint URL. Any HTTP server fits. */
export const listenLocally = async (server: Server, port = 0): Promise<string> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the stand-in did not listen on a TCP port');
  return `http://127.0.0.1:${address.port}`;
};

/** Closes the server, idle keep-alive connections included, so the port is free when this resolves. */
export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    if ('closeIdleConnections' in server && typeof server.closeIdleConnections === 'function')
      server.closeIdleConnections();
  });
