import { main } from '../../lib/cli/main.js';
import { repoRoot } from './fixtures.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the ecs-ops command in process with captured output, as `bin/ecs-ops ARGV` would from `cwd`. */
export async function runCli(argv: string[], options: { cwd?: string; env?: Record<string, string>; signal?: AbortSignal; onStdout?: (text: string) => void } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
        options.onStdout?.(stdout);
      },
    },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: options.env ?? {},
    cwd: options.cwd ?? repoRoot,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr };
}
