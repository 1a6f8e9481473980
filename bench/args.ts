/** The command line of `npm run bench` (bench/index.ts). */
import { BadArgument, parseDevArgs, type DevArgs } from '../sim/dev-args.js';

export const BENCH_USAGE = `usage: npm run bench -- [NAME ...] [--update]
  NAME        run only these benchmarks (bench/NAME.bench.ts); default: all
  --update    write the results to the tracked bench/results/NAME.json (default: bench/results/local/, untracked)
  --help      this text`;

export interface BenchArgs {
  /** The benchmarks to run, in file order. */
  names: string[];
  update: boolean;
}

/** `available`: the names of the bench/*.bench.ts files. */
export function parseBenchArgs(argv: readonly string[], available: readonly string[]): DevArgs<BenchArgs> {
  return parseDevArgs(argv, { update: { type: 'boolean' } }, true, (values, positionals) => {
    const unknown = positionals.filter((name) => !available.includes(name));
    if (unknown.length > 0) {
      throw new BadArgument(`no benchmark named ${unknown.map((n) => `'${n}'`).join(', ')} (there are: ${available.join(', ')})`);
    }
    const wanted = new Set(positionals);
    return { names: available.filter((name) => wanted.size === 0 || wanted.has(name)), update: values.update === true };
  });
}
