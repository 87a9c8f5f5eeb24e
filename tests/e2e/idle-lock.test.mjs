// Scenario 3: with TESSERA_IDLE_LOCK_SECONDS=3 an unlocked, untouched app
// locks itself and shows why.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  byTestId,
  cli,
  cliVault,
  closeApp,
  launchApp,
  screenshot,
  shown,
  storySteps,
  tempDir,
  waitForRows,
} from './lib/harness.mjs';

const PASSWORD = 'idle test passphrase, not for real use';
const IDLE_SECONDS = 3;

describe('the idle lock', () => {
  let app = null;
  let tmp;
  let vault;
  const step = storySteps(it, 'idle-lock', () => app);

  before(async () => {
    tmp = await tempDir('idle-lock');
    let pwfile;
    ({ vault, pwfile } = await cliVault(tmp.dir, PASSWORD));
    await cli(['--vault', vault, '--password-file', pwfile, 'add', 'token', 'idle-item', '--value-stdin'], {
      stdin: 'idle-item-value',
    });
    app = await launchApp({ TESSERA_VAULT: vault, TESSERA_IDLE_LOCK_SECONDS: String(IDLE_SECONDS) });
  });

  after(async () => {
    await closeApp(app);
    await tmp?.cleanup();
  });

  step(`unlocked and idle, the app locks within ~${IDLE_SECONDS + 5} s and drops the list`, async (t) => {
    await (await shown(app, 'unlock-password')).setValue(PASSWORD);
    await app.keys('Enter');
    const unlockedAt = Date.now();
    await shown(app, 'vault');
    await waitForRows(app, ['idle-item'], 2_000);

    // No input from here on: the list must go and the lock screen come back.
    await shown(app, 'unlock-password', 8_000);
    const lockedAfter = Date.now() - unlockedAt;
    t.diagnostic(`locked ${lockedAfter} ms after the unlock was submitted`);
    assert.ok(lockedAfter >= (IDLE_SECONDS - 1) * 1000, `locked too early (${lockedAfter} ms)`);
    assert.equal(await app.$(byTestId('vault')).isExisting(), false);
    assert.equal(await app.$$(byTestId('item-row')).length, 0);
    assert.ok(!(await app.getPageSource()).includes('idle-item'), 'the item name is still in the page');
    assert.match(await app.$('main [role="status"]').getText(), /without activity/);
    await screenshot(app, 'lock-idle.png');
  });
});
