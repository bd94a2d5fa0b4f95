import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('threadline dev', () => {
  it('says which port is taken, stops what it started and exits 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    if (address === null || typeof address === 'string') throw new Error('no port');

    const result = await runCli(['dev', '--memory'], {
      env: { THREADLINE_PORT: String(address.port), THREADLINE_SMTP_PORT: '0' },
    });
    blocker.close();

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`port ${address.port} or 0 is taken`);
  });

  it('refuses a port that is not a number', async () => {
    const result = await runCli(['dev'], { env: { THREADLINE_PORT: 'eighty' } });
    expect(result).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('THREADLINE_PORT must be a port number'),
    });
  });
});
