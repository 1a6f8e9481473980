/**
 * A chaos worker process (forked by ./run.ts): runs the seeds it is sent, one at a time, and answers each result.
 */
import { runChaosSeed } from './one.js';

interface Job {
  seed: number;
  timeScale: number;
}

process.on('message', (job: Job) => {
  void runChaosSeed(job.seed, { timeScale: job.timeScale }).then((result) => {
    process.send?.(result);
  });
});
process.send?.({ ready: true });
