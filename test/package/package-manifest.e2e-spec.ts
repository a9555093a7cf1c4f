import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtinModules } from 'node:module';

// Guards the published package: every package that shipped code imports must be declared as a dependency or a
// peer, and the export map must point at files the build produces from src/.
const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports: Record<string, { types: string; default: string } | string>;
};

function shippedSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return shippedSources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

describe('package manifest', () => {
  it('declares every package imported by shipped code', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const builtins = new Set(builtinModules);
    const missing: string[] = [];
    for (const file of shippedSources(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const specifiers = [
        ...text.matchAll(/^\s*(?:import|export)\b[^;'"`]*?\bfrom\s*'([^']+)'/gm),
        ...text.matchAll(/^\s*import\s*'([^']+)'/gm),
        ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
      ];
      for (const m of specifiers) {
        if (m[1].startsWith('.')) continue;
        const spec = m[1];
        if (spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = packageName(spec);
        if (!declared.has(name)) missing.push(`${relative(root, file)} imports ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('maps each export to a source entry that exists', () => {
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue;
      const source = target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      expect({
        subpath,
        exists: statSync(join(root, source), { throwIfNoEntry: false })?.isFile() ?? false,
      }).toEqual({
        subpath,
        exists: true,
      });
    }
  });
});
