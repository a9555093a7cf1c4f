import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidOrganisationNumber } from '../domain/identifiers.js';
import type { CustomerConfig } from './module-options.interface.js';
import { PACKAGE_CONFIG_DIR } from './config-files.util.js';
import { validateCustomerConfig, validateCustomerList } from './customer-config.validator.js';

const valid: CustomerConfig = {
  id: 'acme',
  organisasjonsnummer: '311851381',
  rettighetspakke: 'finans',
  access: { type: 'consent', consentId: '5d0c1a7e-4b3f-4c2a-9e61-314055403000' },
  accounts: { bank: '19200', byClaimGroup: { Merverdiavgift: '2741' } },
  bookingStartDate: '2024-02-29',
  cron: '*/15 * * * *',
  enabled: false,
  hostBooksBankLines: true,
  ownerPersonId: '04827896468',
};

const paths = (config: unknown) => validateCustomerConfig(config).map((i) => i.path);

describe('validateCustomerConfig', () => {
  it('accepts a complete customer', () => {
    expect(validateCustomerConfig(valid)).toEqual([]);
  });

  it('names each bad field', () => {
    expect(
      paths({
        ...valid,
        id: ' has space',
        organisasjonsnummer: '311851382',
        bookingStartDate: '2023-02-29',
        cron: 'every day',
        enabled: 'yes',
        accounts: { bank: '192', byClaimType: { MVA: 2740 }, clearing: '1579' },
      }),
    ).toEqual([
      'id',
      'organisasjonsnummer',
      'bookingStartDate',
      'cron',
      'enabled',
      'accounts.bank',
      'accounts.byClaimType',
      'accounts.clearing',
    ]);
  });

  it('requires the access type that matches the rights package', () => {
    expect(paths({ ...valid, access: { type: 'systembruker' } })).toEqual(['access.type']);
    expect(paths({ ...valid, rettighetspakke: 'regnskapssystem' })).toEqual(['access.type']);
    expect(paths({ ...valid, access: { type: 'altinn2-consent', authorizationCode: 'abc' } })).toEqual([]);
    expect(
      paths({
        ...valid,
        rettighetspakke: 'regnskapssystem',
        access: { type: 'systembruker', externalRef: 'x' },
      }),
    ).toEqual([]);
    expect(paths({ ...valid, access: { type: 'consent' } })).toEqual(['access.consentId']);
    expect(paths({ ...valid, access: { type: 'token' } })).toEqual(['access.type']);
    expect(paths({ ...valid, access: undefined })).toEqual(['access']);
    expect(paths({ ...valid, rettighetspakke: 'bank' })).toEqual(['rettighetspakke']);
  });

  it('prefixes paths and keeps person numbers out of messages', () => {
    const issues = validateCustomerConfig({ ...valid, ownerPersonId: '04827896469' }, 'customers[4]');
    expect(issues).toEqual([{ path: 'customers[4].ownerPersonId', message: expect.any(String) }]);
    expect(issues[0].message).not.toContain('0482789646');
  });

  it('reports a non-object customer', () => {
    expect(validateCustomerConfig('acme')).toEqual([{ path: 'customer', message: 'must be an object' }]);
  });
});

describe('validateCustomerList', () => {
  it('reports duplicate ids against the first occurrence', () => {
    const list = [valid, { ...valid, id: 'other' }, { ...valid }];
    expect(validateCustomerList(list)).toEqual([
      { path: 'customers[2].id', message: 'duplicates customers[0].id' },
    ]);
    expect(validateCustomerList({})).toEqual([
      { path: 'customers', message: 'must be an array of customers' },
    ]);
  });

  it('accepts the shipped demo customers: the documented test organisations, all valid MOD11', () => {
    const demo = JSON.parse(
      readFileSync(join(PACKAGE_CONFIG_DIR, 'customers.json'), 'utf8'),
    ) as CustomerConfig[];
    expect(validateCustomerList(demo)).toEqual([]);
    expect(demo.map((c) => c.organisasjonsnummer).sort()).toEqual([
      '212201782',
      '310478717',
      '311851381',
      '313367002',
      '314055403',
      '314961900',
    ]);
    expect(demo.every((c) => isValidOrganisationNumber(c.organisasjonsnummer))).toBe(true);
  });
});
