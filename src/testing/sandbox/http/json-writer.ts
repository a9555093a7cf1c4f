/**
 * A JSON number written exactly as `text` (e.g. `1234.50`): amounts leave the sandbox as decimal text built
 * from øre, never through a binary float.
 * @publicApi
 */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/**
 * Compact JSON text of a tree of plain objects, arrays, strings, booleans, null, safe numbers and
 * {@link JsonNumber}s. Like `JSON.stringify`, object members whose value is `undefined` are left out.
 * @publicApi
 */
export function writeJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

const sealed = new WeakMap<object, Buffer>();

/**
 * The UTF-8 JSON of `tree`, written once: later calls, and the sandbox server when it sends this same object,
 * reuse the bytes. The tree must not change afterwards (a sandbox route seals a body it hands out again for
 * the same request until its data changes).
 */
export function sealJson(tree: object): Buffer {
  let bytes = sealed.get(tree);
  if (bytes === undefined) {
    bytes = Buffer.from(writeJson(tree), 'utf8');
    sealed.set(tree, bytes);
  }
  return bytes;
}

/** The UTF-8 JSON of `value`: the bytes {@link sealJson} kept for it, else {@link writeJson}'s text encoded. */
export function jsonBytes(value: unknown): Buffer {
  const bytes = typeof value === 'object' && value !== null ? sealed.get(value) : undefined;
  return bytes ?? Buffer.from(writeJson(value), 'utf8');
}

function write(value: unknown, out: string[]): void {
  if (value instanceof JsonNumber) {
    out.push(value.text);
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('writeJson: numbers must be finite');
      out.push(String(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`writeJson: cannot write a ${typeof value}`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], out);
    }
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    out.push(first ? '' : ',', JSON.stringify(key), ':');
    first = false;
    write(member, out);
  }
  out.push('}');
}
