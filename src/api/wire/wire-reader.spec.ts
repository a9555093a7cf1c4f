import { PayloadValidationError } from '../../errors/kob.error.js';
import { parseLosslessJson } from './lossless-json.js';
import { amount, arr, bool, date, map, obj, opt, readDocument, req, str } from './wire-reader.js';

const schema = obj({
  innbetaltFra: opt(str, 'betaltFra'),
  id: req(str, 'gammelId'),
  beloep: opt(amount),
  dato: opt(date),
  flagg: opt(bool),
  liste: opt(arr(map(obj({ n: req(amount) }), (r) => r.n))),
});

function read(text: string): unknown {
  return readDocument('Test', parseLosslessJson(text), schema);
}

function issues(text: string): unknown {
  try {
    read(text);
  } catch (e) {
    if (e instanceof PayloadValidationError) return e.issues;
    throw e;
  }
  return [];
}

describe('wire reader', () => {
  it('reads fields under their current or an older name; the current one wins', () => {
    expect(read('{"id": "a", "innbetaltFra": "ny"}')).toEqual({ id: 'a', innbetaltFra: 'ny' });
    expect(read('{"gammelId": "a", "betaltFra": "gammel"}')).toEqual({ id: 'a', innbetaltFra: 'gammel' });
    expect(read('{"id": "a", "gammelId": "b", "innbetaltFra": "ny", "betaltFra": "gammel"}')).toEqual({
      id: 'a',
      innbetaltFra: 'ny',
    });
  });

  it('falls back to an older name when the current one is null', () => {
    expect(read('{"id": null, "gammelId": "b"}')).toEqual({ id: 'b' });
  });

  it('reports a missing field under its current name', () => {
    expect(issues('{"id": null}')).toEqual([{ path: '$.id', message: 'is required' }]);
  });

  it('leaves absent optional fields out of the record', () => {
    expect(Object.keys(read('{"id": "a", "beloep": null}') as object)).toEqual(['id']);
  });

  it('reads amounts, dates, booleans and lists, naming each item by index', () => {
    expect(
      read(
        '{"id": "a", "beloep": -0.5, "dato": "2022-09-28T00:00:00.000+02:00", "flagg": true, "liste": [{"n": 1}, {"n": 2.25}]}',
      ),
    ).toEqual({ id: 'a', beloep: -50, dato: '2022-09-28', flagg: true, liste: [100, 225] });
    expect(issues('{"id": "a", "liste": [{"n": 1}, {"m": 2}, 3]}')).toEqual([
      { path: '$.liste[1].n', message: 'is required' },
      { path: '$.liste[2]', message: 'expected an object, got a number' },
    ]);
  });

  it('quotes keys that are not identifiers in paths', () => {
    const odd = obj({ 'a-b': req(obj({ 'x y': req(str) })) });
    expect(() => readDocument('Odd', parseLosslessJson('{"a-b": {}}'), odd)).toThrow(
      'Invalid Odd payload: $["a-b"]["x y"]: is required',
    );
  });
});
