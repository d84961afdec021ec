/**
 * End to end in a real browser: Debian's headless Chromium, driven by playwright-core (which
 * downloads nothing; `.ci/run` installs the `chromium` package when it is missing). Two tabs
 * open the example's live page; a note typed into one appears in both through their WebSockets.
 * A screenshot of the second tab is kept in test-artifacts/live-page.png.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext } from 'playwright-core';
import { attachWebSockets } from '../../runtime/websocket';
import { repo } from '../helpers/project';

const dist = path.join(repo, 'examples/koa-app/dist');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('example: the live page in headless Chromium', function () {
  this.timeout(60_000);
  let server: Server;
  let url: string;
  let profile: string;
  let browser: BrowserContext;
  let db: { openDatabase(dir?: string): Promise<void>; closeDatabase(): Promise<void> };

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    db = require(path.join(dist, 'db.js'));
    const { createApp } = require(path.join(dist, 'app.js'));
    await db.openDatabase('memory://');
    const app = createApp();
    server = attachWebSockets(app.listen(0, '127.0.0.1'), app);
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/live`;
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tsg-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
    await new Promise((r) => server.close(r));
    await db.closeDatabase();
  });

  it('shows a note created in one tab in both, live', async () => {
    const [writer, watcher] = [await browser.newPage(), await browser.newPage()];
    for (const page of [writer, watcher]) {
      await page.goto(url);
      await page.locator('#status', { hasText: 'live' }).waitFor();
    }
    await writer.fill('#title', 'Seen live in Chromium');
    await writer.click('button[type=submit]');
    for (const page of [writer, watcher])
      await page.locator('#notes li', { hasText: 'Seen live in Chromium' }).waitFor();
    expect(await watcher.locator('#notes li').allTextContents()).to.deep.equal(['Seen live in Chromium']);
    const artifacts = path.join(repo, 'test-artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    await watcher.screenshot({ path: path.join(artifacts, 'live-page.png') });
  });
});
