/**
 * `ecs-ops sim serve SCENARIO`: the simulated account of a scenario (its fleet, IAM, the operator's credentials) on a
 * local port, so that the AWS-calling commands (audit, run, digest, ...) can be tried without an account.
 *
 * The simulator is development tooling loaded with a dynamic import when this command runs (as `simulate` does).
 */
import { resolve } from 'node:path';
import { DURATION_PATTERN } from '../../config/schema.js';
import { COMMON_OPTIONS_HELP, ExitCode, InputError, parseCommandArgs, UsageError, type CliIo, type Command } from '../command.js';

const DEFAULT_ADVANCE = '2m';
/** How often the world's clock catches up with real time. */
const TICK_MS = 200;

const USAGE = `Usage:
  ecs-ops sim serve SCENARIO [--port N] [--advance DURATION] [--output text|json]

Starts the simulated AWS account of a scenario (sim/scenarios/*.yml: its clusters, instances, services, ASGs, task
definitions) on 127.0.0.1 and prints the environment that points the AWS SDK, the AWS CLI and ecs-ops at it:
AWS_ENDPOINT_URL, AWS_REGION, the access key and secret of the simulated operator role (IAM is enforced: the
role allows what the ecs-ops commands need, and nothing else), and ECS_OPS_CONFIG (the scenario's config). Runs until
interrupted (Ctrl-C). The scenario's timeline and expectations are not run: use ecs-ops simulate for those.

The world's clock starts DURATION in the past and is moved to now at once (instances register, services reach
their desired count), then follows real time.

Options:
      --port N            Listen on this port (default: a free one)
      --advance DURATION  How long the fleet runs before it is served: 30s, 10m, 1h (default ${DEFAULT_ADVANCE})
${COMMON_OPTIONS_HELP}

JSON output: one line {"url", "region", "account", "configFile", "env": {...}} once the account is up.

Exit codes: 0 stopped by an interrupt, 2 bad scenario or arguments.
`;

export const simCommand: Command = {
  name: 'sim',
  overview: [['sim serve SCENARIO [--port N]', "Serve a scenario's simulated AWS account locally (try audit, run, digest on it)"]],
  usage: USAGE,
  run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'serve') return serve(rest, io);
    if (sub === undefined) throw new UsageError('missing subcommand: serve', simCommand);
    throw new UsageError(`unknown subcommand "sim ${sub}"`, simCommand);
  },
};

function durationMs(text: string): number {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) throw new UsageError(`invalid --advance "${text}": write a number with a unit s, m, h or d, e.g. 10m`, simCommand);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

async function serve(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, output } = parseCommandArgs(simCommand, args, { port: { type: 'string' }, advance: { type: 'string' } });
  if (values.help === true) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing SCENARIO (a scenario file, e.g. sim/scenarios/tour.yml)' : `sim serve takes one SCENARIO, got ${positionals.length}`, simCommand);
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535) throw new UsageError(`--port must be a port number (0-65535), got "${values.port}"`, simCommand);
  }
  const advanceMs = durationMs(values.advance ?? DEFAULT_ADVANCE);
  const file = positionals[0] ?? '';

  const scenarios = await import('../../../sim/scenario/index.js');
  const { startSimulatedAccount } = await import('../../../sim/account.js');
  let scenario;
  try {
    scenario = scenarios.loadScenarioFile(resolve(io.cwd, file), file);
  } catch (error) {
    if (!(error instanceof scenarios.ScenarioLoadError)) throw error;
    io.stderr.write(`${scenarios.formatScenarioErrors(error.errors).join('\n')}\n`);
    return ExitCode.badInput;
  }
  // Real time from here on: the CLI's own clock (digest windows, run's waits) and the world's agree.
  const now = Math.floor(Date.now() / 1000) * 1000;
  let account;
  try {
    account = await startSimulatedAccount(scenario, { startMs: now - advanceMs, advanceMs, ...(port !== undefined ? { port } : {}) });
  } catch (error) {
    if (error instanceof scenarios.FleetBuildError) throw new InputError(`${file}: the simulated AWS refused the fleet: ${error.message}`);
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') throw new InputError(`port ${port ?? 0} is in use: pick another with --port`);
    throw error;
  }
  const { world } = account;
  const offset = world.now() - Date.now();
  const timer = setInterval(() => {
    world.clock.advanceTo(Date.now() + offset);
  }, TICK_MS);
  const env = { ...account.operatorEnv, ECS_OPS_CONFIG: account.configFile };
  if (output === 'json') {
    io.stdout.write(`${JSON.stringify({ url: account.server.url, region: account.region, account: account.account, configFile: account.configFile, env })}\n`);
  } else {
    const clusters = scenario.config.clusters.map((c) => c.name);
    io.stdout.write(
      [
        `Simulated account ${account.account} (${account.region}) of ${scenario.name} on ${account.server.url}`,
        '',
        'Point the AWS SDK, the AWS CLI and ecs-ops at it (in another shell):',
        ...Object.entries(env).map(([name, value]) => `  export ${name}=${value}`),
        '  unset AWS_PROFILE AWS_SESSION_TOKEN',
        '',
        `Then, e.g.: ecs-ops audit --cluster ${clusters[0] ?? 'NAME'}; ecs-ops digest --cluster ${clusters[0] ?? 'NAME'} --since 1h${scenario.config.schedules[0] ? `; ecs-ops run ${scenario.config.schedules[0].name}` : ''}`,
        'Ctrl-C stops it.',
        '',
      ].join('\n'),
    );
  }
  await new Promise<void>((done) => {
    if (io.signal === undefined) return; // no way to be interrupted but the process ending
    if (io.signal.aborted) done();
    else io.signal.addEventListener('abort', () => { done(); }, { once: true });
  });
  clearInterval(timer);
  await account.close();
  if (output === 'text') io.stderr.write('ecs-ops sim serve: stopped\n');
  return ExitCode.ok;
}
