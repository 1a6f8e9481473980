// One cold start, in a fresh Node process: import the bundle, handle one event, print the timings (ms since the
// process started) as the last line. Usage: node cold-start-child.mjs <bundle.mjs> <event.json>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const beforeImport = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const imported = performance.now();
const context = { functionName: 'bench', awsRequestId: 'bench-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench', getRemainingTimeInMillis: () => 30_000 };
let error;
try {
  await mod.handler(event, context);
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
const handled = performance.now();
process.stdout.write(`\n@@cold-start ${JSON.stringify({ bootMs: beforeImport, importMs: imported - beforeImport, firstEventMs: handled - imported, totalMs: handled, error })}\n`);
