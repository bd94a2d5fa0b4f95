#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, resolved from this package rather than the caller's folder.
import { register } from 'tsx/esm/api';

register();
await import('./threadline.ts');
