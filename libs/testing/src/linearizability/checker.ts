import { Bitset } from './bitset';
import type { CheckOptions, CheckResult, HistoryEvent, Model, Operation, Time } from './types';

// Wing & Gong's search as Porcupine implements it (with Lowe's memoization): walk the history in
// real-time order; try to linearize each pending call whose return has not been passed; on
// reaching a return whose call is not yet linearized, backtrack. A (linearized set, state) pair
// already explored is never explored again. Each partition of the history is searched alone.

/** A call or return in a doubly linked list; a call's `match` is its return. */
interface ListNode {
  id: number;
  match: ListNode | null;
  prev: ListNode | null;
  next: ListNode | null;
}

interface Entry {
  kind: 'call' | 'return';
  id: number;
  time: Time;
}

/** One partition, ready for the search: inputs and outputs by operation id. */
interface Subhistory<I, O> {
  entries: Entry[];
  inputs: I[];
  outputs: O[];
}

export interface PartitionOutcome {
  result: CheckResult;
  /** ids (positions within the partition) of the longest sequence that could be linearized */
  longestLinearization: number[];
}

function compareTimes(a: Time, b: Time): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function subhistoryOfOperations<I, O>(operations: Operation<I, O>[]): Subhistory<I, O> {
  const entries: Entry[] = [];
  operations.forEach((op, id) => {
    entries.push({ kind: 'call', id, time: op.call }, { kind: 'return', id, time: op.return });
  });
  // At equal times calls go first: operations that touch in time count as concurrent.
  entries.sort((a, b) => compareTimes(a.time, b.time) || (a.kind === b.kind ? 0 : a.kind === 'call' ? -1 : 1));
  return { entries, inputs: operations.map((op) => op.input), outputs: operations.map((op) => op.output) };
}

function subhistoryOfEvents<I, O>(events: HistoryEvent<I, O>[]): Subhistory<I, O> {
  const renumbered = new Map<number, number>();
  const inputs: I[] = [];
  const outputs: O[] = [];
  const entries: Entry[] = [];
  const returned = new Set<number>();
  events.forEach((event, position) => {
    let id = renumbered.get(event.id);
    if (event.kind === 'call') {
      if (id !== undefined) throw new Error(`event id ${event.id} is called twice`);
      id = renumbered.size;
      renumbered.set(event.id, id);
      inputs[id] = event.value;
    } else {
      if (id === undefined) throw new Error(`event id ${event.id} returns before it is called`);
      outputs[id] = event.value;
      returned.add(id);
    }
    entries.push({ kind: event.kind, id, time: position });
  });
  if (returned.size !== renumbered.size) throw new Error('every call needs a return event (use an unknown output at the end)');
  return { entries, inputs, outputs };
}

function linkEntries(entries: Entry[]): ListNode {
  const head: ListNode = { id: -1, match: null, prev: null, next: null };
  const returns = new Map<number, ListNode>();
  let last = head;
  // Returns are created before their calls' nodes need them: link returns first by a pre-pass.
  for (const entry of entries) if (entry.kind === 'return') returns.set(entry.id, { id: entry.id, match: null, prev: null, next: null });
  for (const entry of entries) {
    const node: ListNode =
      entry.kind === 'return' ? (returns.get(entry.id) as ListNode) : { id: entry.id, match: returns.get(entry.id) ?? null, prev: null, next: null };
    node.prev = last;
    last.next = node;
    last = node;
  }
  return head;
}

/** Unlinks a call and its return: the operation is linearized. */
function lift(call: ListNode): void {
  const ret = call.match as ListNode;
  (call.prev as ListNode).next = call.next;
  (call.next as ListNode).prev = call.prev;
  (ret.prev as ListNode).next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

/** Relinks them, exactly undoing lift. */
function unlift(call: ListNode): void {
  const ret = call.match as ListNode;
  (ret.prev as ListNode).next = ret;
  if (ret.next) ret.next.prev = ret;
  (call.prev as ListNode).next = call;
  (call.next as ListNode).prev = call;
}

class VisitedCache<S> {
  private readonly buckets = new Map<number, Array<{ linearized: Bitset; state: S }>>();

  constructor(private readonly equal: (a: S, b: S) => boolean) {}

  /** Adds the pair; false if it was already there. */
  add(linearized: Bitset, state: S): boolean {
    const hash = linearized.hash();
    let bucket = this.buckets.get(hash);
    if (!bucket) {
      bucket = [];
      this.buckets.set(hash, bucket);
    }
    for (const seen of bucket) if (seen.linearized.equals(linearized) && this.equal(seen.state, state)) return false;
    bucket.push({ linearized, state });
    return true;
  }
}

const DEADLINE_CHECK_INTERVAL = 1024;

function checkSubhistory<S, I, O>(model: Model<S, I, O>, history: Subhistory<I, O>, deadline: number): PartitionOutcome {
  const equal = model.equal ? model.equal.bind(model) : Object.is;
  const count = history.inputs.length;
  const head = linkEntries(history.entries);
  const linearized = Bitset.ofSize(count);
  const cache = new VisitedCache<S>(equal);
  const calls: Array<{ node: ListNode; stateBefore: S }> = [];
  let longest: number[] = [];
  let state = model.init();
  let node = head.next;
  let steps = 0;
  while (head.next !== null && node !== null) {
    if (++steps % DEADLINE_CHECK_INTERVAL === 0 && Date.now() > deadline) {
      return { result: 'unknown', longestLinearization: longest };
    }
    if (node.match !== null) {
      const [legal, nextState] = model.step(state, history.inputs[node.id], history.outputs[node.id]);
      if (legal && cache.add(linearized.clone().set(node.id), nextState)) {
        calls.push({ node, stateBefore: state });
        state = nextState;
        linearized.set(node.id);
        lift(node);
        node = head.next;
      } else {
        node = node.next;
      }
    } else {
      // A return whose call is still pending: no order of the calls so far works; backtrack.
      if (calls.length === 0) return { result: 'illegal', longestLinearization: longest };
      if (calls.length > longest.length) longest = calls.map((c) => c.node.id);
      const top = calls.pop() as { node: ListNode; stateBefore: S };
      state = top.stateBefore;
      linearized.clear(top.node.id);
      unlift(top.node);
      node = top.node.next;
    }
  }
  return { result: 'ok', longestLinearization: calls.map((c) => c.node.id) };
}

function deadlineOf(options: CheckOptions | undefined): number {
  return options?.timeoutMs !== undefined && options.timeoutMs > 0 ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
}

function combine(outcomes: PartitionOutcome[]): CheckResult {
  if (outcomes.some((o) => o.result === 'illegal')) return 'illegal';
  if (outcomes.some((o) => o.result === 'unknown')) return 'unknown';
  return 'ok';
}

function checkAll<S, I, O>(model: Model<S, I, O>, subhistories: Subhistory<I, O>[], options?: CheckOptions): PartitionOutcome[] {
  const deadline = deadlineOf(options);
  const outcomes: PartitionOutcome[] = [];
  for (const subhistory of subhistories) {
    const outcome = checkSubhistory(model, subhistory, deadline);
    outcomes.push(outcome);
    if (outcome.result === 'illegal') break; // one violation decides
  }
  return outcomes;
}

export interface DetailedCheck<I, O> {
  result: CheckResult;
  /** for an illegal history: the offending partition and the longest prefix that linearizes */
  illegal?: { partition: Operation<I, O>[]; longestLinearization: Operation<I, O>[] };
}

/** Whether `history` is linearizable with respect to `model`. */
export function checkOperations<S, I, O>(model: Model<S, I, O>, history: Operation<I, O>[], options?: CheckOptions): CheckResult {
  return checkOperationsDetailed(model, history, options).result;
}

export function checkOperationsDetailed<S, I, O>(
  model: Model<S, I, O>,
  history: Operation<I, O>[],
  options?: CheckOptions,
): DetailedCheck<I, O> {
  const partitions = model.partition ? model.partition(history) : [history];
  const outcomes = checkAll(model, partitions.map(subhistoryOfOperations), options);
  const result = combine(outcomes);
  const illegalAt = outcomes.findIndex((o) => o.result === 'illegal');
  if (illegalAt < 0) return { result };
  const partition = partitions[illegalAt];
  return { result, illegal: { partition, longestLinearization: outcomes[illegalAt].longestLinearization.map((id) => partition[id]) } };
}

/** The same check over a sequence of call and return events (real-time order = array order). */
export function checkEvents<S, I, O>(model: Model<S, I, O>, events: HistoryEvent<I, O>[], options?: CheckOptions): CheckResult {
  const partitions = model.partitionEvents ? model.partitionEvents(events) : [events];
  return combine(checkAll(model, partitions.map(subhistoryOfEvents), options));
}

/** A readable account of an illegal result, using the model's describe functions. */
export function describeIllegal<S, I, O>(model: Model<S, I, O>, check: DetailedCheck<I, O>): string {
  if (!check.illegal) return `history is ${check.result}`;
  const describe = (op: Operation<I, O>): string =>
    `client ${op.clientId} [${op.call}, ${op.return}] ` +
    (model.describeOperation ? model.describeOperation(op.input, op.output) : `${JSON.stringify(op.input)} -> ${JSON.stringify(op.output)}`);
  const linearized = new Set(check.illegal.longestLinearization);
  return [
    'not linearizable; longest linearizable sequence:',
    ...check.illegal.longestLinearization.map((op) => `  ${describe(op)}`),
    'operations that could not follow it:',
    ...check.illegal.partition.filter((op) => !linearized.has(op)).map((op) => `  ${describe(op)}`),
  ].join('\n');
}
