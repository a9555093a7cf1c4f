// Names of the NS 4102 standard accounts that tax-account postings use (Regnskap Norge's 4-digit list as
// Skatteetaten publishes it for SAF-T mapping). Only the accounts this module's defaults and common overrides touch
// are listed; the names label accounts in journal files, they are never used to pick an account.
const NAMES: Readonly<Record<string, string>> = {
  '1579': 'Andre kortsiktige fordringer',
  '1920': 'Bankinnskudd',
  '1950': 'Bankinnskudd for skattetrekk',
  '2070': 'Forskuddsskatt',
  '2072': 'Tilleggsforskudd/restskatt',
  '2400': 'Leverandørgjeld',
  '2500': 'Betalbar skatt, ikke fastsatt',
  '2510': 'Betalbar skatt, fastsatt',
  '2540': 'Forskuddsskatt – upersonlig skattyter',
  '2599': 'Annen skyldig skatt',
  '2600': 'Forskuddstrekk',
  '2610': 'Utleggstrekk',
  '2700': 'Utgående merverdiavgift, høy sats',
  '2740': 'Oppgjørskonto merverdiavgift',
  '2770': 'Skyldig arbeidsgiveravgift',
  '2771': 'Betalt arbeidsgiveravgift',
  '2790': 'Andre offentlige avgifter',
  '5000': 'Lønn til ansatte',
  '5400': 'Arbeidsgiveravgift',
  '7798': 'Annen kostnad, fradragsberettiget',
  '7799': 'Annen kostnad, ikke fradragsberettiget',
  '8040': 'Renteinntekt, skattefri',
  '8140': 'Rentekostnad, ikke fradragsberettiget',
  '8159': 'Annen rentekostnad',
  '8300': 'Betalbar skatt',
  '8309': 'Betalbar skatt, for mye/lite avsatt tidligere år',
};

/**
 * The NS 4102 name of a standard account (`1920` → `Bankinnskudd`), or `undefined` when the account is not one
 * of the tax-related accounts known here.
 * @publicApi
 */
export function standardAccountName(account: string): string | undefined {
  return Object.hasOwn(NAMES, account) ? NAMES[account] : undefined;
}

/** hledger account types: Asset, Liability, Equity, Revenue, eXpense, Cash. @internal */
export type HledgerAccountType = 'A' | 'L' | 'E' | 'R' | 'X' | 'C';

/**
 * The hledger account type of an NS 4102 account number by its class (1 assets, with 19xx cash; 20xx equity,
 * other 2 liabilities; 3 revenue; 4-7 expenses; 8: 80xx financial income, 81xx-86xx expenses, 88xx-89xx result
 * allocation to equity). `undefined` for accounts that are not four or more digits.
 * @internal
 */
export function hledgerAccountType(account: string): HledgerAccountType | undefined {
  if (!/^\d{4,}$/.test(account)) return undefined;
  const head = account.slice(0, 2);
  switch (account[0]) {
    case '1':
      return head === '19' ? 'C' : 'A';
    case '2':
      return head === '20' ? 'E' : 'L';
    case '3':
      return 'R';
    case '4':
    case '5':
    case '6':
    case '7':
      return 'X';
    case '8':
      if (head === '80') return 'R';
      return head === '88' || head === '89' ? 'E' : 'X';
    default:
      return undefined;
  }
}
