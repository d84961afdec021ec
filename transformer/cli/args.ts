/**
 * Command-line arguments: `ts-greenlet <command> [-p <tsconfig>] [--outDir <dir>] [--json] [names...]`.
 * Unknown flags are errors that name the flag and list the ones the command takes.
 */

/** An error the CLI prints as it is (no stack) before exiting with status 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface Args {
  command: string | undefined;
  project?: string;
  outDir?: string;
  json: boolean;
  help: boolean;
  /** Positional arguments after the command (`explain` takes function names). */
  names: string[];
}

const VALUE_FLAGS: Record<string, 'project' | 'outDir'> = { '-p': 'project', '--project': 'project', '--outDir': 'outDir', '--out-dir': 'outDir' };

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: undefined, json: false, help: false, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag in VALUE_FLAGS) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('-')) throw new CliError(`${flag} needs a value: ${flag} <path>.`);
      args[VALUE_FLAGS[flag]] = value;
    } else if (a === '--json') args.json = true;
    else if (a === '-h' || a === '--help') args.help = true;
    else if (a.startsWith('-')) throw new CliError(`Unknown option ${a}. Options: -p <tsconfig>, --outDir <dir> (generate), --json (explain), --help.`);
    else if (args.command === undefined) args.command = a;
    else args.names.push(a);
  }
  return args;
}
