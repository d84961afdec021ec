/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` into a new project in
 * the temp directory (no link back to this checkout; peer dependencies from the registry or
 * npm's cache), and the README's quick start there: a sync-style program built with `tspc` and
 * the tsconfig plugin, the same built with `npx ts-greenlet build`, and a Koa app on
 * `ts-greenlet/koa`, which before `@koa/router` is installed fails with an error naming it.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { repo } from '../helpers/project';

const versions = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).devDependencies as Record<
  string,
  string
>;
const pinned = (name: string) => `${name}@${versions[name]}`;

/** npm's own environment without what `npm test` set for this checkout. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 90_000 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

const npmInstall = (cwd: string, specs: string[]) =>
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...specs], cwd);

const main = `import { synchronize, spawnGreenlet } from 'ts-greenlet';

const sleep = synchronize(async (ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

function greeting(name: string): string {   // plain, sync-style
  sleep(20);
  return \`hello \${name}\`;
}

let ticks = 0;
const timer = setInterval(() => ticks++, 1);
spawnGreenlet(greeting, 'package').then((g) => {
  clearInterval(timer);
  console.log(\`\${g}; the loop ran meanwhile: \${ticks > 0}\`);
});
`;

const app = `import Koa from 'koa';
import { synchronize } from 'ts-greenlet';
import { GreenletRouter } from 'ts-greenlet/koa';

const lookup = synchronize(async (id: string) => {
  await new Promise((r) => setTimeout(r, 5));
  return { id, title: \`note \${id}\` };
});
function findNote(id: string) {   // plain, sync-style
  return lookup(id);
}

const router = new GreenletRouter();
router.get('/notes/:id', (ctx) => {
  ctx.body = findNote(ctx.params.id);
});
const server = new Koa().use(router.routes()).listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as { port: number };
  const res = await fetch(\`http://127.0.0.1:\${port}/notes/7\`);
  console.log(res.status, await res.text());
  server.close();
});
`;

function tsconfig(outDir: string, files: string[]): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'node20',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      rootDir: 'src',
      outDir,
      plugins: [{ transform: 'ts-greenlet/transformer' }],
    },
    files,
  });
}

describe('the npm package', function () {
  this.timeout(180_000);
  let dir: string;
  let tarball: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-package-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], repo).stdout);
    tarball = path.join(dir, packed[0].filename);
    const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
    const outside = files.filter(
      (f) =>
        !/^dist\/(runtime|transformer)\/.*\.(js|d\.ts)$/.test(f) &&
        !['package.json', 'README.md', 'LICENSE'].includes(f),
    );
    expect(outside, 'files users do not run').to.deep.equal([]);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('installs from its tarball and builds a sync-style program with tspc and with ts-greenlet build', () => {
    const project = path.join(dir, 'app');
    fs.mkdirSync(path.join(project, 'src'), { recursive: true });
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    npmInstall(project, [tarball, pinned('typescript'), pinned('ts-patch'), pinned('@types/node')]);
    expect(
      fs.lstatSync(path.join(project, 'node_modules/ts-greenlet')).isSymbolicLink(),
      'a copy, not a link',
    ).to.equal(false);
    expect(fs.existsSync(path.join(project, 'node_modules/piscina')), 'optional peers are not installed').to.equal(
      false,
    );
    fs.writeFileSync(path.join(project, 'src/main.ts'), main);

    fs.writeFileSync(path.join(project, 'tsconfig.json'), tsconfig('dist', ['src/main.ts']));
    run(path.join(project, 'node_modules/.bin/tspc'), ['-p', '.'], project);
    expect(fs.readFileSync(path.join(project, 'dist/main.js'), 'utf8')).to.include(
      'const __tsg = require("ts-greenlet/protocol");',
    );
    expect(run('node', ['dist/main.js'], project).stdout).to.equal('hello package; the loop ran meanwhile: true\n');

    fs.writeFileSync(path.join(project, 'tsconfig.cli.json'), tsconfig('dist-cli', ['src/main.ts']));
    run('npx', ['--no-install', 'ts-greenlet', 'build', '-p', 'tsconfig.cli.json'], project);
    expect(run('node', ['dist-cli/main.js'], project).stdout).to.equal('hello package; the loop ran meanwhile: true\n');

    const missing = spawnSync('node', ['-e', "require('ts-greenlet/koa')"], { cwd: project, env, encoding: 'utf8' });
    expect(missing.status).to.not.equal(0);
    expect(missing.stderr).to.include('ts-greenlet/koa needs the package @koa/router, which is not installed');
    expect(missing.stderr).to.include('npm install @koa/router@');
    const noWs = spawnSync('node', ['-e', "require('ts-greenlet/websocket')"], { cwd: project, env, encoding: 'utf8' });
    expect(noWs.stderr).to.include('ts-greenlet/websocket needs the package ws, which is not installed');
  });

  it('runs a Koa app on ts-greenlet/koa once koa and @koa/router are installed', () => {
    const project = path.join(dir, 'app');
    npmInstall(project, [pinned('koa'), pinned('@koa/router'), pinned('@types/koa')]);
    fs.writeFileSync(path.join(project, 'src/app.ts'), app);
    fs.writeFileSync(path.join(project, 'tsconfig.json'), tsconfig('dist', ['src/app.ts']));
    run(path.join(project, 'node_modules/.bin/tspc'), ['-p', '.'], project);
    expect(run('node', ['dist/app.js'], project).stdout).to.equal('200 {"id":"7","title":"note 7"}\n');
  });
});
