import type { SandboxRequest, SandboxResponse, SandboxRoute } from '../http/http.types.js';
import { maskIdentifier } from '../../../domain/identifiers.js';
import { escapeHtml } from './altinn-http.util.js';
import type { AltinnRouteContext } from './altinn-route.context.js';
import { SandboxAuthorityError } from './sandbox-authority.error.js';

/**
 * The pages behind `confirmUrl` (system-user requests) and `viewUri` (consent requests), where a customer would
 * approve in Altinn. In the sandbox anyone may press the buttons; tests use the hooks instead.
 */

function page(status: number, title: string, body: string): SandboxResponse {
  const html = `<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
}

function decisionForm(action: string, id: string): string {
  const button = (value: string, label: string): string =>
    `<form method="post" action="${escapeHtml(action)}?id=${escapeHtml(id)}"><input type="hidden" name="action" value="${value}">` +
    `<button type="submit">${label}</button></form>`;
  return button('accept', 'Godkjenn') + button('reject', 'Avvis');
}

function redirect(url: string | undefined, status: 'OK' | 'Failed', fallbackTitle: string): SandboxResponse {
  if (!url) return page(200, fallbackTitle, '');
  const target = new URL(url);
  target.searchParams.set('Status', status);
  return { status: 303, headers: { location: target.toString() } };
}

const SYSTEMUSER_PATH = '/accessmanagement/ui/systemuser/request';
const CONSENT_PATH = '/accessmanagement/ui/consent/request';

function showSystemUserRequest(
  ctx: AltinnRouteContext,
  req: SandboxRequest,
  action: string,
): SandboxResponse {
  const id = req.url.searchParams.get('id') ?? '';
  const request = ctx.systemUsers.get(id);
  if (!request) return page(404, 'Forespørselen finnes ikke', '');
  const status = ctx.systemUsers.status(request);
  const details =
    `<p>Systembruker for ${escapeHtml(request.partyOrgNo)} (system ${escapeHtml(request.systemId)}, ` +
    `leverandør ${escapeHtml(request.vendorOrg)}). Status: ${escapeHtml(status)}.</p>`;
  return page(200, 'Systembrukerforespørsel', details + (status === 'New' ? decisionForm(action, id) : ''));
}

function decideSystemUserRequest(ctx: AltinnRouteContext, req: SandboxRequest): SandboxResponse {
  const id = req.url.searchParams.get('id') ?? '';
  const request = ctx.systemUsers.get(id);
  if (!request) return page(404, 'Forespørselen finnes ikke', '');
  const decision = new URLSearchParams(req.body).get('action');
  try {
    if (decision === 'accept') ctx.systemUsers.accept(id);
    else if (decision === 'reject') ctx.systemUsers.reject(id);
    else return page(400, 'Ukjent valg', '');
  } catch (error) {
    if (error instanceof SandboxAuthorityError) return page(409, 'Forespørselen er allerede behandlet', '');
    throw error;
  }
  return redirect(request.redirectUrl, decision === 'accept' ? 'OK' : 'Failed', 'Registrert');
}

function showConsentRequest(ctx: AltinnRouteContext, req: SandboxRequest, action: string): SandboxResponse {
  const id = (req.url.searchParams.get('id') ?? '').toLowerCase();
  const consent = ctx.consents.get(id);
  if (!consent) return page(404, 'Samtykkeforespørselen finnes ikke', '');
  const status = ctx.consents.status(consent);
  const from = consent.from.kind === 'person' ? maskIdentifier(consent.from.id) : consent.from.id;
  const resources = consent.consentRights.map((r) => r.resource[0]?.value ?? '').join(', ');
  const details =
    `<p>${escapeHtml(from)} samtykker til at ${escapeHtml(consent.to)} får tilgang til ${escapeHtml(resources)}. ` +
    `Status: ${escapeHtml(status)}.</p>`;
  return page(200, 'Samtykkeforespørsel', details + (status === 'created' ? decisionForm(action, id) : ''));
}

function decideConsentRequest(ctx: AltinnRouteContext, req: SandboxRequest): SandboxResponse {
  const id = (req.url.searchParams.get('id') ?? '').toLowerCase();
  const consent = ctx.consents.get(id);
  if (!consent) return page(404, 'Samtykkeforespørselen finnes ikke', '');
  const decision = new URLSearchParams(req.body).get('action');
  try {
    if (decision === 'accept') ctx.consents.accept(id);
    else if (decision === 'reject') ctx.consents.reject(id);
    else return page(400, 'Ukjent valg', '');
  } catch (error) {
    if (error instanceof SandboxAuthorityError) return page(409, 'Forespørselen er allerede behandlet', '');
    throw error;
  }
  // Altinn appends Status=OK on approval (ALT-CFLOW); the rejection parameters are undocumented [inferred].
  return redirect(consent.redirectUrl, decision === 'accept' ? 'OK' : 'Failed', 'Registrert');
}

export function createAltinnUiRoutes(ctx: AltinnRouteContext, prefix = ''): SandboxRoute[] {
  const su = `${prefix}${SYSTEMUSER_PATH}`;
  const co = `${prefix}${CONSENT_PATH}`;
  return [
    {
      name: 'altinn.ui.systemuser.request',
      method: 'GET',
      pattern: su,
      handler: (r) => showSystemUserRequest(ctx, r, su),
    },
    {
      name: 'altinn.ui.systemuser.decide',
      method: 'POST',
      pattern: su,
      handler: (r) => decideSystemUserRequest(ctx, r),
    },
    {
      name: 'altinn.ui.consent.request',
      method: 'GET',
      pattern: co,
      handler: (r) => showConsentRequest(ctx, r, co),
    },
    {
      name: 'altinn.ui.consent.decide',
      method: 'POST',
      pattern: co,
      handler: (r) => decideConsentRequest(ctx, r),
    },
  ];
}
