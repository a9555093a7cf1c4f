import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../time/clock.js';
import { SandboxAuthorityError } from './sandbox-authority.error.js';
import type {
  AccessPackageRef,
  SystemRight,
  SystemUserRequestStatus,
  SystemUserRequestView,
  SystemUserView,
} from './authority.types.js';

export interface SystemUserRequestRecord {
  id: string;
  externalRef: string;
  systemId: string;
  partyOrgNo: string;
  vendorOrg: string;
  rights: SystemRight[];
  accessPackages: AccessPackageRef[];
  status: SystemUserRequestStatus;
  redirectUrl?: string;
  integrationTitle?: string;
  createdAt: number;
}

export interface SystemUserRecord {
  /** The request's id: Altinn reuses it for the system user it creates on approval. */
  id: string;
  systemId: string;
  reporteeOrgNo: string;
  supplierOrgno: string;
  externalRef: string;
}

export interface NewSystemUserRequest {
  systemId: string;
  vendorOrg: string;
  partyOrgNo: string;
  externalRef?: string;
  rights: SystemRight[];
  accessPackages: AccessPackageRef[];
  redirectUrl?: string;
  integrationTitle?: string;
}

export type CreateRequestOutcome =
  | { kind: 'created'; request: SystemUserRequestRecord }
  | { kind: 'existing'; request: SystemUserRequestRecord }
  | { kind: 'system-user-exists' };

const DAY_MS = 86_400_000;

const key = (systemId: string, org: string, externalRef: string): string =>
  `${systemId}|${org}|${externalRef}`;

/**
 * Altinn's system users and system-user requests. A request starts `New` and is accepted, rejected or denied
 * by the customer (test hooks here); an accepted request creates the system user Maskinporten looks up by
 * (system, customer org, externalRef). A `New` request older than the timeout reads as `Timedout`.
 */
export class SystemUserStore {
  private readonly requests = new Map<string, SystemUserRequestRecord>();
  private readonly requestByKey = new Map<string, string>();
  private readonly users = new Map<string, SystemUserRecord>();
  private readonly userByKey = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutDays: number,
  ) {}

  /** Effective status: a `New` request past the timeout is `Timedout`. */
  status(request: SystemUserRequestRecord): SystemUserRequestStatus {
    if (request.status === 'New' && this.clock.now() - request.createdAt > this.timeoutDays * DAY_MS) {
      return 'Timedout';
    }
    return request.status;
  }

  /** Altinn's create semantics: error if the system user exists, the pending request if any, else a new one. */
  createRequest(input: NewSystemUserRequest): CreateRequestOutcome {
    const externalRef = input.externalRef ?? input.partyOrgNo;
    const k = key(input.systemId, input.partyOrgNo, externalRef);
    if (this.userByKey.has(k)) return { kind: 'system-user-exists' };
    const existingId = this.requestByKey.get(k);
    const existing = existingId ? this.requests.get(existingId) : undefined;
    if (existing && this.status(existing) !== 'Timedout') return { kind: 'existing', request: existing };
    const request: SystemUserRequestRecord = {
      id: randomUUID(),
      externalRef,
      systemId: input.systemId,
      partyOrgNo: input.partyOrgNo,
      vendorOrg: input.vendorOrg,
      rights: input.rights,
      accessPackages: input.accessPackages,
      status: 'New',
      redirectUrl: input.redirectUrl,
      integrationTitle: input.integrationTitle,
      createdAt: this.clock.now(),
    };
    this.requests.set(request.id, request);
    this.requestByKey.set(k, request.id);
    return { kind: 'created', request };
  }

  get(id: string): SystemUserRequestRecord | undefined {
    return this.requests.get(id);
  }

  byExternalRef(systemId: string, org: string, externalRef: string): SystemUserRequestRecord | undefined {
    const id = this.requestByKey.get(key(systemId, org, externalRef));
    return id ? this.requests.get(id) : undefined;
  }

  bySystem(systemId: string): SystemUserRequestRecord[] {
    return [...this.requests.values()].filter((r) => r.systemId === systemId);
  }

  /** The customer approves: the request becomes `Accepted` and the system user (same id) exists. */
  accept(id: string): SystemUserRecord {
    const request = this.requireNew(id, 'accept');
    request.status = 'Accepted';
    const user: SystemUserRecord = {
      id: request.id,
      systemId: request.systemId,
      reporteeOrgNo: request.partyOrgNo,
      supplierOrgno: request.vendorOrg,
      externalRef: request.externalRef,
    };
    this.users.set(user.id, user);
    this.userByKey.set(key(user.systemId, user.reporteeOrgNo, user.externalRef), user.id);
    return user;
  }

  reject(id: string): void {
    this.requireNew(id, 'reject').status = 'Rejected';
  }

  deny(id: string): void {
    this.requireNew(id, 'deny').status = 'Denied';
  }

  timeout(id: string): void {
    this.requireNew(id, 'time out').status = 'Timedout';
  }

  findSystemUser(systemId: string, org: string, externalRef: string): SystemUserRecord | undefined {
    const id = this.userByKey.get(key(systemId, org, externalRef));
    return id ? this.users.get(id) : undefined;
  }

  systemUser(id: string): SystemUserRecord | undefined {
    return this.users.get(id);
  }

  /** The customer deletes the system user; its request goes too, so a new request can be made. */
  deleteSystemUser(id: string): void {
    const user = this.users.get(id);
    if (!user) throw new SandboxAuthorityError(`unknown system user ${id}`);
    const k = key(user.systemId, user.reporteeOrgNo, user.externalRef);
    this.users.delete(id);
    this.userByKey.delete(k);
    if (this.requestByKey.get(k) === id) this.requestByKey.delete(k);
    this.requests.delete(id);
  }

  private requireNew(id: string, action: string): SystemUserRequestRecord {
    const request = this.requests.get(id);
    if (!request) throw new SandboxAuthorityError(`unknown system-user request ${id}`);
    const status = this.status(request);
    if (status !== 'New')
      throw new SandboxAuthorityError(`cannot ${action} a system-user request that is ${status}`);
    return request;
  }
}

/** The wire shape (`RequestSystemResponse`); `confirmUrl` points at the sandbox's approval page. */
export function systemUserRequestView(
  request: SystemUserRequestRecord,
  status: SystemUserRequestStatus,
  altinnBaseUrl: string,
): SystemUserRequestView {
  return {
    id: request.id,
    ...(request.integrationTitle !== undefined ? { integrationTitle: request.integrationTitle } : {}),
    externalRef: request.externalRef,
    systemId: request.systemId,
    partyOrgNo: request.partyOrgNo,
    rights: request.rights,
    accessPackages: request.accessPackages,
    status,
    ...(request.redirectUrl !== undefined ? { redirectUrl: request.redirectUrl } : {}),
    confirmUrl: `${altinnBaseUrl}/accessmanagement/ui/systemuser/request?id=${request.id}&DONTCHOOSEREPORTEE=true`,
    escalated: false,
  };
}

export function systemUserView(user: SystemUserRecord): SystemUserView {
  return { ...user };
}
