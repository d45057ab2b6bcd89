/** How `tally` answers a command line it cannot run: one line on stderr naming the fix. */
import type { Command } from 'commander';

/**
 * Makes `command` and every subcommand throw instead of exiting (main.ts picks the status) and
 * write a usage error as one line with commander's nearest-name suggestion and where the help is.
 */
export function configureUsageErrors(command: Command): void {
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(usageLine(text, helpCommand(command))) });
  command.commands.forEach(configureUsageErrors);
}

/** `tally user add --help`, for a usage error of `tally user add`. */
function helpCommand(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return [...names, '--help'].join(' ');
}

/**
 * Commander's error (`error: unknown command 'usr'`, then perhaps `(Did you mean user?)` on a
 * line of its own) as the one line a refusal gets:
 * `tally: unknown command 'usr' (did you mean 'user'?); see "tally --help"`.
 */
export function usageLine(text: string, help: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const parts: string[] = [];
  for (const line of lines) {
    const suggestion = /^\(Did you mean (one of )?(.+)\?\)$/.exec(line.trim());
    if (suggestion === null) {
      parts.push(line.trim().replace(/^error: /, ''));
      continue;
    }
    const names = suggestion[2]!.split(', ').map((name) => `'${name}'`);
    parts.push(`(did you mean ${suggestion[1] ?? ''}${names.join(', ')}?)`);
  }
  return `tally: ${parts.join(' ').replace(/\.$/, '')}; see "${help}"\n`;
}
