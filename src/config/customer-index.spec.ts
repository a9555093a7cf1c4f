import { CustomerIndex } from './customer-index.js';
import type { CustomerConfig } from './module-options.interface.js';

const customer = (id: string, organisasjonsnummer = '313367002'): CustomerConfig => ({
  id,
  organisasjonsnummer,
  rettighetspakke: 'regnskapssystem',
  access: { type: 'systembruker' },
  bookingStartDate: '2025-01-01',
});

describe('CustomerIndex', () => {
  it('finds what a scan of the array finds, also after the host changes the array', () => {
    const list: CustomerConfig[] = [customer('a'), customer('b'), customer('c')];
    const index = new CustomerIndex(list);
    const scan = (id: string) => list.find((c) => c.id === id);
    const check = () => {
      for (const id of ['a', 'b', 'c', 'd', 'e', 'x']) expect(index.get(id)).toBe(scan(id));
    };
    check();
    list.push(customer('d'));
    check();
    list[1] = customer('b', '310478717'); // replaced in place: the new object, not the indexed one
    check();
    list.splice(0, 1); // everything after moves up
    check();
    list.unshift(customer('e'));
    check();
    list.length = 0;
    check();
  });

  it('gives the first customer with an id, as find does', () => {
    const first = customer('a');
    const index = new CustomerIndex([first, customer('a', '310478717')]);
    expect(index.get('a')).toBe(first);
  });
});
