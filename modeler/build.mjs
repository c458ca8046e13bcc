// Builds the web app into dist/: esbuild bundles src/index.js and its CSS,
// the bpmnlint configuration is compiled into the bundle (as bpmnlint-loader
// does), index.html names the content-hashed files, and every text asset
// gets a .gz twin that the Go handler serves to browsers that accept gzip.
//
//   node build.mjs            build once
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');

// The lint rules: Camunda 8's compatibility rules, as Camunda Modeler uses them.
const lintConfig = {
  extends: [ 'plugin:camunda-compat/camunda-cloud-8-8' ]
};

const bpmnlintPlugin = {
  name: 'bpmnlint-config',
  setup(b) {
    b.onResolve({ filter: /^virtual:bpmnlint-config$/ }, () => ({
      path: 'bpmnlint-config', namespace: 'bpmnlint'
    }));
    b.onLoad({ filter: /.*/, namespace: 'bpmnlint' }, async () => {
      const compileConfig = require('bpmnlint/lib/support/compile-config');
      return { contents: await compileConfig(lintConfig), loader: 'js', resolveDir: here };
    });
  }
};

async function main() {
  // Everything but the committed placeholder (served while nothing is built).
  await mkdir(dist, { recursive: true });
  for (const name of await readdir(dist)) {
    if (name !== 'NOT-BUILT.html') {
      await rm(path.join(dist, name), { recursive: true, force: true });
    }
  }

  const result = await build({
    entryPoints: { app: path.join(here, 'src/index.js') },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    outdir: dist,
    entryNames: '[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [ bpmnlintPlugin ]
  });

  const outputs = Object.keys(result.metafile.outputs).map(p => path.relative(dist, path.resolve(p)));
  const js = outputs.find(p => /^app-.*\.js$/.test(p));
  const css = outputs.find(p => /^app-.*\.css$/.test(p));
  if (!js || !css) {
    throw new Error('build: expected app-*.js and app-*.css, got ' + outputs.join(', '));
  }

  const html = (await readFile(path.join(here, 'src/index.html'), 'utf8'))
    .replace('%APP_CSS%', css)
    .replace('%APP_JS%', js);
  await writeFile(path.join(dist, 'index.html'), html);

  await gzipAll(dist);
  console.log(`modeler: built ${js}, ${css} into dist/`);
}

async function gzipAll(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await gzipAll(p);
    } else if (/\.(js|css|svg|html|txt|ttf|eot)$/.test(entry.name)) {
      const data = await readFile(p);
      const gz = gzipSync(data, { level: 9 });
      if (gz.length < data.length * 0.9) {
        await writeFile(p + '.gz', gz);
      }
    }
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
