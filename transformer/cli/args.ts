/**
 * Command-line arguments: `ts-greenlet <command> [-p <tsconfig>] [--outDir <dir>] [--json] [--in-place] [--dry-run] [--leaf <names>] [--force] [names...]`.
 * Parsed by `node:util`'s `parseArgs`; unknown flags are errors that name the flag and list the ones
 * the command takes.
 */
import { parseArgs as parseArgsUtil } from 'node:util';

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
  /** `eject --in-place`: rewrite the sources themselves. */
  inPlace: boolean;
  /** `eject --dry-run`: print a unified diff, write nothing. */
  dryRun: boolean;
  /** `adopt --leaf a,b --leaf c`: the leaf functions, split at commas. */
  leaves: string[];
  /** `adopt --force`: write the result even if it has new type errors. */
  force: boolean;
  /** Positional arguments after the command (`explain` takes function names). */
  names: string[];
}

/** The flags, for `node:util`'s `parseArgs`; `--out-dir` is `--outDir`'s alias. */
const OPTIONS = {
  project: { type: 'string', short: 'p' },
  outDir: { type: 'string' },
  'out-dir': { type: 'string' },
  json: { type: 'boolean' },
  'in-place': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  leaf: { type: 'string', multiple: true },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseArgs(argv: readonly string[]): Args {
  let parsed;
  try {
    parsed = parseArgsUtil({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError(e);
  }
  const { values, positionals } = parsed;
  const [command, ...names] = positionals;
  return {
    command,
    project: values.project,
    outDir: values.outDir ?? values['out-dir'],
    json: !!values.json,
    help: !!values.help,
    inPlace: !!values['in-place'],
    dryRun: !!values['dry-run'],
    leaves: (values.leaf ?? [])
      .flatMap((l) => l.split(','))
      .map((l) => l.trim())
      .filter(Boolean),
    force: !!values.force,
    names,
  };
}

/** parseArgs's errors in the CLI's words: the flag at fault and what it takes. */
function usageError(e: unknown): unknown {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /Unknown option '([^']+)'/.exec(err.message)?.[1] ?? '';
    return new CliError(
      `Unknown option ${flag}. Options: -p <tsconfig>, --outDir <dir> (generate, eject), --json (explain), --in-place (eject), --dry-run (eject, adopt), --leaf <names> and --force (adopt), --help.`,
    );
  }
  if (err?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /Option '(-[^,' ]+)/.exec(err.message)?.[1] ?? 'the option';
    return new CliError(`${flag} needs a value: ${flag} <path>.`);
  }
  return e;
}
