import type { SandboxRequest, SandboxResponse, SandboxRoute } from '../http/http.types.js';
import { SCOPES } from './authority.constants.js';
import type { AccessPackageRef, SystemRegistration, SystemRight } from './authority.types.js';
import {
  authenticateCaller,
  parseJsonBody,
  problem,
  validationProblem,
  type AltinnCaller,
} from './altinn-http.util.js';
import type { AltinnRouteContext } from './altinn-route.context.js';
import { isOrgNumberFormat } from './party.util.js';
import { systemUserRequestView, systemUserView, type SystemUserRequestRecord } from './system-user.store.js';

const BASE = '/authentication/api/v1/systemuser';
const READ_SCOPES = [SCOPES.systemUserRequestRead, SCOPES.systemUserRequestWrite];
const WRITE_SCOPES = [SCOPES.systemUserRequestWrite];

const requestNotFound = (): SandboxResponse => problem(404, 'The Request was not found', 'AUTH-00010');
const unknownSystem = (): SandboxResponse => problem(400, 'The System is not found', 'AUTH-00011');

function sameRight(a: SystemRight, b: SystemRight): boolean {
  return (
    a.resource.length === b.resource.length &&
    a.resource.every((x) => b.resource.some((y) => y.id === x.id && y.value === x.value))
  );
}

function readRights(value: unknown): SystemRight[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const rights: SystemRight[] = [];
  for (const item of value) {
    const resource = (item as { resource?: unknown } | null)?.resource;
    if (!Array.isArray(resource) || resource.length === 0) return undefined;
    const pairs = resource.map((r: { id?: unknown; value?: unknown } | null) => ({
      id: r?.id,
      value: r?.value,
    }));
    if (!pairs.every((p) => typeof p.id === 'string' && typeof p.value === 'string')) return undefined;
    rights.push({ resource: pairs as { id: string; value: string }[] });
  }
  return rights;
}

function readAccessPackages(value: unknown): AccessPackageRef[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const packages = value.map((p: { urn?: unknown } | null) => p?.urn);
  return packages.every((urn) => typeof urn === 'string')
    ? packages.map((urn) => ({ urn: urn as string }))
    : undefined;
}

/** Allowed when the system lists it (query string ignored); any URL when the system lists none (sandbox). */
function redirectProblem(
  system: SystemRegistration,
  redirectUrl: string | undefined,
): SandboxResponse | undefined {
  if (redirectUrl === undefined || system.allowedRedirectUrls === undefined) return undefined;
  if (system.allowedRedirectUrls.length === 0) {
    return problem(400, 'No redirect URIs are registered on the system', 'AUTH-00026');
  }
  const strip = (url: string): string => url.split('?')[0];
  return system.allowedRedirectUrls.some((allowed) => strip(allowed) === strip(redirectUrl))
    ? undefined
    : problem(400, 'The redirect URI is not allowed for the system', 'AUTH-00021');
}

async function createRequest(ctx: AltinnRouteContext, req: SandboxRequest): Promise<SandboxResponse> {
  const auth = await authenticateCaller(req, (t) => ctx.verifyAccessToken(t), WRITE_SCOPES);
  if (!auth.ok) return auth.response;
  const body = parseJsonBody(req);
  if (!body.ok) return validationProblem({ $: ['The request body must be a JSON object'] });
  const input = body.value;

  const errors: Record<string, string[]> = {};
  if (typeof input.systemId !== 'string' || input.systemId === '')
    errors.systemId = ['The SystemId field is required.'];
  if (!isOrgNumberFormat(input.partyOrgNo))
    errors.partyOrgNo = ['partyOrgNo must be a 9-digit organisation number.'];
  if (
    input.externalRef !== undefined &&
    (typeof input.externalRef !== 'string' || input.externalRef === '')
  ) {
    errors.externalRef = ['externalRef must be a non-empty string.'];
  }
  if (input.redirectUrl !== undefined && typeof input.redirectUrl !== 'string') {
    errors.redirectUrl = ['redirectUrl must be a string.'];
  }
  const rights = readRights(input.rights);
  const accessPackages = readAccessPackages(input.accessPackages);
  if (!rights) errors.rights = ['rights must be an array of {resource:[{id, value}]}.'];
  if (!accessPackages) errors.accessPackages = ['accessPackages must be an array of {urn}.'];
  if (rights && accessPackages && rights.length + accessPackages.length === 0) {
    errors.rights = ['At least one right or access package is required.'];
  }
  if (Object.keys(errors).length > 0) return validationProblem(errors);

  const system = ctx.clients.system(input.systemId as string);
  if (!system || system.vendorOrg !== auth.caller.org) return unknownSystem();
  const redirectUrl = input.redirectUrl as string | undefined;
  const redirect = redirectProblem(system, redirectUrl);
  if (redirect) return redirect;
  const rightsOk = rights!.every((r) => (system.rights ?? []).some((s) => sameRight(r, s)));
  const packagesOk = accessPackages!.every((p) => (system.accessPackages ?? []).some((s) => s.urn === p.urn));
  if (!rightsOk || !packagesOk) return problem(400, 'The Right is not found or not delegable', 'AUTH-00001');

  const outcome = ctx.systemUsers.createRequest({
    systemId: system.id,
    vendorOrg: auth.caller.org,
    partyOrgNo: input.partyOrgNo as string,
    externalRef: input.externalRef as string | undefined,
    rights: rights!,
    accessPackages: accessPackages!,
    redirectUrl,
    integrationTitle: typeof input.integrationTitle === 'string' ? input.integrationTitle : undefined,
  });
  if (outcome.kind === 'system-user-exists')
    return problem(400, 'The SystemUser already exists', 'AUTH-00004');
  const view = systemUserRequestView(
    outcome.request,
    ctx.systemUsers.status(outcome.request),
    ctx.altinnBaseUrl(),
  );
  if (outcome.kind === 'existing') return { status: 200, body: view };
  return {
    status: 201,
    headers: { location: `${ctx.altinnBaseUrl()}${BASE}/request/${outcome.request.id}` },
    body: view,
  };
}

function ownRequest(request: SystemUserRequestRecord | undefined, caller: AltinnCaller) {
  return request && request.vendorOrg === caller.org ? request : undefined;
}

function requestResponse(
  ctx: AltinnRouteContext,
  request: SystemUserRequestRecord | undefined,
): SandboxResponse {
  if (!request) return requestNotFound();
  const view = systemUserRequestView(request, ctx.systemUsers.status(request), ctx.altinnBaseUrl());
  return { status: 200, body: view };
}

async function getById(ctx: AltinnRouteContext, req: SandboxRequest): Promise<SandboxResponse> {
  const auth = await authenticateCaller(req, (t) => ctx.verifyAccessToken(t), READ_SCOPES);
  if (!auth.ok) return auth.response;
  return requestResponse(ctx, ownRequest(ctx.systemUsers.get(req.params.requestId), auth.caller));
}

async function getByExternalRef(ctx: AltinnRouteContext, req: SandboxRequest): Promise<SandboxResponse> {
  const auth = await authenticateCaller(req, (t) => ctx.verifyAccessToken(t), READ_SCOPES);
  if (!auth.ok) return auth.response;
  const { systemId, orgNo, externalRef } = req.params;
  return requestResponse(
    ctx,
    ownRequest(ctx.systemUsers.byExternalRef(systemId, orgNo, externalRef), auth.caller),
  );
}

async function getBySystem(ctx: AltinnRouteContext, req: SandboxRequest): Promise<SandboxResponse> {
  const auth = await authenticateCaller(req, (t) => ctx.verifyAccessToken(t), READ_SCOPES);
  if (!auth.ok) return auth.response;
  const system = ctx.clients.system(req.params.systemId);
  if (!system || system.vendorOrg !== auth.caller.org) return unknownSystem();
  const data = ctx.systemUsers
    .bySystem(system.id)
    .map((r) => systemUserRequestView(r, ctx.systemUsers.status(r), ctx.altinnBaseUrl()));
  return { status: 200, body: { links: {}, data } };
}

async function getSystemUserByQuery(ctx: AltinnRouteContext, req: SandboxRequest): Promise<SandboxResponse> {
  const auth = await authenticateCaller(req, (t) => ctx.verifyAccessToken(t), WRITE_SCOPES);
  if (!auth.ok) return auth.response;
  const systemId = req.url.searchParams.get('system-id');
  const orgNo = req.url.searchParams.get('orgno');
  if (!systemId || !isOrgNumberFormat(orgNo)) {
    return validationProblem({ query: ['system-id and orgno (9 digits) are required.'] });
  }
  const system = ctx.clients.system(systemId);
  if (!system || system.vendorOrg !== auth.caller.org) return unknownSystem();
  const externalRef = req.url.searchParams.get('external-ref') || orgNo;
  const user = ctx.systemUsers.findSystemUser(system.id, orgNo, externalRef);
  return user ? { status: 200, body: systemUserView(user) } : problem(404, 'The SystemUser was not found');
}

/** Altinn's vendor API for system-user requests (reference §2.4, §2.5). Static paths come before `:requestId`. */
export function createSystemUserRoutes(ctx: AltinnRouteContext, prefix = ''): SandboxRoute[] {
  const p = `${prefix}${BASE}`;
  return [
    {
      name: 'altinn.systemuser.request.create',
      method: 'POST',
      pattern: `${p}/request/vendor`,
      handler: (r) => createRequest(ctx, r),
    },
    {
      name: 'altinn.systemuser.request.byexternalref',
      method: 'GET',
      pattern: `${p}/request/vendor/byexternalref/:systemId/:orgNo/:externalRef`,
      handler: (r) => getByExternalRef(ctx, r),
    },
    {
      name: 'altinn.systemuser.request.bysystem',
      method: 'GET',
      pattern: `${p}/request/vendor/bysystem/:systemId`,
      handler: (r) => getBySystem(ctx, r),
    },
    {
      name: 'altinn.systemuser.request.get',
      method: 'GET',
      pattern: `${p}/request/vendor/:requestId`,
      handler: (r) => getById(ctx, r),
    },
    {
      name: 'altinn.systemuser.byquery',
      method: 'GET',
      pattern: `${p}/vendor/byquery`,
      handler: (r) => getSystemUserByQuery(ctx, r),
    },
  ];
}
