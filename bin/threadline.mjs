#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, resolved from this package rather than the caller's folder.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on Node 20 that its 2027 releases will need Node 22. threadline pins the SDK
// and supports Node 20, so that warning is noise in a terminal; the SDK's own switch turns it off.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// A reader that stops early (`threadline show … | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

register();
await import('./threadline.ts');
