// Scenario 2: what the CLI writes while the app is unlocked shows up in the
// app without a restart (the app polls SQLite's data_version once a second).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  byTestId,
  cli,
  cliVault,
  closeApp,
  launchApp,
  shown,
  storySteps,
  tempDir,
  waitForRows,
} from './lib/harness.mjs';

const PASSWORD = 'sync test passphrase, not for real use';
const FROM_CLI_VALUE = 'cli-written-value-7c1e9a';

describe('items written by the CLI appear in the running app', () => {
  let app = null;
  let tmp;
  let vault;
  let pwfile;
  const step = storySteps(it, 'cli-sync', () => app);

  before(async () => {
    tmp = await tempDir('cli-sync');
    ({ vault, pwfile } = await cliVault(tmp.dir, PASSWORD));
    await cli(['--vault', vault, '--password-file', pwfile, 'add', 'api-key', 'before-launch', '--service', 'Acme', '--value-stdin'], {
      stdin: 'before-launch-value',
    });
    app = await launchApp({ TESSERA_VAULT: vault });
  });

  after(async () => {
    await closeApp(app);
    await tmp?.cleanup();
  });

  step('the vault the CLI made unlocks in the app', async () => {
    await (await shown(app, 'unlock-password')).setValue(PASSWORD);
    await app.keys('Enter');
    await shown(app, 'vault');
    await waitForRows(app, ['before-launch']);
  });

  step('`tessera add` while the app is unlocked: the row appears within 5 s', async (t) => {
    const started = Date.now();
    await cli(['--vault', vault, '--password-file', pwfile, 'add', 'secret', 'from-cli', '--value-stdin'], {
      stdin: FROM_CLI_VALUE,
    });
    const written = Date.now();
    await waitForRows(app, ['before-launch', 'from-cli'], 5_000);
    t.diagnostic(`CLI took ${written - started} ms; the row appeared ${Date.now() - written} ms after it exited`);
  });

  step('the app reads the value the CLI wrote', async () => {
    await app.$(`${byTestId('item-row')}[data-name="from-cli"]`).click();
    await app.waitUntil(async () => (await app.$(byTestId('item-name')).getText()) === 'from-cli', {
      timeoutMsg: 'from-cli did not open',
    });
    await app.$(byTestId('reveal')).click();
    await app.waitUntil(async () => (await app.$(byTestId('value')).getText()).trim() === FROM_CLI_VALUE, {
      timeoutMsg: 'the revealed value is not what the CLI wrote',
    });
  });

  step('`tessera rm` of the open item: the row and the panel go', async () => {
    await cli(['--vault', vault, '--password-file', pwfile, 'rm', '--yes', 'from-cli']);
    await waitForRows(app, ['before-launch'], 5_000);
    await app.$(byTestId('item-panel')).waitForExist({ reverse: true, timeout: 5_000 });
    assert.ok(!(await app.getPageSource()).includes(FROM_CLI_VALUE));
  });
});
