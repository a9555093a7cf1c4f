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
  const p = parentIds(baseKey);
  if (!p) return { instalments: [], payments: [] };
  return p.placement ? { instalments: [p.b], payments: [p.a] } : { instalments: [p.a, p.b], payments: [] };
}

/**
 * True when one of the parents {@link parentsOfKey} reads from `baseKey` is in `parents`, without building its
 * lists (planning asks it of every stored fact the snapshot no longer calls for). @internal
 */
export function hasParentIn(
  baseKey: string,
  parents: { instalments: ReadonlySet<string>; payments: ReadonlySet<string> },
): boolean {
  const p = parentIds(baseKey);
  if (!p) return false;
  return p.placement
    ? parents.instalments.has(p.b) || parents.payments.has(p.a)
    : parents.instalments.has(p.a) || parents.instalments.has(p.b);
}

/**
 * The ids of a placement's or set-off's base key: segments [3] and [4] of `split(':')` (a placement's payment and
 * instalment, a set-off's two instalments), found without splitting the whole key; undefined for other kinds and
 * for keys of fewer than five segments.
 * @internal
 */
export function parentIds(baseKey: string): { placement: boolean; a: string; b: string } | undefined {
  const end0 = baseKey.indexOf(':');
  const end1 = end0 < 0 ? -1 : baseKey.indexOf(':', end0 + 1);
  const end2 = end1 < 0 ? -1 : baseKey.indexOf(':', end1 + 1);
  const end3 = end2 < 0 ? -1 : baseKey.indexOf(':', end2 + 1);
  if (end3 < 0) return undefined; // fewer than five segments
  const kindLength = end2 - end1 - 1;
  const placement = kindLength === 9 && baseKey.startsWith('placement', end1 + 1);
  if (!placement && !(kindLength === 6 && baseKey.startsWith('setoff', end1 + 1))) return undefined;
  let end4 = baseKey.indexOf(':', end3 + 1);
  if (end4 < 0) end4 = baseKey.length;
  return {
    placement,
    a: unescapeKeySegment(baseKey.slice(end2 + 1, end3)),
    b: unescapeKeySegment(baseKey.slice(end3 + 1, end4)),
  };
}

/** Undoes {@link escapeKeySegment}. @internal */
export function unescapeKeySegment(segment: string): string {
  return segment.includes('%')
    ? segment.replace(/%23/g, '#').replace(/%3A/g, ':').replace(/%25/g, '%')
    : segment;
}
