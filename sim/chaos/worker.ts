/**
 * A chaos worker process (forked by ./run.ts): runs the seeds it is sent, one at a time, and answers each result.
 */
import { runChaosSeed } from './one.js';

interface Job {
  seed: number;
}

process.on('message', (job: Job) => {
  void runChaosSeed(job.seed).then((result) => {
    if (process.connected) process.send?.(result);
  });
});
// The parent went away (it finished, or was stopped): nothing left to do.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
