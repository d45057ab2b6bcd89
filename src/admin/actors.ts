/** The actor of a change made on this machine by an operating-system user: the CLI, `tally serve --init`. */
import { userInfo } from 'node:os';
import type { Actor } from '../domain/actor.js';

/** `cli:` and the operating-system user; `cli:uid-N` or `cli:unknown` where the user has no name. */
export function operatingSystemActor(): Actor {
  return { source: 'cli', name: `cli:${operatingSystemUser()}` };
}

function operatingSystemUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A uid without a passwd entry (a container's arbitrary uid) makes userInfo throw.
    const uid = process.getuid?.();
    return uid === undefined ? 'unknown' : `uid-${uid}`;
  }
}
