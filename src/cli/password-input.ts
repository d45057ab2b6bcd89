/** Reading a password: from standard input (`--password-stdin`), or typed at a terminal without echo. */
import { StringDecoder } from 'node:string_decoder';
import { CliRefusal } from './messages.js';

/** Standard input less one trailing newline (`\n`), as `docker login --password-stdin` reads it. */
export async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * Asks twice on the terminal, echoing nothing, and insists both agree. Without a terminal there
 * is no one to ask: the password must come with --password-stdin.
 */
export async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new CliRefusal('no terminal to type a password in: give it on standard input with --password-stdin');
  }
  const first = await askHidden('Password: ');
  const second = await askHidden('Password again: ');
  if (first !== second) throw new CliRefusal('the two passwords differ; nothing changed');
  return first;
}

function askHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    // A character may arrive split across two reads.
    const decoder = new StringDecoder('utf8');
    const finish = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: Buffer): void => {
      for (const char of decoder.write(data)) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new CliRefusal('interrupted; nothing changed'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        // An arrow key or another control sequence is no part of a password: refused, not kept.
        else if (char < ' ') return finish(new CliRefusal('a password cannot hold control characters (an arrow key, a tab); nothing changed'));
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}
