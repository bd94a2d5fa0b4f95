import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as z from 'zod';

export interface DynaliteThreadOptions {
  /** LevelDB folder; in memory without one. */
  path?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface DynaliteThread {
  port: number;
  /** Closes the server and its database, then ends the thread; again, or after a crash, it does nothing. */
  close(): Promise<void>;
}

/**
 * The worker's code, CommonJS run with `eval`: a file would need the TypeScript loader, which a
 * worker started from vitest does not get. It starts dynalite, says which port it listens on, and
 * closes it when asked.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalite);
const server = dynalite(workerData.options);
server.once('error', (error) => parentPort.postMessage({ kind: 'failed', message: String(error && error.message), code: error && error.code }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ kind: 'listening', port: server.address().port }));
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  server.close((error) => {
    parentPort.postMessage(error ? { kind: 'failed', message: String(error.message) } : { kind: 'closed' });
    parentPort.close();
  });
});
`;

const WorkerMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('listening'), port: z.number().int().positive() }),
  z.object({ kind: z.literal('closed') }),
  z.object({ kind: z.literal('failed'), message: z.string(), code: z.string().optional() }),
]);
type WorkerMessage = z.infer<typeof WorkerMessageSchema>;

/** A failure the dynalite thread reported, with the system error code (`EADDRINUSE`) when there is one. */
export class DynaliteThreadError extends Error {
  override readonly name = 'DynaliteThreadError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const nextMessage = (worker: Worker): Promise<WorkerMessage> =>
  new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      cleanUp();
      const parsed = WorkerMessageSchema.safeParse(message);
      if (parsed.success) resolve(parsed.data);
      else reject(new DynaliteThreadError(`the dynalite thread sent ${JSON.stringify(message)}`));
    };
    const onError = (error: Error): void => {
      cleanUp();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanUp();
      reject(new DynaliteThreadError(`the dynalite thread ended with code ${code}`));
    };
    const cleanUp = (): void => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    worker.on('message', onMessage).once('error', onError).once('exit', onExit);
  });

/**
 * dynalite in a worker thread of its own: its request parsing, expression evaluation and LevelDB
 * work run beside the handlers instead of taking turns with them on the main thread, as DynamoDB is
 * a service apart on AWS. Clients reach it over HTTP on 127.0.0.1 as before.
 */
export const startDynaliteThread = async (options: DynaliteThreadOptions = {}): Promise<DynaliteThread> => {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // The parent's flags (a TypeScript loader, say) are of no use to plain CommonJS.
    execArgv: [],
    workerData: {
      dynalite: createRequire(import.meta.url).resolve('dynalite'),
      options: { path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 },
      port: options.port ?? 0,
    },
  });
  const started = await nextMessage(worker).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  if (started.kind !== 'listening') {
    await worker.terminate();
    throw new DynaliteThreadError(
      started.kind === 'failed' ? started.message : 'the dynalite thread closed before it listened',
      started.kind === 'failed' ? started.code : undefined,
    );
  }
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  const close = async (): Promise<void> => {
    if (exited) return;
    const closing = nextMessage(worker);
    worker.postMessage('close');
    const outcome = await closing;
    // The server and its database are closed: nothing is left for the thread to finish.
    await worker.terminate();
    if (outcome.kind === 'failed') throw new DynaliteThreadError(outcome.message, outcome.code);
  };
  let closed: Promise<void> | undefined;
  return {
    port: started.port,
    close: () => {
      closed ??= close();
      return closed;
    },
  };
};
