// Idempotency keys: `kob:{customer}:{kind}:{ids...}`, ids escaped so that no id can split into two (a `:` in
// an id would otherwise make `a:b` + `c` and `a` + `b:c` the same key). Versions and reversals per issue 6.

/** The kinds of fact a key names. @publicApi */
export type FactKind = 'payment' | 'placement' | 'setoff' | 'payout' | 'claim';

/** Escapes `%`, `:` and `#` (the key's separators) in one key segment. @internal */
export function escapeKeySegment(value: string): string {
  return /[%:#]/.test(value) ? value.replace(/%/g, '%25').replace(/:/g, '%3A').replace(/#/g, '%23') : value;
}

/**
 * The base key of a fact: `kob:{customerId}:{kind}:{id}[:{id}...]`. The first version of an entry is posted
 * under it; later versions under {@link versionKey}.
 * @publicApi
 */
export function factKey(customerId: string, kind: FactKind, ...ids: string[]): string {
  return `${keyPrefix(customerId)}${kind}:${ids.map(escapeKeySegment).join(':')}`;
}

/** `kob:{customerId}:`, the start of every key of a customer. @publicApi */
export function keyPrefix(customerId: string): string {
  return `kob:${escapeKeySegment(customerId)}:`;
}

/** The key of version `version` (1-based) of a fact: the bare base key for 1, `{baseKey}#{version}` after. @publicApi */
export function versionKey(baseKey: string, version: number): string {
  return version === 1 ? baseKey : `${baseKey}#${version}`;
}

/**
 * The key of the reversal of version `version` of a fact: `kob:{customer}:reversal:{baseKey}#{version}` (for
 * version 2 and later that is `kob:{customer}:reversal:{oldKey}`). Each version is reversed at most once.
 * @publicApi
 */
export function reversalKey(baseKey: string, version: number): string {
  return `${customerPrefix(baseKey)}reversal:${baseKey}#${version}`;
}

/** `kob:{customer}:` of a key built by {@link factKey}. */
function customerPrefix(key: string): string {
  const second = key.indexOf(':', 4);
  if (!key.startsWith('kob:') || second < 0) throw new TypeError(`not a kob fact key: ${key}`);
  return key.slice(0, second + 1);
}

/**
 * The objects whose full description in a snapshot shows whether a fact still exists (its parents), read from
 * its base key: a placement's instalment and payment, a set-off's two instalments. Other facts (payments,
 * payouts, recognitions) have none: their absence from a snapshot never reverses them.
 * @publicApi
 */
export function parentsOfKey(baseKey: string): { instalments: string[]; payments: string[] } {
  const parts = baseKey.split(':');
  if (parts.length < 5) return { instalments: [], payments: [] };
  const a = unescapeKeySegment(parts[3]);
  const b = unescapeKeySegment(parts[4]);
  if (parts[2] === 'placement') return { instalments: [b], payments: [a] };
  if (parts[2] === 'setoff') return { instalments: [a, b], payments: [] };
  return { instalments: [], payments: [] };
}

/**
 * True when one of the parents {@link parentsOfKey} reads from `baseKey` is in `parents`: the same answer,
 * without the arrays (planning asks it of every stored fact the snapshot no longer calls for). @internal
 */
export function hasParentIn(
  baseKey: string,
  parents: { instalments: ReadonlySet<string>; payments: ReadonlySet<string> },
): boolean {
  // The segments parentsOfKey gets from split(':'): [2] the kind, [3] and [4] the ids.
  const end0 = baseKey.indexOf(':');
  const end1 = end0 < 0 ? -1 : baseKey.indexOf(':', end0 + 1);
  const end2 = end1 < 0 ? -1 : baseKey.indexOf(':', end1 + 1);
  const end3 = end2 < 0 ? -1 : baseKey.indexOf(':', end2 + 1);
  if (end3 < 0) return false; // fewer than five segments
  const kindLength = end2 - end1 - 1;
  const placement = kindLength === 9 && baseKey.startsWith('placement', end1 + 1);
  if (!placement && !(kindLength === 6 && baseKey.startsWith('setoff', end1 + 1))) return false;
  let end4 = baseKey.indexOf(':', end3 + 1);
  if (end4 < 0) end4 = baseKey.length;
  const a = unescapeKeySegment(baseKey.slice(end2 + 1, end3));
  const b = unescapeKeySegment(baseKey.slice(end3 + 1, end4));
  return placement
    ? parents.instalments.has(b) || parents.payments.has(a)
    : parents.instalments.has(a) || parents.instalments.has(b);
}

/** Undoes {@link escapeKeySegment}. @internal */
export function unescapeKeySegment(segment: string): string {
  return segment.includes('%')
    ? segment.replace(/%23/g, '#').replace(/%3A/g, ':').replace(/%25/g, '%')
    : segment;
}
