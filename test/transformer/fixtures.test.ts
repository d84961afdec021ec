/**
 * Golden fixtures: `fixtures/<feature>/<case>/input.ts` (plus any other `.ts` files of the case)
 * compiles to `output.js`; `diagnostics.txt` holds ts-greenlet's diagnostics when there are any;
 * `exec.txt` is what running `output.js` prints; `options.json`, if any, adds compiler options
 * (`{ "experimentalDecorators": true }`). `UPDATE=1 npm test` rewrites the goldens.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { compile } from '../helpers/compile';

const root = path.resolve(__dirname, '../../../fixtures');
const update = process.env.UPDATE === '1';

function golden(file: string, actual: string): void {
  if (update) {
    if (actual === '') fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, actual);
    return;
  }
  const expected = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  expect(actual, path.relative(root, file)).to.equal(expected);
}

describe('fixtures', function () {
  this.timeout(60_000);
  for (const feature of fs.readdirSync(root).sort()) {
    const featureDir = path.join(root, feature);
    if (!fs.statSync(featureDir).isDirectory()) continue;
    describe(feature, () => {
      for (const name of fs.readdirSync(featureDir).sort()) {
        const dir = path.join(featureDir, name);
        if (!fs.existsSync(path.join(dir, 'input.ts'))) continue;
        it(name, () => {
          const inputs = fs
            .readdirSync(dir)
            .filter((f) => f.endsWith('.ts'))
            .map((f) => path.join(dir, f));
          const optionsFile = path.join(dir, 'options.json');
          const options = fs.existsSync(optionsFile) ? JSON.parse(fs.readFileSync(optionsFile, 'utf8')) : {};
          const out = compile(inputs, dir, options);
          expect(out.typeErrors, 'the fixture must type-check').to.deep.equal([]);
          const js = out.js.get(path.join(dir, 'input.ts'));
          expect(js, 'output for input.ts').to.be.a('string');
          golden(path.join(dir, 'output.js'), js!);
          for (const [file, text] of out.js) {
            if (path.basename(file) !== 'input.ts') golden(file.replace(/\.ts$/, '.output.js'), text);
          }
          golden(path.join(dir, 'diagnostics.txt'), out.diagnostics.map((d) => `${d}\n`).join(''));
          const execFile = path.join(dir, 'exec.txt');
          if (out.diagnostics.length === 0 && (fs.existsSync(execFile) || update)) {
            // Run the emitted code as written to disk: the other files are required by their .js name.
            const tmp = fs.mkdtempSync(path.join(dir, '.run-'));
            try {
              for (const [file, text] of out.js)
                fs.writeFileSync(path.join(tmp, path.basename(file).replace(/\.ts$/, '.js')), text);
              const stdout = execFileSync(process.execPath, [path.join(tmp, 'input.js')], {
                cwd: dir,
                encoding: 'utf8',
                timeout: 20_000,
              });
              golden(execFile, stdout);
            } finally {
              fs.rmSync(tmp, { recursive: true, force: true });
            }
          }
        });
      }
    });
  }
});
