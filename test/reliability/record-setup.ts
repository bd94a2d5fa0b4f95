import { startRecord } from './record.ts';

/** vitest global setup: a recorded run (`npm run test:reliability`) starts from an empty record. */
export const setup = (): void => {
  startRecord();
};
