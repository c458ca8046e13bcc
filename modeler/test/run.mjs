// Runs the browser tests against a real node: starts `shoal start` on a free
// port with a temporary data directory, runs `node --test` on test/*.spec.mjs
// with SHOAL_URL and SHOAL_BIN set, then stops the node.
//
//   node test/run.mjs ../bin/shoal [spec files...]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(process.argv[2] || path.join(here, '../../bin/shoal'));
const specs = process.argv.slice(3);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(url, node, log) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (node.exitCode !== null) {
      throw new Error(`shoal start exited with ${node.exitCode}:\n${log()}`);
    }
    try {
      const r = await fetch(url + '/ready');
      if (r.ok) {
        return;
      }
    } catch (err) {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`shoal start did not become ready within 30s:\n${log()}`);
}

async function main() {
  const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    const how = `no Chromium at ${chromium} (Debian: apt-get install -y chromium; or set CHROMIUM)`;
    if (process.env.SHOAL_REQUIRE_BROWSER) {
      console.error(`modeler tests: ${how}`);
      process.exit(1);
    }
    console.log(`modeler tests: SKIPPED, ${how}`);
    return;
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'shoal-modeler-test-'));
  const [ httpPort, internalPort ] = [ await freePort(), await freePort() ];
  const url = `http://127.0.0.1:${httpPort}`;

  let output = '';
  const node = spawn(bin, [
    'start',
    '--data-dir', dataDir,
    '--http-addr', `127.0.0.1:${httpPort}`,
    '--internal-addr', `127.0.0.1:${internalPort}`,
    '--raft-heartbeat-timeout', '200ms',
    '--raft-election-timeout', '200ms',
    '--raft-leader-lease-timeout', '100ms',
    '--log-level', 'warn'
  ], { stdio: [ 'ignore', 'pipe', 'pipe' ] });
  node.stdout.on('data', d => { output += d; });
  node.stderr.on('data', d => { output += d; });

  let code = 1;
  try {
    await waitReady(url, node, () => output);
    console.log(`modeler tests: shoal start at ${url} (data in ${dataDir})`);
    const files = specs.length
      ? specs
      : (await readdir(here)).filter(f => f.endsWith('.spec.mjs')).sort().map(f => path.join(here, f));
    code = await new Promise((resolve) => {
      const t = spawn(process.execPath, [ '--test', '--test-concurrency=1', ...files ], {
        stdio: 'inherit',
        env: { ...process.env, SHOAL_URL: url, SHOAL_BIN: bin }
      });
      t.on('exit', (c, signal) => resolve(c === null ? 1 : c));
    });
  } finally {
    node.kill('SIGTERM');
    await new Promise(resolve => {
      const timer = setTimeout(() => { node.kill('SIGKILL'); resolve(); }, 10000);
      node.on('exit', () => { clearTimeout(timer); resolve(); });
      if (node.exitCode !== null) {
        clearTimeout(timer);
        resolve();
      }
    });
    if (code !== 0 && output.trim()) {
      console.error('--- shoal start output ---\n' + output.slice(-4000));
    }
    await rm(dataDir, { recursive: true, force: true });
  }
  process.exit(code);
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
