/**
 * Stand-in for a class instance (a dispatcher, a journal adapter, a customer source, a logger) in the plain view of
 * the options that class-validator checks. It records which methods the instance has, which is all validation
 * needs to know about it.
 * @internal
 */
export class InstanceRef {
  className = '';
  methods: string[] = [];
}

/** True for `{}`-style objects (prototype `Object.prototype` or `null`). @internal */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** True for an ES `class` (what `Type<JournalAdapter>` is), false for plain functions and arrow functions. @internal */
export function isClassConstructor(value: unknown): value is abstract new (...args: never[]) => unknown {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/**
 * A copy of `value` that is safe to hand to `plainToInstance`: plain objects and arrays are copied, functions are
 * kept (class-transformer passes them through), and every other object becomes an {@link InstanceRef}. Without
 * this, class-transformer would call `new value.constructor()` on the host's instances (creating, say, a second
 * undici Agent) and lose their methods.
 * @internal
 */
export function toPlainView(value: unknown, ancestors: Set<object> = new Set()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (!Array.isArray(value) && !isPlainObject(value)) return instanceRef(value);
  // A cycle cannot be valid options; cut it rather than recurse forever. Shared (non-cyclic) objects are copied.
  if (ancestors.has(value)) return undefined;
  ancestors.add(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.map((item) => toPlainView(item, ancestors));
  } else {
    const entries = Object.entries(value).map(([key, item]) => [key, toPlainView(item, ancestors)] as const);
    copy = Object.fromEntries(entries);
  }
  ancestors.delete(value);
  return copy;
}

function instanceRef(value: object): InstanceRef {
  const ref = new InstanceRef();
  ref.className = value.constructor?.name ?? 'Object';
  const names = new Set<string>();
  for (
    let o: object | null = value;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      // Only data properties: reading an accessor could run host code.
      if (descriptor && 'value' in descriptor && typeof descriptor.value === 'function') names.add(name);
    }
  }
  ref.methods = [...names];
  return ref;
}

/**
 * True when the viewed value offers every named method: an instance with those methods, or a plain object whose
 * members are functions.
 * @internal
 */
export function hasMethods(view: unknown, names: readonly string[]): boolean {
  if (view instanceof InstanceRef) return names.every((name) => view.methods.includes(name));
  if (isPlainObject(view)) return names.every((name) => typeof view[name] === 'function');
  return false;
}
