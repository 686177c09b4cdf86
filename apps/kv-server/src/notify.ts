/** notify-keyspace-events parsed as Redis does (keyspaceEventsStringToFlags), cached per string. */
export interface NotifyFlags {
  keyspace: boolean;
  keyevent: boolean;
  /** The event classes enabled, as their letters. */
  classes: string;
}

const ALL = 'g$lshzxetd';
let cachedFor: string | undefined;
let cached: NotifyFlags = { keyspace: false, keyevent: false, classes: '' };

/** Returns null when the string has a letter Redis does not know. */
export function parseNotifyFlagsStrict(s: string): NotifyFlags | null {
  let classes = '';
  let keyspace = false;
  let keyevent = false;
  for (const ch of s) {
    if (ch === 'K') keyspace = true;
    else if (ch === 'E') keyevent = true;
    else if (ch === 'A') classes += ALL;
    else if ('g$lshzxetdmn'.includes(ch)) classes += ch;
    else return null;
  }
  // Without K or E nothing is published at all.
  if (!keyspace && !keyevent) classes = '';
  return { keyspace, keyevent, classes };
}

export function parseNotifyFlags(s: string): NotifyFlags {
  if (s !== cachedFor) {
    cachedFor = s;
    cached = parseNotifyFlagsStrict(s) ?? { keyspace: false, keyevent: false, classes: '' };
  }
  return cached;
}
