/**
 * Every `ecs-ops` subcommand, in the order `ecs-ops --help` lists them: its name, its lines in that overview, and how
 * to load its module. Modules load only when their command runs (or shows its help), so that `ecs-ops --help` and
 * `--version` start without the AWS SDK, the config schema or the simulator. A new command: its module exports a
 * `Command` (../command.ts), and gets an entry here.
 */
import type { Command } from '../command.js';

export interface CommandEntry {
  name: string;
  /** Lines for the overview in `ecs-ops --help`: [synopsis, description]. */
  overview: readonly (readonly [string, string])[];
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'config',
    overview: [
      ['config check [FILE]', 'Validate a config file (default: $ECS_OPS_CONFIG or ecs-ops.config.yml)'],
      ['config schema', 'Print the JSON Schema of the config file'],
    ],
    load: async () => (await import('./config.js')).configCommand,
  },
  { name: 'place', overview: [['place --instances FILE --task-definition FILE', 'Plan where ECS would place tasks (constraints, strategies, reasons)']], load: async () => (await import('./place.js')).placeCommand },
  { name: 'cql', overview: [['cql -e EXPR -i FILE [-t FILE]', 'Select container instances with a cluster query language expression']], load: async () => (await import('./cql.js')).cqlCommand },
  { name: 'simulate', overview: [['simulate FILE', 'Run a simulator scenario against the packaged functions; report as text, JSON or HTML']], load: async () => (await import('./simulate.js')).simulateCommand },
  { name: 'sim', overview: [['sim serve SCENARIO [--port N]', "Serve a scenario's simulated AWS account locally (try audit, run, digest, verify, status on it)"]], load: async () => (await import('./sim.js')).simCommand },
  { name: 'digest', overview: [['digest -c NAME -s DURATION', 'Print what scaled in a cluster, when and why']], load: async () => (await import('./digest.js')).digestCommand },
  { name: 'run', overview: [['run NAME [--wait]', 'Run a schedule once, now (with --wait: exit with its result)']], load: async () => (await import('./run.js')).runCommand },
  { name: 'audit', overview: [['audit --cluster NAME [--config FILE]', 'Audit task placement against the placement policies (read-only)']], load: async () => (await import('./audit.js')).auditCommand },
  { name: 'verify', overview: [['verify [--config FILE]', 'Check the config against the account before deploying (read-only)']], load: async () => (await import('./verify.js')).verifyCommand },
  { name: 'status', overview: [['status [--stage S] [--config FILE]', 'Show a deployed stage and whether it is healthy (read-only)']], load: async () => (await import('./status.js')).statusCommand },
];
