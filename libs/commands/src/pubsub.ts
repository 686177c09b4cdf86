import { globMatch } from './cmd/util';

/** What a client subscribed to; the counts of subscribe replies come from here. */
export class Subscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();

  /** Redis's clientSubscriptionsCount: channels plus patterns (shard channels count apart). */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  get any(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }
}

export interface Subscriber {
  readonly id: number;
  readonly subscriptions: Subscriptions;
  /** Delivers one message: a push in RESP3, an array in RESP2. */
  deliver(kind: 'message' | 'pmessage' | 'smessage', pattern: string | null, channel: string, payload: string): void;
}

type Registry = Map<string, Set<Subscriber>>;

function add(reg: Registry, name: string, s: Subscriber): void {
  let set = reg.get(name);
  if (!set) reg.set(name, (set = new Set()));
  set.add(s);
}

function remove(reg: Registry, name: string, s: Subscriber): void {
  const set = reg.get(name);
  if (!set) return;
  set.delete(s);
  if (set.size === 0) reg.delete(name);
}

/** Channels, patterns and shard channels of one server, and message delivery. */
export class PubSubHub {
  readonly channels: Registry = new Map();
  readonly patterns: Registry = new Map();
  readonly shardChannels: Registry = new Map();

  /** Returns false when already subscribed. */
  subscribe(s: Subscriber, kind: 'channel' | 'pattern' | 'shard', name: string): boolean {
    const own = this.own(s, kind);
    if (own.has(name)) return false;
    own.add(name);
    add(this.registry(kind), name, s);
    return true;
  }

  unsubscribe(s: Subscriber, kind: 'channel' | 'pattern' | 'shard', name: string): boolean {
    const own = this.own(s, kind);
    if (!own.delete(name)) return false;
    remove(this.registry(kind), name, s);
    return true;
  }

  /** Drops every subscription of a client that goes away. */
  removeAll(s: Subscriber): void {
    for (const kind of ['channel', 'pattern', 'shard'] as const) for (const n of [...this.own(s, kind)]) this.unsubscribe(s, kind, n);
  }

  /** PUBLISH: receivers count as in Redis (one per channel subscriber plus one per matching pattern subscription). */
  publish(channel: string, payload: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const s of subs) s.deliver('message', null, channel, payload);
      n += subs.size;
    }
    if (this.patterns.size) {
      for (const [pattern, set] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        for (const s of set) s.deliver('pmessage', pattern, channel, payload);
        n += set.size;
      }
    }
    return n;
  }

  spublish(channel: string, payload: string): number {
    const subs = this.shardChannels.get(channel);
    if (!subs) return 0;
    for (const s of subs) s.deliver('smessage', null, channel, payload);
    return subs.size;
  }

  private own(s: Subscriber, kind: 'channel' | 'pattern' | 'shard'): Set<string> {
    return kind === 'channel' ? s.subscriptions.channels : kind === 'pattern' ? s.subscriptions.patterns : s.subscriptions.shardChannels;
  }

  private registry(kind: 'channel' | 'pattern' | 'shard'): Registry {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shardChannels;
  }
}
