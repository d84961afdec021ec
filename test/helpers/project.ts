/**
 * A real TypeScript project in a temp directory: `src/` with the given files, a tsconfig with the
 * ts-greenlet plugin entry, and `node_modules/ts-greenlet` linked to this repo, as a user has it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repo = path.resolve(__dirname, '../../..');

export function makeProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-project-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'ts-greenlet'), 'dir');
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'node20',
      strict: true,
      skipLibCheck: true,
      sourceMap: true,
      rootDir: 'src',
      outDir: 'dist',
      types: ['node'],
      typeRoots: [path.join(repo, 'node_modules/@types')],
      plugins: [{ transform: 'ts-greenlet/transformer' }],
    },
    include: ['src'],
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'src', name), text);
  return dir;
}
