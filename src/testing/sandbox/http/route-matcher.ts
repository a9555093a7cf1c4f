import type { SandboxRoute } from './http.types.js';

/** A route matched to a request, with its decoded path parameters. */
export interface RouteMatch {
  route: SandboxRoute;
  params: Record<string, string>;
}

interface CompiledRoute {
  route: SandboxRoute;
  /** Literal segments as strings, parameters as `{ param }`. */
  segments: (string | { param: string })[];
}

/**
 * Matches request paths against `:name` patterns (`/v1/:pakke/:part/krav`), first match wins. A trailing
 * slash is ignored; segments are percent-decoded (a segment that cannot be decoded matches nothing).
 */
export class RouteMatcher {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly SandboxRoute[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: splitPath(route.pattern).map((s) => (s.startsWith(':') ? { param: s.slice(1) } : s)),
    }));
  }

  match(method: string, pathname: string): RouteMatch | undefined {
    let segments: string[];
    try {
      segments = splitPath(pathname).map((s) => decodeURIComponent(s));
    } catch {
      return undefined;
    }
    for (const { route, segments: pattern } of this.compiled) {
      if (route.method !== method || pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < pattern.length && ok; i++) {
        const p = pattern[i];
        if (typeof p === 'string') ok = p === segments[i];
        else if (segments[i] === '') ok = false;
        else params[p.param] = segments[i];
      }
      if (ok) return { route, params };
    }
    return undefined;
  }
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}
