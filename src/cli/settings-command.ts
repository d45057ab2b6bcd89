/** `tally settings list|get|set`: the settings of spec section 7. */
import type { Command } from 'commander';
import { TallyError } from '../domain/errors.js';
import {
  displaySettingValue,
  isSecretSetting,
  isSettingName,
  normalizeSettingValue,
  SETTING_DEFINITIONS,
  SETTING_NAMES,
  type SettingName,
} from '../domain/settings.js';
import { newSecretKey } from '../domain/tokens.js';
import { cliActor, print, table, withDbOption, withStore, type DbOption } from './context.js';

export function registerSettings(program: Command): void {
  const settings = program.command('settings').description('show and change the API settings');

  withDbOption(settings.command('list').description('list every setting (keys are not shown)')).action(
    async (options: DbOption) =>
      withStore(options, async (store) => {
        const stored = await store.readSettings();
        const rows = SETTING_NAMES.map((name) => {
          const value = stored.get(name);
          return [name, value === undefined ? '(missing: run tally init)' : listedValue(name, value), SETTING_DEFINITIONS[name].description];
        });
        print(...table([['NAME', 'VALUE', 'MEANING'], ...rows]));
      }),
  );

  withDbOption(settings.command('get').description('print one setting').argument('<name>')).action(
    async (name: string, options: DbOption) =>
      withStore(options, async (store) => {
        const setting = settingName(name);
        const value = (await store.readSettings()).get(setting);
        if (value === undefined) throw new TallyError('not_initialized', `${setting} is missing: run "tally init"`);
        print(displaySettingValue(setting, value));
      }),
  );

  withDbOption(settings.command('set').description('change one setting').argument('<name>').argument('<value>')).action(
    async (name: string, value: string, options: DbOption) =>
      withStore(options, async (store) => {
        const setting = settingName(name);
        const normalized = normalizeSettingValue(setting, value);
        if (!normalized.ok) throw new TallyError('invalid_value', normalized.reason);
        await store.writeSettings(new Map([[setting, normalized.stored]]), cliActor());
        print(`${setting} = ${listedValue(setting, normalized.stored)}`);
      }),
  );

  withDbOption(
    settings
      .command('rotate-key')
      .description('rotate the signing key: a first call starts an overlap with a new key, a second call ends it'),
  ).action(async (options: DbOption) =>
    withStore(options, async (store) => {
      const stored = await store.readSettings();
      const current = stored.get('signature_key') ?? '';
      if ((stored.get('signature_key_previous') ?? '') !== '') {
        await store.writeSettings(new Map([['signature_key_previous', '']]), cliActor(), 'settings.rotate_key');
        print('rotation ended: only the current signature_key is accepted now');
        return;
      }
      const next = newSecretKey();
      // One transaction: the old key becomes the previous one as the new one arrives, so no moment accepts neither key.
      const keys = new Map<string, string>(current === '' ? [] : [['signature_key_previous', current]]);
      keys.set('signature_key', next);
      await store.writeSettings(keys, cliActor(), 'settings.rotate_key');
      print(`new signature_key: ${next}`);
      if (current !== '') print('the old key is still accepted until "tally settings rotate-key" is run again');
    }),
  );
}

function settingName(name: string): SettingName {
  if (!isSettingName(name)) throw new TallyError('invalid_value', `no setting "${name}"; the settings are: ${SETTING_NAMES.join(', ')}`);
  return name;
}

/** A key is printed only when asked for by name. */
function listedValue(name: SettingName, stored: string): string {
  if (!isSecretSetting(name)) return stored === '' ? '(none)' : displaySettingValue(name, stored);
  if (stored !== '') return `(set, ${stored.length} characters; tally settings get ${name})`;
  return name === 'api_secret_key' ? '(empty: hash checks answer "API must have Secret Key")' : '(empty)';
}
