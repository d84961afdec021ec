#!/usr/bin/env node
/**
 * The `ts-greenlet` command: `build`, `generate`, `explain`, `eject`, `adopt` over a tsconfig project.
 * Exit status: 0 on success, 1 when something is reported as an error.
 */
import { CliError, parseArgs } from './args';
import { adoptCommand } from './adopt';
import { build } from './build';
import { ejectCommand } from './eject';
import { explain } from './explain';
import { generate } from './generate';
import { loadProject } from './project';

const USAGE = `Usage: ts-greenlet <command> [-p <tsconfig.json or its directory>] [options]

Commands:
  build                  emit JavaScript through the transform, as tspc with the plugin does
  generate [--outDir d]  write the transformed TypeScript to d (default: generated/ beside the tsconfig),
                         for compilers that run no transformers (TypeScript 7, esbuild, swc, Vite)
  explain [names] [--json]
                         list the coloured functions and the calls from each to its suspension point
  eject [--outDir d | --in-place] [--dry-run]
                         rewrite the project as plain async/await TypeScript that needs no ts-greenlet
                         (default: to ejected/ beside the tsconfig); --dry-run prints a unified diff
  adopt --leaf <name>[,<name>...] [--dry-run] [--force]
                         the reverse, in place: wrap the named async leaves with synchronize and make
                         sync the async functions and Koa handlers that only await them; --dry-run
                         prints a unified diff; nothing is written if the result has new type errors
                         (unless --force)

-p defaults to the tsconfig.json in the working directory.`;

export function main(argv: readonly string[], out: (line: string) => void = console.log): number {
  try {
    const args = parseArgs(argv);
    if (args.help || args.command === undefined) {
      out(USAGE);
      return args.help ? 0 : 1;
    }
    if (!['build', 'generate', 'explain', 'eject', 'adopt'].includes(args.command))
      throw new CliError(`Unknown command ${args.command}.\n\n${USAGE}`);
    if (args.outDir !== undefined && args.command !== 'generate' && args.command !== 'eject')
      throw new CliError(`--outDir is for generate and eject; build writes to the tsconfig's outDir.`);
    if (args.inPlace && args.command !== 'eject') throw new CliError(`--in-place is for eject.`);
    if (args.dryRun && args.command !== 'eject' && args.command !== 'adopt')
      throw new CliError(`--dry-run is for eject and adopt.`);
    if (args.leaves.length && args.command !== 'adopt') throw new CliError(`--leaf is for adopt.`);
    if (args.force && args.command !== 'adopt') throw new CliError(`--force is for adopt.`);
    if (args.inPlace && args.outDir !== undefined)
      throw new CliError(`eject writes either to --outDir or over the sources (--in-place), not both.`);
    if (args.names.length && args.command !== 'explain')
      throw new CliError(`Unexpected argument ${args.names[0]}: only explain takes function names.`);
    const loaded = loadProject(args.project);
    if (args.command === 'build') return build(loaded, out);
    if (args.command === 'generate') return generate(loaded, args.outDir, out);
    if (args.command === 'eject') return ejectCommand(loaded, args, out);
    if (args.command === 'adopt') return adoptCommand(loaded, args, out);
    return explain(loaded, args.names, args.json, out);
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    out(`ts-greenlet: ${e.message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
