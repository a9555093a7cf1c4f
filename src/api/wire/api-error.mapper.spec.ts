import fc from 'fast-check';
import { readApiError } from './api-error.mapper.js';

describe('readApiError', () => {
  it('reads the documented error body', () => {
    const body =
      '{"kode": "KB-007", "melding": "Fant ingen krav", "korrelasjonsid": "13a865f5-28f9-47db-9abd-ab78977c79fe"}';
    expect(readApiError(body)).toEqual({
      kode: 'KB-007',
      melding: 'Fant ingen krav',
      korrelasjonsid: '13a865f5-28f9-47db-9abd-ab78977c79fe',
    });
  });

  it('keeps only string fields and ignores the rest', () => {
    expect(readApiError('{"kode": "DAS-002", "melding": 5, "detail": {"x": 1}}')).toEqual({
      kode: 'DAS-002',
    });
  });

  it('masks person numbers in the message and bounds its length', () => {
    const e = readApiError(
      `{"kode": "KB-009", "melding": "Ingen treff på 04827896468 (org 212201782) ${'x'.repeat(900)}"}`,
    );
    expect(e?.melding).toMatch(/^Ingen treff på \*{6}96468 \(org 212201782\) x+$/);
    expect(e?.melding).toHaveLength(500);
  });

  it.each(['', 'NOT FOUND', '<html>502</html>', '[]', 'null', '"KB-001"', '{}', '{"kode": null}'])(
    'gives undefined for %j',
    (body) => {
      expect(readApiError(body)).toBeUndefined();
    },
  );

  it('never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (body) => {
        expect(() => readApiError(body)).not.toThrow();
      }),
    );
  });
});
