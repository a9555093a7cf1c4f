/**
 * Content negotiation for the `Accept` header: `'json'` (the default, also for `*\/*` and `application/*`),
 * `'xml'` for `application/xml` or `text/xml`, undefined when only other types are acceptable (KB-008).
 * Media ranges are tried by descending `q`; `q=0` excludes a range.
 */
export function negotiateFormat(accept: string | string[] | undefined): 'json' | 'xml' | undefined {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (header === undefined || header.trim() === '') return 'json';
  const ranges = header
    .split(',')
    .map((part, index) => {
      const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)), index };
    })
    .filter((r) => r.type !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { type } of ranges) {
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return 'json';
    if (type === 'application/xml' || type === 'text/xml') return 'xml';
  }
  return undefined;
}
