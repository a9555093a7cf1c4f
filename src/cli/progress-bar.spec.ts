import { ProgressBar, type ProgressStream } from './progress-bar.js';

function stream(isTTY: boolean): ProgressStream & { text: string } {
  const s = {
    text: '',
    isTTY,
    columns: 200,
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s;
}

describe('ProgressBar', () => {
  it('redraws one line on a terminal and fills up to the total', () => {
    const out = stream(true);
    const bar = new ProgressBar(4, out, 'Reconciling');
    bar.tick('a ok');
    bar.tick('b ok');
    expect(out.text.split('\r').at(-1)).toMatch(/^Reconciling \[#{12}-{12}\] 2\/4 [\d.]+s b ok/);
    bar.tick('c');
    bar.tick('d');
    bar.tick('extra');
    bar.finish();
    expect(out.text).not.toContain('\n\r');
    const last = out.text.split('\r').at(-1)!;
    expect(last).toMatch(/\[#{24}\] 4\/4 .* extra/);
    expect(last.endsWith('\u001b[K\n')).toBe(true);
  });

  it('prints a line per step when piped', () => {
    const out = stream(false);
    const bar = new ProgressBar(2, out);
    bar.tick('first');
    bar.tick('second');
    bar.finish();
    expect(out.text.trim().split('\n')).toHaveLength(2);
    expect(out.text).not.toContain('\r');
  });
});
