// Beyond the four scenarios: the device secret through Settings, against the
// real Secret Service (gnome-keyring) that scripts/e2e.sh starts. Turning it
// on stores a second key in the keyring; the next unlock needs it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  byTestId,
  cliVault,
  closeApp,
  gone,
  launchApp,
  shown,
  storySteps,
  tempDir,
  textOf,
  waitForRows,
} from './lib/harness.mjs';

const PASSWORD = 'device secret test passphrase, not for real use';

describe('device secret in the OS keyring', () => {
  let app = null;
  let tmp;
  const step = storySteps(it, 'device-secret', () => app);

  before(async () => {
    tmp = await tempDir('device');
    const { vault } = await cliVault(tmp.dir, PASSWORD);
    app = await launchApp({ TESSERA_VAULT: vault });
  });

  after(async () => {
    await closeApp(app);
    await tmp?.cleanup();
  });

  step('unlock, open Settings, create a recovery kit', async () => {
    await (await shown(app, 'unlock-password')).setValue(PASSWORD);
    await app.keys('Enter');
    await shown(app, 'empty-vault');
    await app.$(byTestId('settings')).click();
    await shown(app, 'settings-dialog');
    await (await shown(app, 'kit-create')).click();
    await shown(app, 'kit-secret');
  });

  step(
    'typing the end of the kit turns the device secret on',
    async () => {
      const secret = (await textOf(app, byTestId('kit-secret'))).replace(/[^0-9A-Za-z]/g, '');
      assert.ok(secret.length >= 16, `a recovery secret, got ${JSON.stringify(secret)}`);
      await app.$(byTestId('kit-confirm')).setValue(secret.slice(-4));
      await app.$(byTestId('device-enable-password')).setValue(PASSWORD);
      await app.$(byTestId('device-enable')).click();
      await app.waitUntil(
        async () =>
          (await textOf(app, byTestId('device-settings'))).includes('On: opening this vault also needs') ||
          (await app.$(`${byTestId('device-settings')} [role="alert"]`).isExisting()),
        { timeoutMsg: 'neither "on" nor an error after "Turn on device secret"' },
      );
      const alert = await app.$(`${byTestId('device-settings')} [role="alert"]`);
      assert.equal(await alert.isExisting(), false, `error: ${await alert.getText().catch(() => '')}`);
    },
  );

  step('with or without it, the vault still locks and unlocks with the password', async () => {
    await app.$(`${byTestId('settings-dialog')} button[aria-label="Close"]`).click();
    await gone(app, 'settings-dialog');
    await app.$(byTestId('lock')).click();
    await (await shown(app, 'unlock-password')).setValue(PASSWORD);
    await app.keys('Enter');
    await shown(app, 'vault');
    await waitForRows(app, []);
  });
});
