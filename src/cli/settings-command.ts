/** `tally settings list|get|set|rotate-key`: the settings of spec section 7 and Tally's own. */
import type { Command } from 'commander';
import { getSetting, listSettings, rotateKey, setSettings, type SettingValue } from '../admin/settings.js';
import { displaySettingValue, isSecretSetting, type SettingName } from '../domain/settings.js';
import { tallyCommand } from './command-hint.js';
import { cliActor, print, table, withDbOption, withStore, type DbOption } from './context.js';
import { json } from './format.js';
import { settingJson } from './json-views.js';

export function registerSettings(program: Command): void {
  const settings = program.command('settings').description('show and change the API settings');

  withDbOption(
    settings.command('list').description('list every setting (keys are not shown)').option('--json', 'one JSON array; a key only as whether it is set'),
  ).action(async (options: DbOption & { json?: boolean }) =>
    withStore(options, async (store) => {
      const all = await listSettings(store);
      if (options.json) print(json(all.map(settingJson)));
      else print(...table([['NAME', 'VALUE', 'MEANING'], ...all.map((setting) => [setting.name, listedValue(setting), setting.description])]));
    }),
  );

  withDbOption(settings.command('get').description('print one setting').argument('<name>')).action(async (name: string, options: DbOption) =>
    withStore(options, async (store) => {
      const setting = await getSetting(store, name);
      print(displaySettingValue(setting.name, setting.stored ?? ''));
    }),
  );

  withDbOption(settings.command('set').description('change one setting').argument('<name>').argument('<value>')).action(
    async (name: string, value: string, options: DbOption) =>
      withStore(options, async (store) => {
        const stored = await setSettings(store, { [name]: value }, cliActor());
        for (const [setting, text] of stored) print(`${setting} = ${shownValue(setting, text)}`);
      }),
  );

  withDbOption(
    settings
      .command('rotate-key')
      .description('rotate a key: signature_key (the default) in two steps, a first call starting an overlap with a new key and a second ending it; api_secret_key at once')
      .argument('[name]', 'signature_key or api_secret_key', 'signature_key'),
  ).action(async (name: string, options: DbOption) =>
    withStore(options, async (store, config) => {
      const rotation = await rotateKey(store, name, cliActor());
      if (rotation.kind === 'ended') {
        print('rotation ended: only the current signature_key is accepted now');
        return;
      }
      print(`new ${rotation.name}: ${rotation.key}`);
      if (rotation.overlapping) print(`the old key is still accepted until "${tallyCommand(['settings', 'rotate-key'], config.db)}" is run again`);
      if (rotation.name === 'api_secret_key') print('the old key no longer works: give every client the new one');
    }),
  );
}

/** A key is printed only when asked for by name. */
function listedValue(setting: SettingValue): string {
  if (setting.stored === undefined) return '(missing: run tally init)';
  return shownValue(setting.name, setting.stored);
}

function shownValue(name: SettingName, stored: string): string {
  if (!isSecretSetting(name)) return stored === '' ? '(none)' : displaySettingValue(name, stored);
  if (stored !== '') return `(set, ${stored.length} characters; tally settings get ${name})`;
  return name === 'api_secret_key' ? '(empty: hash checks answer "API must have Secret Key")' : '(empty)';
}
