/**
 * A copy of an error that keeps only its name, code and message. undici and crypto errors can reference request
 * options or key material (a bearer token, a grant); what we attach as `cause` must not.
 */
export function safeCause(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const clean = new Error(error.message);
  clean.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') (clean as Error & { code?: string }).code = code;
  return clean;
}

/** The `code` of a Node or undici error (`ECONNRESET`, `UND_ERR_SOCKET`), if it has one. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
