import fc from 'fast-check';
import type { JournalEntry } from './journal-adapter.interface.js';
import { splitLines } from './journal-file.util.js';
import {
  accountDirective,
  formatAssertionTransaction,
  formatTransaction,
  journalHeader,
  parseJournal,
  retiredAssertionLine,
} from './hledger-journal.format.js';
import { decodeTagValue, encodeTagValue } from './journal-text.util.js';

const placement: JournalEntry = {
  idempotencyKey: 'kob:acme:placement:p 1,x:i1#2',
  date: '2024-03-15',
  description: 'Innbetaling plassert; Mva-melding 2024/1',
  lines: [
    { account: '2740', debit: 123456, description: 'MVA termin 1', kid: '2024011234567' },
    { account: '1579', credit: 123456 },
  ],
  source: { kind: 'placement', ids: ['p 1', 'i:1'] },
  reverses: 'kob:acme:placement:p1:i1',
};

function parse(text: string) {
  return parseJournal(splitLines(Buffer.from(text, 'utf8')));
}

describe('hledger journal format', () => {
  it('writes a transaction with tags, exact amounts and commented postings', () => {
    expect(formatTransaction(placement)).toBe(
      [
        '2024-03-15 Innbetaling plassert, Mva-melding 2024/1  ; key:kob:acme:placement:p%201%2Cx:i1#2, ' +
          'reverses:kob:acme:placement:p1:i1, source:placement:p%201:i%3A1',
        '    2740             1234.56 NOK  ; MVA termin 1  kid:2024011234567',
        '    1579            -1234.56 NOK',
        '',
      ].join('\n'),
    );
  });

  it('keeps descriptions on their line and free of marks, comments and person numbers', () => {
    const text = formatTransaction({
      ...placement,
      description: '*Restskatt\nfor 04827896468',
      lines: [
        { account: '2500', debit: 1, description: 'eier 04827896468', reference: 'ref 04827896468' },
        { account: '1579', credit: 1 },
      ],
    });
    expect(text).not.toContain('04827896468');
    expect(text.split('\n')[0]).toMatch(/^2024-03-15 - \*Restskatt for \*{6}96468 {2}; key:/);
    expect(text.split('\n')[1]).toBe(
      '    2500                0.01 NOK  ; eier ******96468  ref:ref%20%2A%2A%2A%2A%2A%2A96468',
    );
  });

  it('writes balance assertions as zero postings with "= balance"', () => {
    expect(
      formatAssertionTransaction('2024-03-31', [
        { account: '1579', amount: 0, description: 'uplassert' },
        { account: '2740', amount: -90071992547409 },
      ]),
    ).toBe(
      [
        '2024-03-31 Balances per Skatteetaten  ; kob-assertion:',
        '    1579        0 NOK = 0.00 NOK  ; uplassert',
        '    2740        0 NOK = -900719925474.09 NOK',
        '',
      ].join('\n'),
    );
  });

  it('declares accounts with their NS 4102 name and hledger type where known', () => {
    expect(accountDirective('1920')).toBe('account 1920  ; Bankinnskudd, type:C');
    expect(accountDirective('2070')).toBe('account 2070  ; Forskuddsskatt, type:E');
    expect(accountDirective('8040')).toBe('account 8040  ; Renteinntekt, skattefri, type:R');
    expect(accountDirective('1579.01')).toBe('account 1579.01');
    expect(accountDirective('Assets:Tax account')).toBe('account Assets:Tax account');
  });

  it('reads back keys, accounts, the owner and live assertions, and skips retired ones', () => {
    const customer = { id: 'acme co', organisasjonsnummer: '212201782' };
    const assertion = formatAssertionTransaction('2024-03-31', [
      { account: '1579', amount: 1000 },
      { account: '2740', amount: -5 },
    ]);
    const [head, first, second] = assertion.split('\n');
    const text = [
      journalHeader(customer),
      accountDirective('2740'),
      accountDirective('1579'),
      '',
      formatTransaction(placement),
      [head, retiredAssertionLine(first, 'kob:x y'), second].join('\n'),
      '2024-04-01 hand-written, no key',
      '    1579  1 NOK',
      '    1920',
      '',
    ].join('\n');
    const parsed = parse(text);
    expect([...parsed.keys]).toEqual([placement.idempotencyKey]);
    expect([...parsed.accounts]).toEqual(['2740', '1579']);
    expect(parsed.customer).toEqual(customer);
    expect(parsed.assertions).toEqual([
      { date: '2024-03-31', account: '2740', amount: -5, line: text.split('\n').indexOf(second) + 1 },
    ]);
    expect(parsed.tornAt).toBeUndefined();
    expect(parsed.lineCount).toBe(text.split('\n').length - 1); // text ends with a newline
  });

  it('finds a batch that was begun but never ended, and ignores what it holds', () => {
    const whole = `; kob batch begin\n${formatTransaction({ ...placement, idempotencyKey: 'a' })}\n; kob batch end\n`;
    const torn = `; kob batch begin\n${formatTransaction({ ...placement, idempotencyKey: 'b' })}`;
    const parsed = parse(whole + torn);
    expect([...parsed.keys]).toEqual(['a']);
    expect(parsed.tornAt).toBe(Buffer.byteLength(whole));
    expect(parsed.lineCount).toBe(whole.split('\n').length - 1);
  });

  it('treats a batch marker cut by a crash as a torn batch', () => {
    const whole = `; kob batch begin\n${formatTransaction({ ...placement, idempotencyKey: 'a' })}\n; kob batch end\n`;
    expect(parse(`${whole}; kob ba`).tornAt).toBe(Buffer.byteLength(whole));
    expect(parse('; kob batch').tornAt).toBe(0);
    expect(parse(`${whole}; a note`).tornAt).toBeUndefined();
  });

  it('encodes any key as one tag value and decodes it exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (key) => {
        const encoded = encodeTagValue(key);
        expect(encoded).toMatch(/^[A-Za-z0-9:#._\-/+=@%]+$/);
        expect(decodeTagValue(encoded)).toBe(key);
      }),
    );
  });
});
