import { HashValue, ListValue, SetValue, StreamValue, Value, ZSetValue } from './values';

/** A deep copy of a value (COPY). Strings are immutable and shared. */
export function cloneValue(v: Value): Value {
  if (typeof v === 'string') return v;
  if (v instanceof ListValue) {
    const c = new ListValue();
    for (let i = 0; i < v.items.length; i++) c.items.pushBack(v.items.at(i));
    return c;
  }
  if (v instanceof HashValue) {
    const c = new HashValue();
    for (const [f, x] of v.map) c.map.set(f, x);
    c.compact = v.compact;
    return c;
  }
  if (v instanceof SetValue) {
    const c = new SetValue();
    for (const m of v.set) c.set.add(m);
    c.encoding = v.encoding;
    return c;
  }
  if (v instanceof ZSetValue) {
    const c = new ZSetValue();
    for (const [m, s] of v.entries()) c.set(m, s);
    c.compact = v.compact;
    return c;
  }
  if (v instanceof StreamValue) return v.clone();
  throw new Error('cloneValue: unknown value type');
}
